package dev.glasscast.server.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.e2e.FfmpegCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output, watched by an independent checker ({@code browser-tests/conformance.mjs}:
 * m3u8-parser, mpd-parser and ffprobe, written from RFC 8216bis and DASH-IF IOP, none of the
 * packager's code) for 20 s of a steady feed, and while the publisher leaves and reconnects with
 * the same parameters: LL-HLS (every rendition), MPEG-TS HLS, DASH and LL-DASH (one MPD serves
 * both: a DASH player ignores availabilityTimeOffset).
 */
class OutputConformanceTest {

    private static final Path BROWSER_TESTS = Path.of("..", "browser-tests");
    /** Rules that must have been checked at least once in each run: a silent checker proves nothing. */
    private static final List<String> MUST_CHECK = List.of(
            "a media sequence number keeps its segment, duration, discontinuity and date across reloads",
            "a published S entry keeps its time and duration ($Number$ -> time never moves)",
            "LL-HLS EXTINF within 10 % of the media's timestamps",
            "TS HLS EXTINF within 10 % of the media's timestamps",
            "DASH S@d within 10 % of the media's timestamps",
            "EXT-X-PART DURATION is at most PART-TARGET",
            "a blocking reload answers with the part it asked for, or after waiting",
            "_HLS_msn far ahead of the playlist answers 400",
            "maxSegmentDuration is at least every S@d",
            "Cache-Control lets shared caches store media part named by a preload hint",
            "Cache-Control lets shared caches store media segment being written (LL-DASH)",
            "Cache-Control lets shared caches store media segment",
            "Cache-Control of MPD expires within 2 s",
            "CORS on media segment");

    @TempDir
    Path dir;

    private GlassCastServer server;
    private FfmpegCli.Running publisher;

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyOutputConformsOnASteadyFeed() throws Exception {
        String base = startPublishing(34);
        assertConforms("steady feed", runChecker(base, 20));
    }

    /**
     * The publisher leaves and comes back with the same parameters while the checker watches,
     * with the slate off (viewers wait through the gap). Off in CI until what it finds while the
     * publisher is away is fixed (RELIABILITY.md, section 7, lists the findings); run it with
     * {@code -Dglasscast.conformance.reconnect=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "glasscast.conformance.reconnect", matches = "true")
    void everyOutputConformsAcrossAReconnect() throws Exception {
        acrossAReconnect(LowCostLive.config(dir));
    }

    /**
     * The same with the slate on, as the embedded defaults have it (in CI): while the publisher
     * is away the slate stands in, so every output goes on through two breaks (the slate in, the
     * publisher back).
     */
    @Test
    void everyOutputConformsAcrossAReconnectWithTheSlate() throws Exception {
        acrossAReconnect(LowCostLive.config(dir).withSlate(new ConfigLoader().defaults().slate()));
    }

    private void acrossAReconnect(GlassCastConfig config) throws Exception {
        String base = startPublishing(config, 14);
        CompletableFuture<JsonNode> acrossReconnect = CompletableFuture.supplyAsync(() -> runChecker(base, 26));
        FfmpegCli.Result first = publisher.await(60, TimeUnit.SECONDS);
        assertEquals(0, first.exitCode(), first.stderr());
        publisher = LowCostLive.publish(dir, server, 24);
        JsonNode reconnect = acrossReconnect.get(150, TimeUnit.SECONDS);
        String playlist = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "source/index.m3u8")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(playlist.contains("#EXT-X-DISCONTINUITY"), "the run saw the reconnect's break:\n" + playlist);
        assertConforms("across a reconnect", reconnect);
    }

    /** Starts the daemon and a publisher of {@code seconds}; returns the stream's base URL once every output exists. */
    private String startPublishing(int seconds) throws Exception {
        return startPublishing(LowCostLive.config(dir), seconds);
    }

    private String startPublishing(GlassCastConfig config, int seconds) throws Exception {
        server = LowCostLive.start(config);
        String base = LowCostLive.base(server);
        publisher = LowCostLive.publish(dir, server, seconds);
        // The checker starts once every output exists (it would report the 404s before, rightly).
        awaitOk(base + "manifest.mpd");
        awaitOk(base + LowCostLive.SMALL + "/index.m3u8");
        awaitOk(base + "source/ts.m3u8");
        return base;
    }

    private static void assertConforms(String run, JsonNode report) {
        System.out.println("[conformance] " + run + ": " + report.get("stats") + " notes " + report.get("notes"));
        System.out.println("[conformance] " + run + " checked: " + report.get("checked"));
        assertEquals(0, report.get("violations").size(), run + ": " + report.get("violations").toPrettyString());
        for (String rule : MUST_CHECK) {
            assertTrue(report.get("checked").path(rule).asInt() > 0, run + ": never checked: " + rule + "\n" + report.get("checked"));
        }
    }

    private JsonNode runChecker(String base, int seconds) {
        try {
            Path out = Files.createTempFile(dir, "conformance", ".json");
            Path err = Files.createTempFile(dir, "conformance", ".err");
            Process node = new ProcessBuilder("node", "conformance.mjs", base, String.valueOf(seconds))
                    .directory(BROWSER_TESTS.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!node.waitFor(seconds + 90L, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw new AssertionError("the checker did not finish: " + Files.readString(err));
            }
            String json = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, node.exitValue(), json + Files.readString(err));
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitOk(String url) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            if (client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " did not answer 200");
    }
}
