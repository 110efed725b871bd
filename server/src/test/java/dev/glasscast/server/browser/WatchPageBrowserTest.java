package dev.glasscast.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.api.OperatorApiEndToEndTest;
import dev.glasscast.server.e2e.FfmpegCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch page in headless Chromium at a phone's viewport, the way a viewer meets it: opened
 * before the broadcast (the calm offline state), playing by itself once ffmpeg publishes, time
 * advancing, seeking back in the window and jumping to live again, the quality selector
 * switching to the 240p rung; then the dashboard. The daemon runs the default {@code ladder:
 * auto}, which for the 640x360 source is the source passed through and the weak-network 240p
 * rung (always made, whatever this machine's speed), so hls.js plays and switches between the
 * rungs {@code auto} made. Screenshots of both go to {@code target/screenshots/}; with
 * {@code -Dglasscast.docs.update=true} they replace the README's pictures in {@code docs/}, so an
 * ordinary test run leaves the working tree clean.
 */
class WatchPageBrowserTest {

    static final Path DOCS = Boolean.getBoolean("glasscast.docs.update")
            ? Path.of("..", "docs").toAbsolutePath().normalize()
            : Path.of("target", "screenshots").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void offlinePageStartsPlayingSwitchesQualityAndTheDashboardShowsTheStream() throws Exception {
        GlassCastConfig twoRungs = OperatorApiEndToEndTest.twoRungConfig(dir, "");
        GlassCastConfig auto = twoRungs.withLadder(new ConfigLoader().defaults().ladder());
        try (GlassCastServer server = new GlassCastServer(auto)) {
            server.start();
            String base = "http://127.0.0.1:" + server.httpPort();
            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 25, 60));
            args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + OperatorApiEndToEndTest.KEY));
            Files.createDirectories(DOCS);
            FfmpegCli.Running publisher = null;
            try {
                BrowserDriver.Running watching = BrowserDriver.visit()
                        .viewport(390, 844)
                        .goTo(base + "/watch/main")
                        .eval("offlineAtFirst", "!document.getElementById('offline').hidden")
                        .probe("glasscast.video", "glasscast.hls")
                        .awaitPlayback(Duration.ofSeconds(45))
                        .watchFor(Duration.ofSeconds(8))
                        .probeReport("live")
                        .waitFor("!document.getElementById('seekbar').hidden", Duration.ofSeconds(15))
                        .eval("seekBack", """
                                (() => { const v = glasscast.video, s = document.getElementById('seek'), before = v.currentTime;
                                  s.value = String(Math.max(Number(s.min) + 0.5, before - 6)); s.dispatchEvent(new Event('change'));
                                  return before - v.currentTime; })()""")
                        .waitFor("!document.getElementById('golive').hidden", Duration.ofSeconds(8))
                        .click("#golive")
                        .waitFor("document.getElementById('golive').hidden", Duration.ofSeconds(10))
                        .eval("levels", "glasscast.hls.levels.map(l => l.height)")
                        .eval("options", "[...document.querySelectorAll('#quality option')].map(o => o.textContent)")
                        .eval("switch", """
                                (() => { const q = document.getElementById('quality');
                                  const i = glasscast.hls.levels.findIndex(l => l.height === 240);
                                  q.value = String(i); q.dispatchEvent(new Event('change')); return i; })()""")
                        .waitFor("glasscast.video.videoHeight === 240", Duration.ofSeconds(25))
                        .probeReport("controls")
                        .watchFor(Duration.ofSeconds(5))
                        .probeReport("at240p")
                        .eval("height", "glasscast.video.videoHeight")
                        .eval("playing", "!glasscast.video.paused")
                        .screenshot(DOCS.resolve("watch-page.png"))
                        .start(dir);
                // The publisher arrives while the page is already open and waiting.
                watching.awaitStep("offlineAtFirst", Duration.ofSeconds(30));
                publisher = FfmpegCli.start(dir, args);
                BrowserDriver.Result watch = watching.finish(Duration.ofSeconds(150));
                assertTrue(watch.ok(), watch.diagnostics());
                assertTrue(watch.value("offlineAtFirst").asBoolean(), "the page should wait calmly before the publisher");
                PlaybackReport live = watch.playback("live");
                PlaybackReport controls = watch.playback("controls");
                PlaybackReport at240p = watch.playback("at240p");
                System.out.println("[watch page] live: " + live.summary() + "\n[watch page] seek, live, 240p: " + controls.summary()
                        + "\n[watch page] at 240p: " + at240p.summary());
                live.assertWithin(PlaybackBounds.defaults().withMinPlaying(Duration.ofSeconds(7))
                        // While offline the page polls the multivariant playlist, which answers 404
                        // until the stream has video. A rendition's playlist waits for its first
                        // segment instead (it answered 404, a levelLoadError, before 2026-12-07).
                        .allowingConsoleError("/live/main/index.m3u8)"));
                // The viewer's seek back, jump to live and rung switch: each may wait for data once.
                // Their window is short and mostly seeking, so no rate or length is asked of it,
                // but no error and sound all along.
                // Switching rungs, the picture waits for the new rung's first frame while the sound
                // goes on (0.6-1.2 s here), hence a longer allowance for a still picture.
                controls.assertWithin(PlaybackBounds.defaults().withMaxStalls(3).withMinRate(0).withMinPlaying(Duration.ZERO)
                        .withMaxMediaGap(Duration.ofMillis(2500)));
                at240p.assertWithin(PlaybackBounds.defaults().withMinPlaying(Duration.ofSeconds(4)));
                assertTrue(watch.value("seekBack").asDouble() >= 3, "the seek bar moves back in the window: " + watch.value("seekBack"));
                JsonNode levels = watch.value("levels");
                List<Integer> heights = new ArrayList<>();
                levels.forEach(level -> heights.add(level.asInt()));
                assertEquals(List.of(240, 360), heights.stream().sorted().toList(),
                        "the source and the rung auto made: " + levels);
                assertEquals(3, watch.value("options").size(), "Auto plus each rung: " + watch.value("options"));
                assertEquals(240, watch.value("height").asInt());
                assertTrue(watch.value("playing").asBoolean());

                BrowserDriver.Result dashboard = BrowserDriver.visit()
                        .viewport(1000, 820)
                        .goTo(base + "/dashboard?token=" + OperatorApiEndToEndTest.TOKEN)
                        .waitFor("document.body.dataset.ready === 'true'"
                                + " && [...document.querySelectorAll('img.thumb, img.qr')].every(i => i.complete && i.naturalWidth > 0)"
                                + " && document.querySelectorAll('.graph polyline').length === 2", Duration.ofSeconds(20))
                        .eval("badge", "document.querySelector('.badge').textContent")
                        .eval("rungs", "document.querySelectorAll('table tbody tr').length")
                        .screenshot(DOCS.resolve("dashboard.png"))
                        .run(dir, Duration.ofSeconds(60));
                assertTrue(dashboard.ok(), dashboard.diagnostics());
                assertEquals("LIVE", dashboard.value("badge").asText());
                assertEquals(2, dashboard.value("rungs").asInt());
            } finally {
                if (publisher != null) {
                    publisher.close();
                }
            }
            for (String png : List.of("watch-page.png", "dashboard.png")) {
                long size = Files.size(DOCS.resolve(png));
                assertTrue(size < 300_000, png + " is " + size + " bytes");
            }
        }
    }
}
