package dev.glasscast.server.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.e2e.FfmpegCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher that drops and reconnects within the grace: hls.js keeps playing across it, the
 * playlists show a discontinuity (HLS) and a new Period (DASH); once the stream is over, the
 * playlist gets EXT-X-ENDLIST, the MPD turns static, and ffmpeg reads the whole recording, also
 * from a new daemon on the same data directory.
 */
class ReconnectAndRecordingTest {

    @TempDir
    Path dir;

    @Test
    void playbackContinuesAcrossAReconnectAndTheRecordingPlaysToTheEnd() throws Exception {
        try (PlaybackDaemon daemon = new PlaybackDaemon(dir)) {
            FfmpegCli.Result first;
            CompletableFuture<BrowserDriver.Result> watching;
            try (FfmpegCli.Running publisher = daemon.publish(14)) {
                daemon.await(daemon.base() + "source/index.m3u8", "#EXTINF", Duration.ofSeconds(30));
                BrowserDriver.Visit visit = BrowserDriver.visit()
                        .goTo(daemon.origin() + "/healthz")
                        .content(Players.PAGE, Players.HLS_JS)
                        .eval("started", Players.hlsJs(daemon.base() + "index.m3u8"))
                        .waitFor("document.getElementById('v').currentTime > 0.5 || report.fatal", Duration.ofSeconds(45))
                        .sample("times", "document.getElementById('v').currentTime", Duration.ofSeconds(1), Duration.ofSeconds(32))
                        .eval("errors", "report.errors")
                        .eval("fatal", "report.fatal");
                watching = CompletableFuture.supplyAsync(() -> {
                    try {
                        return visit.run(dir, Duration.ofSeconds(120));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                first = publisher.await(60, TimeUnit.SECONDS);
            }
            assertEquals(0, first.exitCode(), first.stderr());
            Thread.sleep(3000);
            FfmpegCli.Result second;
            try (FfmpegCli.Running publisher = daemon.publish(18)) {
                String playlist = daemon.await(daemon.base() + "source/index.m3u8", "#EXT-X-DISCONTINUITY\n",
                        Duration.ofSeconds(30));
                assertTrue(playlist.matches("(?s).*#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init\\d+\\.mp4\"\n.*"), playlist);
                String mpd = daemon.await(daemon.base() + "manifest.mpd", "<S t=", Duration.ofSeconds(10));
                for (int i = 0; i < 20 && mpd.split("<Period ", -1).length < 3; i++) {
                    Thread.sleep(500);
                    mpd = daemon.get(daemon.base() + "manifest.mpd").body();
                }
                assertEquals(3, mpd.split("<Period ", -1).length, "a Period per publication:\n" + mpd);
                second = publisher.await(60, TimeUnit.SECONDS);
            }
            assertEquals(0, second.exitCode(), second.stderr());

            BrowserDriver.Result result = watching.get(150, TimeUnit.SECONDS);
            assertTrue(result.ok(), result.diagnostics());
            List<Double> times = new ArrayList<>();
            for (JsonNode t : result.value("times")) {
                times.add(t.asDouble());
            }
            System.out.println("[reconnect] hls.js currentTime every second: " + times + " errors " + result.value("errors"));
            assertFalse(result.value("fatal").asBoolean(), "errors: " + result.value("errors"));
            double total = times.getLast() - times.getFirst();
            double lastTen = times.getLast() - times.get(times.size() - 11);
            assertTrue(total >= 16, "played " + total + " s over the reconnect");
            assertTrue(lastTen >= 5, "played only " + lastTen + " s in the last ten seconds, after the reconnect");

            // Once the grace is over the stream is a recording: ENDLIST, a static MPD, readable to the end.
            String ended = daemon.await(daemon.base() + "source/index.m3u8", "#EXT-X-ENDLIST", Duration.ofSeconds(30));
            assertTrue(ended.contains("#EXT-X-DISCONTINUITY\n"), ended);
            String staticMpd = daemon.await(daemon.base() + "manifest.mpd", "type=\"static\"", Duration.ofSeconds(10));
            assertEquals(3, staticMpd.split("<Period ", -1).length, staticMpd);
            assertReadable(daemon, daemon.base() + "index.m3u8", 28);
            // FFmpeg's DASH demuxer reads one Period (the last): the second publication's 18 s.
            assertReadable(daemon, daemon.base() + "manifest.mpd", 16);
        }
        // The recording survives the daemon: a new one on the same data directory serves it at the same URLs.
        try (PlaybackDaemon restarted = new PlaybackDaemon(dir)) {
            String recorded = restarted.await(restarted.base() + "source/index.m3u8", "#EXT-X-ENDLIST", Duration.ofSeconds(10));
            assertTrue(recorded.contains("#EXT-X-DISCONTINUITY\n"), recorded);
            assertTrue(restarted.get(restarted.base() + "manifest.mpd").body().contains("type=\"static\""));
            assertReadable(restarted, restarted.base() + "index.m3u8", 28);
        }
    }

    /** ffmpeg decodes {@code url} start to end without errors, at least {@code seconds} of it. */
    private void assertReadable(PlaybackDaemon daemon, String url, double seconds) throws Exception {
        FfmpegCli.Result read = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-stats", "-i", url,
                "-map", "0:v:0", "-f", "null", "-"), 120);
        assertEquals(0, read.exitCode(), url + ": " + read.stderr());
        java.util.regex.Matcher time = java.util.regex.Pattern.compile("time=(\\d+):(\\d+):(\\d+\\.\\d+)").matcher(read.stderr());
        double decoded = 0;
        while (time.find()) {
            decoded = Integer.parseInt(time.group(1)) * 3600 + Integer.parseInt(time.group(2)) * 60
                    + Double.parseDouble(time.group(3));
        }
        System.out.println("[recording] ffmpeg decoded " + decoded + " s of " + url);
        assertTrue(decoded >= seconds, url + ": decoded " + decoded + " s\n" + read.stderr());
        String errors = read.stderr().lines().filter(l -> !l.contains("frame=") && !l.isBlank()).reduce("", (a, b) -> a + b + "\n");
        assertEquals("", errors.trim(), url + ": ffmpeg errors");
    }
}
