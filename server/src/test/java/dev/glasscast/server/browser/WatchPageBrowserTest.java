package dev.glasscast.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.api.OperatorApiEndToEndTest;
import dev.glasscast.server.e2e.FfmpegCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch page in headless Chromium at a phone's viewport, the way a viewer meets it: opened
 * before the broadcast (the calm offline state), playing by itself once ffmpeg publishes a
 * two-rung ladder, time advancing, seeking back in the window and jumping to live again, the
 * quality selector switching to the 240p rung; then the
 * dashboard. Screenshots of both go to {@code target/screenshots/}; with
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
        try (GlassCastServer server = new GlassCastServer(OperatorApiEndToEndTest.twoRungConfig(dir, ""))) {
            server.start();
            String base = "http://127.0.0.1:" + server.httpPort();
            List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(640, 360, 25, 45));
            args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + OperatorApiEndToEndTest.KEY));
            AtomicReference<FfmpegCli.Running> publisher = new AtomicReference<>();
            // The publisher arrives while the page is already open and waiting.
            Thread late = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(4000);
                    publisher.set(FfmpegCli.start(dir, args));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Files.createDirectories(DOCS);
            try {
                BrowserDriver.Result watch = BrowserDriver.visit()
                        .viewport(390, 844)
                        .goTo(base + "/watch/main")
                        .eval("offlineAtFirst", "!document.getElementById('offline').hidden")
                        .waitFor("glasscast.video.currentTime > 1", Duration.ofSeconds(45))
                        .eval("start", "glasscast.video.currentTime")
                        .waitFor("glasscast.video.currentTime > " + "(window.t0 ??= glasscast.video.currentTime) + 5",
                                Duration.ofSeconds(20))
                        .eval("advanced", "glasscast.video.currentTime - window.t0")
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
                        .eval("height", "glasscast.video.videoHeight")
                        .eval("playing", "!glasscast.video.paused")
                        .waitMillis(1000)
                        .screenshot(DOCS.resolve("watch-page.png"))
                        .run(dir, Duration.ofSeconds(120));
                assertTrue(watch.ok(), watch.diagnostics());
                assertTrue(watch.value("offlineAtFirst").asBoolean(), "the page should wait calmly before the publisher");
                assertTrue(watch.value("advanced").asDouble() >= 5, watch.json().toString());
                assertTrue(watch.value("seekBack").asDouble() >= 3, "the seek bar moves back in the window: " + watch.value("seekBack"));
                JsonNode levels = watch.value("levels");
                assertEquals(2, levels.size(), levels.toString());
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
                late.join();
                if (publisher.get() != null) {
                    publisher.get().close();
                }
            }
            for (String png : List.of("watch-page.png", "dashboard.png")) {
                long size = Files.size(DOCS.resolve(png));
                assertTrue(size < 300_000, png + " is " + size + " bytes");
            }
        }
    }
}
