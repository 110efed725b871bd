package dev.glasscast.server.testsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.TestSourceConfig;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamPath;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.e2e.FfmpegCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's path: the daemon starts with its test pattern on {@code main}, then OBS is
 * pointed at {@code main} with the key start-up printed. OBS must be let in at once (the pattern
 * gives way), what viewers get must become OBS's picture, and the pattern must not come back when
 * OBS stops. Debian's ffmpeg publishes over SRT, OBS's preferred path.
 */
class TestPatternTakeoverTest {

    private static final String KEY = "takeover-key-1";
    private static final StreamPath MAIN = StreamPath.source("main");

    @TempDir
    Path dir;

    private GlassCastServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startWithTheTestPattern() throws Exception {
        var config = TestDaemon.config(dir, KEY);
        server = new GlassCastServer(config.withTestSource(new TestSourceConfig(true, "main", 320, 180, 15, 300_000)));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void obsTakesTheStreamOverFromTheTestPatternWhichThenStaysAway() throws Exception {
        await("the test pattern publishes main as a stand-in", 30,
                () -> live().map(LiveStream::standIn).orElse(false) && resolution().contains("320x180"));
        assertTrue(server.monitor().report("main").orElseThrow().source().standIn(), "the dashboard says it is the test pattern");

        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 30, 8));
        args.addAll(List.of("-f", "mpegts",
                "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + KEY + "&latency=200000"));
        FfmpegCli.Result published;
        try (FfmpegCli.Running obs = FfmpegCli.start(dir, args)) {
            await("OBS's publish holds main", 10, () -> live().map(stream -> !stream.standIn()).orElse(false));
            await("viewers get OBS's picture", 15, () -> resolution().contains("640x360"));
            assertFalse(server.monitor().report("main").orElseThrow().source().standIn());
            published = obs.await(60, TimeUnit.SECONDS);
        }
        assertEquals(0, published.exitCode(), "OBS (ffmpeg over SRT) was not let in:\n" + published.stderr());

        await("OBS's publish ends", 10, () -> live().isEmpty());
        Thread.sleep(3_000);
        assertFalse(live().isPresent(), "the test pattern came back after OBS stopped: " + live());
        String playlist = get("http://127.0.0.1:" + server.httpPort() + "/live/main/source/index.m3u8");
        assertTrue(playlist.contains("#EXT-X-DISCONTINUITY"), "the pattern and OBS are one timeline with a break:\n" + playlist);
    }

    private Optional<LiveStream> live() {
        return server.hub().find(MAIN);
    }

    /** The RESOLUTION the multivariant playlist advertises, or "" before there is one. */
    private String resolution() {
        try {
            String multivariant = get("http://127.0.0.1:" + server.httpPort() + "/live/main/index.m3u8");
            int at = multivariant.indexOf("RESOLUTION=");
            return at < 0 ? "" : multivariant.substring(at, multivariant.indexOf(',', at));
        } catch (Exception e) {
            return "";
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : "";
    }

    private static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, "not within " + seconds + " s: " + what);
            Thread.sleep(100);
        }
    }
}
