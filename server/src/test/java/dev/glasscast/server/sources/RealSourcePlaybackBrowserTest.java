package dev.glasscast.server.sources;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source-matrix rows that concern playback, watched by hls.js in Debian's headless Chromium
 * while {@link OutputCheck} reads the same publish (fMP4, TS and DASH): hls.js must play with at
 * most one stall, shorter than a second, after it started. Kept to a few rows: a browser costs
 * more than the rest of a row together.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RealSourcePlaybackBrowserTest {

    private static final int PUBLISH_SECONDS = 26;
    private static final Duration WATCH = Duration.ofSeconds(12);

    /** Counts every stall after playback began: from a {@code waiting} event to the next {@code playing}. */
    private static final String PAGE = """
            <html><body><video id="v" muted autoplay playsinline width="640" height="360"></video>
            <script>
              window.report = { errors: [], fatal: false, stalls: [] };
              const v = document.getElementById('v');
              let began = false, since = null;
              v.addEventListener('playing', () => {
                if (since !== null) { report.stalls.push(Math.round(performance.now() - since)); since = null; }
                began = true;
              });
              v.addEventListener('waiting', () => { if (began && since === null) since = performance.now(); });
              window.stallsNow = () => since === null ? report.stalls
                  : report.stalls.concat([Math.round(performance.now() - since)]);
            </script></body></html>""";

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

        assertTrue(seen.ok(), seen.diagnostics());
        assertFalse(seen.value("fatal").asBoolean(), "hls.js errors: " + seen.value("errors") + "\n" + seen.diagnostics());
        double advanced = seen.value("endTime").asDouble() - seen.value("startTime").asDouble();
        List<Integer> stalls = new ArrayList<>();
        for (JsonNode stall : seen.value("stalls")) {
            stalls.add(stall.asInt());
        }
        System.out.println("[matrix] browser " + transport + ": hls.js played " + advanced + " s in " + WATCH.toSeconds()
                + " s, stalls (ms) " + stalls + ", errors " + seen.value("errors") + "; " + String.join("; ", outputs));
        assertTrue(stalls.size() <= 1 && stalls.stream().allMatch(millis -> millis < 1000),
                "hls.js stalled " + stalls + " ms; errors " + seen.value("errors"));
        assertTrue(advanced >= WATCH.toSeconds() - 2, "hls.js played " + advanced + " s in " + WATCH.toSeconds() + " s");
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
        String player = """
                (() => {
                  const hls = new Hls({ lowLatencyMode: true });
                  hls.on(Hls.Events.ERROR, (e, d) => {
                    report.errors.push(d.type + ':' + d.details + (d.fatal ? ':fatal' : ''));
                    if (d.fatal) report.fatal = true;
                  });
                  hls.loadSource('%s');
                  hls.attachMedia(document.getElementById('v'));
                  document.getElementById('v').play().catch(() => {});
                  return true;
                })()""".formatted(url);
        return BrowserDriver.visit()
                .goTo(daemon.origin() + "/healthz")
                .content(PAGE, "hls.js/dist/hls.min.js")
                .eval("started", player)
                .waitFor("document.getElementById('v').currentTime > 0.5 || report.fatal", Duration.ofSeconds(40))
                .eval("startTime", "document.getElementById('v').currentTime")
                .waitMillis(WATCH.toMillis())
                .eval("endTime", "document.getElementById('v').currentTime")
                .eval("stalls", "window.stallsNow()")
                .eval("errors", "report.errors")
                .eval("fatal", "report.fatal")
                .run(dir, Duration.ofSeconds(90));
    }
}
