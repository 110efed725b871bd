package dev.glasscast.server.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.browser.Players;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
import dev.glasscast.server.e2e.FfmpegCli;
import java.nio.file.Path;
import java.time.Duration;
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
                        .awaitPlayback(Duration.ofSeconds(45))
                        // Until playback resumes after the break: the probe's first stall is over.
                        .waitFor("glasscastProbe.stallsEnded() >= 1", Duration.ofSeconds(60))
                        .probeReport("acrossTheBreak")
                        .watchFor(Duration.ofSeconds(8))
                        .probeReport("afterTheBreak");
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
            PlaybackReport acrossTheBreak = result.playback("acrossTheBreak");
            PlaybackReport afterTheBreak = result.playback("afterTheBreak");
            System.out.println("[reconnect] hls.js across the break: " + acrossTheBreak.summary()
                    + "\n[reconnect] after it: " + afterTheBreak.summary());
            // The publisher is away for 3 s and its first segment takes 2 s more: one stall of
            // 3.5-6.7 s after some 10 s of playing (0.58-0.73x in four runs), which hls.js reports
            // as a stalled buffer; 0.4x leaves room for a slower reconnect on a loaded machine,
            // and the window after the break is held to the defaults.
            // The part the playlist hinted when the publisher left is never cut: hls.js's request
            // for it (and for its segment) answers 404 once the publication is over, and hls.js
            // may then mark that segment as a gap (fragGap).
            acrossTheBreak.assertWithin(PlaybackBounds.defaults()
                    .withMinRate(0.4)
                    .withMinPlaying(Duration.ofSeconds(8))
                    .allowingPlayerErrors("bufferStalledError", "bufferSeekOverHole", "fragLoadError", "fragGap")
                    .allowingConsoleError("404 (Not Found)"));
            afterTheBreak.assertWithin(PlaybackBounds.defaults().withMaxStalls(0).withMinPlaying(Duration.ofSeconds(7)));

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
