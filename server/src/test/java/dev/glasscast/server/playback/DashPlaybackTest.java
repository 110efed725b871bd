package dev.glasscast.server.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.e2e.FfmpegCli;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DASH (and HLS through Shaka) against real clients while Debian's ffmpeg publishes over RTMP:
 * Shaka Player plays the MPD and the HLS playlist, dash.js plays the MPD in low-latency mode,
 * ffmpeg reads the MPD.
 */
class DashPlaybackTest {

    @TempDir
    static Path dir;

    private static PlaybackDaemon daemon;
    private static FfmpegCli.Running publisher;

    @BeforeAll
    static void publish() throws Exception {
        daemon = new PlaybackDaemon(dir);
        publisher = daemon.publish(75);
        daemon.await(daemon.base() + "manifest.mpd", "<S t=", Duration.ofSeconds(30));
        // A few segments, so players start with some DVR window behind the live edge.
        Thread.sleep(4000);
    }

    @AfterAll
    static void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void manifestIsADynamicMpdOverTheSameSegments() throws Exception {
        HttpResponse<String> response = daemon.get(daemon.base() + "manifest.mpd");
        assertEquals(200, response.statusCode());
        assertEquals("application/dash+xml", response.headers().firstValue("content-type").orElse(""));
        String mpd = response.body();
        assertTrue(mpd.contains("type=\"dynamic\" availabilityStartTime=\"1970-01-01T00:00:00Z\""), mpd);
        assertTrue(mpd.contains("timeShiftBufferDepth=\"PT120S\""), mpd);
        assertTrue(mpd.contains("<UTCTiming schemeIdUri=\"urn:mpeg:dash:utc:http-iso:2014\" value=\"/time\"/>"), mpd);
        assertTrue(mpd.contains("contentType=\"video\"") && mpd.contains("contentType=\"audio\""), mpd);
        assertTrue(mpd.contains("media=\"source/seg$Number$.m4s\"") && mpd.contains("media=\"audio/seg$Number$.m4s\""), mpd);
        assertTrue(mpd.contains("<ServiceDescription id=\"0\">"), mpd);
        assertTrue(mpd.contains("availabilityTimeOffset=\"1.667\" availabilityTimeComplete=\"false\""), mpd);

        String time = daemon.get(daemon.origin() + "/time").body().trim();
        Duration skew = Duration.between(Instant.parse(time), Instant.now()).abs();
        assertTrue(skew.compareTo(Duration.ofSeconds(5)) < 0, "/time says " + time);
    }

    @Test
    void ffmpegReadsTheMpd() throws Exception {
        FfmpegCli.Result read = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-t", "4",
                "-i", daemon.base() + "manifest.mpd", "-map", "0", "-f", "null", "-"), 90);
        assertEquals(0, read.exitCode(), read.stderr());
        assertEquals("", read.stderr().trim(), "ffmpeg errors reading the MPD");
    }

    @Test
    void shakaPlaysDash() throws Exception {
        assertPlays("Shaka DASH", Players.SHAKA, Players.shaka(daemon.base() + "manifest.mpd"), 30);
    }

    @Test
    void shakaPlaysHls() throws Exception {
        assertPlays("Shaka HLS", Players.SHAKA, Players.shaka(daemon.base() + "index.m3u8"), 30);
    }

    @Test
    void openSegmentIsSentChunkedAsItsPartsAreCut() throws Exception {
        String mpd = daemon.get(daemon.base() + "manifest.mpd").body();
        java.util.regex.Matcher start = java.util.regex.Pattern.compile(
                "media=\"source/seg\\$Number\\$\\.m4s\"[^>]*>\\s*<SegmentTimeline>").matcher(mpd);
        assertTrue(start.find(), mpd);
        String playlist = daemon.get(daemon.base() + "source/index.m3u8").body();
        java.util.regex.Matcher hint = java.util.regex.Pattern.compile("PRELOAD-HINT:TYPE=PART,URI=\"part(\\d+)\\.").matcher(playlist);
        assertTrue(hint.find(), playlist);
        long open = Long.parseLong(hint.group(1));
        long asked = System.nanoTime();
        java.net.http.HttpResponse<byte[]> segment = daemon.http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(daemon.base() + "source/seg" + open + ".m4s")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        double seconds = (System.nanoTime() - asked) / 1e9;
        assertEquals(200, segment.statusCode());
        assertEquals("chunked", segment.headers().firstValue("transfer-encoding").orElse(""));
        // The whole segment, once complete, is byte for byte what the cache then serves.
        java.net.http.HttpResponse<byte[]> cached = daemon.http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(daemon.base() + "source/seg" + open + ".m4s")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, cached.statusCode());
        assertTrue(cached.headers().firstValue("content-length").isPresent());
        org.junit.jupiter.api.Assertions.assertArrayEquals(cached.body(), segment.body());
        assertTrue(seconds > 0.2 && seconds < 5, "streamed over " + seconds + " s");
    }

    @Test
    void dashJsPlaysWithCatchUp() throws Exception {
        assertPlays("dash.js", Players.DASH_JS, Players.dashJs(daemon.base() + "manifest.mpd"), 10);
    }

    /** Plays for 14 s and asserts at least 10 s of progress without a fatal error; prints latencies. */
    private static void assertPlays(String name, String script, String player, double maxLatency) throws Exception {
        BrowserDriver.Result result = Players.watch(daemon.origin(), script, player, Duration.ofSeconds(14))
                .run(dir, Duration.ofSeconds(120));
        assertTrue(result.ok(), name + ": " + result.diagnostics());
        List<Double> latencies = new ArrayList<>();
        for (JsonNode sample : result.value("latency")) {
            if (sample.isNumber()) {
                latencies.add(sample.asDouble());
            }
        }
        double advanced = result.value("endTime").asDouble() - result.value("startTime").asDouble();
        System.out.println("[" + name + "] advanced " + advanced + " s; latency samples (s): " + latencies
                + " errors " + result.value("errors"));
        assertFalse(result.value("fatal").asBoolean(), name + " errors: " + result.value("errors") + "\n" + result.diagnostics());
        assertTrue(advanced >= 10, name + " advanced " + advanced + " s; errors " + result.value("errors"));
        if (!latencies.isEmpty()) {
            assertTrue(latencies.getLast() < maxLatency, name + " live latency " + latencies.getLast() + " s");
        }
    }
}
