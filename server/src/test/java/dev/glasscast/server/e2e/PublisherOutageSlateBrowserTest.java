package dev.glasscast.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
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

        BrowserDriver.Result seen = BrowserDriver.visit()
                .viewport(640, 360)
                .goTo("http://127.0.0.1:" + server.httpPort() + "/watch/main")
                .probe("glasscast.video", "glasscast.hls")
                .awaitPlayback(Duration.ofSeconds(40))
                .waitFor("glasscast.video.currentTime > 2", Duration.ofSeconds(20))
                .probeReport("warmUp")
                // Covers the rest of the first publish, the outage and the return.
                .watchFor(Duration.ofSeconds(24))
                .probeReport("playback")
                .run(dir, Duration.ofSeconds(120));
        String publishLog = publishers.get(90, TimeUnit.SECONDS);
        PlaybackReport playback = seen.playback("playback");
        PlaybackReport warmUp = seen.playback("warmUp");
        System.out.println("[slate] warm-up: " + warmUp.summary() + "\n[slate] " + playback.summary());
        // The warm-up is often a fraction of a second: too short for a rate, long enough for errors
        // (a rendition's playlist answered 404 before its first segment until 2026-12-07).
        warmUp.assertWithin(PlaybackBounds.defaults().withMinPlaying(Duration.ZERO).withMinRate(0));
        // The slate fills the outage: not a single stall, the picture and the sound never stop
        // (the slate's silence is audio too), and the player never waits for data.
        playback.assertWithin(PlaybackBounds.defaults().withMaxStalls(0).withMinPlaying(Duration.ofSeconds(20)));
        assertEquals(0, playback.waitingEvents(), "the player waited for data: " + playback.summary());

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
