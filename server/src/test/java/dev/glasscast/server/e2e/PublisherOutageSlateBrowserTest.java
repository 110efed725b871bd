package dev.glasscast.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.browser.BrowserDriver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Nothing lost": hls.js in headless Chromium watches the watch page while the publisher (Debian
 * ffmpeg over RTMP, like OBS) goes away for 5 s and comes back. The slate fills the gap, so the
 * player never waits and its clock never stops; the live feed returns after a discontinuity.
 */
class PublisherOutageSlateBrowserTest {

    private static final int FPS = 30;
    private static final int FIRST_PUBLISH_SECONDS = 16;
    private static final int OUTAGE_MILLIS = 5_000;
    private static final int SECOND_PUBLISH_SECONDS = 16;

    @TempDir
    Path dir;

    private static final String KEY = "slate-test-key";

    private GlassCastServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startDaemon() throws Exception {
        GlassCastConfig config = TestDaemon.config(dir, KEY)
                .withSlate(new SlateConfig(true, "#1a1a2e", null, "Back soon", Duration.ofSeconds(30)));
        server = new GlassCastServer(config);
        server.start();
    }

    @AfterEach
    void stopDaemon() {
        server.close();
    }

    @Test
    void playerKeepsPlayingThroughAPublisherOutageAndTheLiveFeedReturns() throws Exception {
        String rtmp = "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + KEY;
        CompletableFuture<String> publishers = CompletableFuture.supplyAsync(() -> {
            try {
                String first = publish(rtmp, FIRST_PUBLISH_SECONDS);
                Thread.sleep(OUTAGE_MILLIS);
                return first + publish(rtmp, SECOND_PUBLISH_SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        String video = "document.getElementById('video')";
        BrowserDriver.Result seen = BrowserDriver.visit()
                .viewport(640, 360)
                .goTo("http://127.0.0.1:" + server.httpPort() + "/watch/main")
                .waitFor(video + ".currentTime > 2", Duration.ofSeconds(40))
                .eval("start", "(() => { const v = " + video + "; window.waits = 0;"
                        + " v.addEventListener('waiting', () => window.waits++); return v.currentTime; })()")
                // Covers the rest of the first publish, the outage and the return.
                .sample("clock", "[" + video + ".currentTime, window.waits]", Duration.ofMillis(500), Duration.ofSeconds(24))
                .eval("waits", "window.waits")
                .run(dir, Duration.ofSeconds(120));
        assertTrue(seen.ok(), seen.diagnostics());
        String publishLog = publishers.get(90, TimeUnit.SECONDS);

        assertEquals(0, seen.value("waits").asInt(), "the player waited for data: " + seen.value("clock") + "\n" + seen.diagnostics());
        // The first sample is read a few milliseconds after "start", often within the same video
        // frame, so it may equal it (the samples come back rounded to microseconds, hence the
        // allowance); every later one is 500 ms after the one before and must be ahead.
        double previous = seen.value("start").asDouble();
        List<Double> times = new ArrayList<>();
        for (JsonNode sample : seen.value("clock")) {
            double time = sample.get(0).asDouble();
            times.add(time);
            boolean first = times.size() == 1;
            assertTrue(first ? time >= previous - 1e-5 : time > previous, "the player's clock stopped at " + previous + ": " + times);
            previous = time;
        }

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.httpPort() + "/live/main/source/index.m3u8")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.headers() + "\n" + response.body());
        String playlist = response.body();
        // Discontinuities that slid out of the window are counted by the sequence number.
        java.util.regex.Matcher sequence = java.util.regex.Pattern.compile("#EXT-X-DISCONTINUITY-SEQUENCE:(\\d+)").matcher(playlist);
        int discontinuities = (sequence.find() ? Integer.parseInt(sequence.group(1)) : 0)
                + playlist.split("#EXT-X-DISCONTINUITY\n", -1).length - 1;
        assertTrue(discontinuities >= 2, "a discontinuity into the slate and one back to the live feed:\n"
                + playlist + "\n" + publishLog);
    }

    private String publish(String url, int seconds) throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, FPS, seconds));
        args.addAll(List.of("-f", "flv", url));
        try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
            FfmpegCli.Result result = publisher.await(seconds + 30L, TimeUnit.SECONDS);
            assertEquals(0, result.exitCode(), result.stderr());
            return "";
        }
    }
}
