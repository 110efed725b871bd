package dev.glasscast.server.sources;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
import dev.glasscast.server.browser.Players;
import dev.glasscast.server.e2e.FfmpegCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source-matrix rows that concern playback, watched by hls.js in Debian's headless Chromium
 * while {@link OutputCheck} reads the same publish (fMP4, TS and DASH): hls.js, unmuted, is held
 * to the shared playback probe's bounds once it started (about 1x, at most one stall and that
 * under a second, audio decoded, no error). Kept to a few rows: a browser costs
 * more than the rest of a row together.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RealSourcePlaybackBrowserTest {

    private static final int PUBLISH_SECONDS = 26;
    private static final Duration WATCH = Duration.ofSeconds(12);

    @TempDir
    Path dir;

    private MatrixDaemon daemon;

    @BeforeEach
    void start() throws Exception {
        daemon = new MatrixDaemon(dir);
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    @Test
    void h264WithBFramesOverRtmpPlaysInHlsJs() throws Exception {
        watchAndCheck(Transport.RTMP, Encoder.live().picture(640, 360, "30", 30).bFrames().seconds(PUBLISH_SECONDS)
                .args(daemon.output(Transport.RTMP)), OutputCheck.Expect.av(640, 360, 30, 48_000, 2, PUBLISH_SECONDS - 2));
    }

    @Test
    void ntsc2997WithAac441MonoOverSrtPlaysInHlsJs() throws Exception {
        watchAndCheck(Transport.SRT, Encoder.live().picture(640, 360, "30000/1001", 30).sound(44_100, 1)
                        .seconds(PUBLISH_SECONDS).args(daemon.output(Transport.SRT)),
                OutputCheck.Expect.av(640, 360, 30_000 / 1001.0, 44_100, 1, PUBLISH_SECONDS - 2));
    }

    private void watchAndCheck(Transport transport, List<String> ffmpegArgs, OutputCheck.Expect expect) throws Exception {
        OutputCheck check = new OutputCheck(daemon, dir);
        BrowserDriver.Result seen;
        try (FfmpegCli.Running publisher = FfmpegCli.start(dir, ffmpegArgs)) {
            CompletableFuture<BrowserDriver.Result> browser = CompletableFuture.supplyAsync(() -> {
                try {
                    return watch();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            check.watchWhileLive(publisher, Duration.ofSeconds(PUBLISH_SECONDS + 40));
            seen = browser.get(60, TimeUnit.SECONDS);
        }
        List<String> outputs = check.verify(expect);

        PlaybackReport playback = seen.playback(Players.PLAYBACK);
        System.out.println("[matrix] browser " + transport + ": hls.js " + playback.summary() + "; " + String.join("; ", outputs));
        playback.assertWithin(PlaybackBounds.defaults()
                .withMinPlaying(WATCH.minusSeconds(2))
                // hls.js's jump to the live edge at its start.
                .allowingPlayerErrors("bufferSeekOverHole"));
        assertTrue(playback.stalls().stream().allMatch(stall -> stall.seconds() < 1.0),
                "the one stall allowed is under a second: " + playback.summary());
    }

    /** hls.js in low-latency mode on the multivariant playlist, as the watch page plays it. */
    private BrowserDriver.Result watch() throws Exception {
        String url = daemon.base() + "index.m3u8";
        // hls.js gives up on a playlist that is not there yet: start it once the stream is listed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (daemon.get(url).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "index.m3u8 never appeared");
            Thread.sleep(200);
        }
        return BrowserDriver.visit()
                .goTo(daemon.origin() + "/healthz")
                .content(Players.PAGE, Players.HLS_JS)
                .eval("started", Players.hlsJs(url))
                .awaitPlayback(Duration.ofSeconds(40))
                .watchFor(WATCH)
                .probeReport(Players.PLAYBACK)
                .run(dir, Duration.ofSeconds(90));
    }
}
