package dev.glasscast.server.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.PackagingConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.e2e.FfmpegCli;
import dev.glasscast.server.e2e.MediaProbe;
import dev.glasscast.server.ingest.HlsPlayback;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recordings are written as the event happens: a {@code kill -9} leaves a recording that plays
 * (with ENDLIST) on the next start, byte for byte what viewers were served; and a recording holds
 * the whole event, not just the DVR window, whose older part is served from disk.
 */
class RecordingDurabilityTest {

    private static final String KEY = "recording-test-key";
    private static final int FPS = 15;
    private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

    @TempDir
    Path dir;

    /** 1 s segments, so a few seconds of publishing make several segments. */
    private static PackagingConfig packaging(Duration dvrWindow, Duration memoryWindow) {
        return new PackagingConfig(Duration.ofSeconds(1), Duration.ofMillis(250), 3, dvrWindow, true, memoryWindow);
    }

    /** An OBS-like 320x180 source with a key frame every second, published in real time. */
    private static List<String> publishArgs(int rtmpPort, int seconds) {
        return List.of("-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=" + FPS,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", String.valueOf(seconds), "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-preset", "veryfast",
                "-tune", "zerolatency", "-g", String.valueOf(FPS), "-keyint_min", String.valueOf(FPS),
                "-sc_threshold", "0", "-b:v", "300k", "-c:a", "aac", "-b:a", "64k", "-ar", "48000", "-ac", "2",
                "-f", "flv", "rtmp://127.0.0.1:" + rtmpPort + "/live/" + KEY);
    }

    @Test
    void killDashNineLeavesARecordingThatPlaysOnRestart() throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("glasscast.yaml");
        Files.writeString(config, """
                data_dir: %s
                server: {bind: 127.0.0.1, http_port: 0}
                webrtc: {bind: 127.0.0.1, udp_port: 0}
                ingest:
                  rtmp: {bind: 127.0.0.1, port: 0}
                  srt: {enabled: false}
                  streams: [{name: main, key: %s}]
                test_source: {enabled: false}
                slate: {enabled: false}
                ladder: [{name: source, codec: copy}]
                packaging: {segment_duration: 1s, part_duration: 250ms, playlist_segments: 3}
                """.formatted(data, KEY));
        Path log = dir.resolve("daemon.log");
        Process daemon = TestDaemon.startProcess(dir, config);
        String livePlaylist;
        byte[] liveInit;
        Map<String, byte[]> served = new LinkedHashMap<>();
        try {
            int httpPort = awaitPort(daemon, log, "Watch:\\s+http://[^:/]+:(\\d+)/watch/");
            int rtmpPort = awaitPort(daemon, log, "OBS \\(RTMP\\):\\s+Server rtmp://[^:/]+:(\\d+)/live");
            HlsPlayback live = new HlsPlayback(httpPort, HttpClient.Version.HTTP_1_1);
            String base = live.streamBase("main") + "source/";
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, publishArgs(rtmpPort, 60))) {
                livePlaylist = awaitSegments(live, base + "dvr.m3u8", 4, log);
                liveInit = live.initSegment(base, livePlaylist);
                for (String uri : HlsPlayback.segmentUris(livePlaylist)) {
                    served.put(uri, live.getBytes(base + uri));
                }
                // The recorder appends a segment to its index one fsync after the playlist lists it:
                // wait for the index to list them all, not for a time a loaded machine may exceed.
                awaitIndexed(data.resolve("recordings").resolve("main").resolve("source").resolve("index.txt"),
                        served.size(), log);
                daemon.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                assertTrue(daemon.waitFor(10, TimeUnit.SECONDS));
            }
        } finally {
            daemon.destroyForcibly();
        }
        System.out.println("[kill -9] segments listed before the kill: " + served.keySet());

        GlassCastConfig restartConfig = TestDaemon.config(dir, KEY)
                .withPackaging(packaging(Duration.ofMinutes(2), PackagingConfig.DEFAULT_MEMORY_WINDOW));
        try (GlassCastServer restarted = new GlassCastServer(restartConfig)) {
            restarted.start();
            HlsPlayback playback = new HlsPlayback(restarted.httpPort(), HttpClient.Version.HTTP_1_1);
            String base = playback.streamBase("main") + "source/";
            // Interrupted: it ends with its last recorded segment (then the reconnect grace runs out).
            String recorded = playback.awaitEndedPlaylist(base + "index.m3u8", Duration.ofSeconds(20));
            List<String> uris = HlsPlayback.segmentUris(recorded);
            assertTrue(uris.containsAll(served.keySet()), "every segment listed before the kill is recorded:\n"
                    + recorded + "\nwas\n" + livePlaylist);
            assertArrayEquals(liveInit, playback.initSegment(base, recorded));
            for (Map.Entry<String, byte[]> segment : served.entrySet()) {
                assertArrayEquals(segment.getValue(), playback.getBytes(base + segment.getKey()), segment.getKey());
            }
            Path file = playback.download(base, recorded, dir.resolve("recorded.mp4"));
            MediaProbe probe = MediaProbe.of(dir, file);
            assertEquals("h264", probe.codec());
            assertEquals("", probe.decodeErrors());
            assertTrue(probe.duration() >= served.size() - 1.5, "decoded " + probe.duration() + " s");
            System.out.println("[kill -9] recording after restart: " + uris.size() + " segments, "
                    + probe.frameTimes().size() + " frames decoded");
        }
    }

    @Test
    void theRecordingHoldsTheWholeEventNotJustTheDvrWindow() throws Exception {
        // 10 s published: the store keeps the least it keeps (playlist + 3 = 6 segments, more than
        // the 3 s DVR window); the recording keeps everything.
        GlassCastConfig config = TestDaemon.config(dir, KEY)
                .withPackaging(packaging(Duration.ofSeconds(3), Duration.ofSeconds(1)));
        int seconds = 10;
        Map<String, byte[]> servedLive = new LinkedHashMap<>();
        byte[] liveInit;
        try (GlassCastServer server = new GlassCastServer(config)) {
            server.start();
            HlsPlayback live = new HlsPlayback(server.httpPort(), HttpClient.Version.HTTP_1_1);
            String base = live.streamBase("main") + "source/";
            FfmpegCli.Result published;
            String playlist = "";
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, publishArgs(server.rtmpPort(), seconds))) {
                // Fetch every segment while it is new (in memory), as a live viewer would.
                while (publisher.isAlive()) {
                    var response = live.get(base + "index.m3u8");
                    if (response.statusCode() == 200 && response.body().contains("#EXTINF")) {
                        playlist = response.body();
                        for (String uri : HlsPlayback.segmentUris(playlist)) {
                            if (!servedLive.containsKey(uri)) {
                                servedLive.put(uri, live.getBytes(base + uri));
                            }
                        }
                    }
                    Thread.sleep(300);
                }
                published = publisher.await(30, TimeUnit.SECONDS);
            }
            assertEquals(0, published.exitCode(), published.stderr());
            liveInit = live.initSegment(base, playlist);

            // At once, before the reconnect grace is over: the start-over playlist is the whole event.
            String whole = awaitSegments(live, base + "dvr.m3u8", seconds - 1, null);
            double listed = HlsPlayback.segmentDurations(whole).stream().mapToDouble(Double::parseDouble).sum();
            System.out.println("[recording] dvr.m3u8 after the end: " + HlsPlayback.segmentUris(whole).size()
                    + " segments, " + listed + " s; DVR window 3 s; recorder wrote " + server.recordings().writtenSegments()
                    + ", dropped " + server.recordings().droppedSegments());
            assertTrue(Math.abs(listed - seconds) <= 1.5, "EXTINF sum " + listed + " s for " + seconds + " s published\n" + whole);
            assertTrue(HlsPlayback.segmentUris(whole).containsAll(servedLive.keySet()), whole);
            assertEquals(0, server.recordings().droppedSegments());
        }

        // A new daemon (nothing cached) reads every segment from the recording files.
        try (GlassCastServer restarted = new GlassCastServer(config)) {
            restarted.start();
            HlsPlayback playback = new HlsPlayback(restarted.httpPort(), HttpClient.Version.HTTP_1_1);
            String base = playback.streamBase("main") + "source/";
            String recorded = playback.get(base + "dvr.m3u8").body();
            assertArrayEquals(liveInit, playback.initSegment(base, recorded));
            for (Map.Entry<String, byte[]> segment : servedLive.entrySet()) {
                assertArrayEquals(segment.getValue(), playback.getBytes(base + segment.getKey()), segment.getKey());
            }
            MediaProbe probe = MediaProbe.of(dir, playback.download(base, recorded, dir.resolve("whole.mp4")));
            assertEquals("", probe.decodeErrors());
            assertTrue(probe.duration() >= seconds - 1.5, "decoded " + probe.duration() + " s of " + seconds);
        }
    }

    /** Polls a media playlist until it lists at least {@code count} segments. */
    private static String awaitSegments(HlsPlayback http, String url, int count, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        String last = "";
        while (System.nanoTime() < deadline) {
            var response = http.get(url);
            if (response.statusCode() == 200) {
                last = response.body();
                if (HlsPlayback.segmentUris(last).size() >= count && MAP.matcher(last).find()) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("fewer than " + count + " segments in " + url + ":\n" + last
                + (log == null ? "" : "\n" + Files.readString(log, StandardCharsets.UTF_8)));
    }

    /** Waits until the recording's index lists at least {@code count} segments (read as the daemon writes it). */
    private static void awaitIndexed(Path index, int count, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        long listed = 0;
        while (System.nanoTime() < deadline) {
            if (Files.exists(index)) {
                listed = Files.readAllLines(index, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("segment ")).count();
                if (listed >= count) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(index + " lists " + listed + " segments, not the " + count + " served:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static int awaitPort(Process daemon, Path log, String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && daemon.isAlive()) {
            Matcher matcher = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + regex + " from the daemon:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
}
