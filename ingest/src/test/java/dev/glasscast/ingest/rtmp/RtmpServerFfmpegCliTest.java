package dev.glasscast.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.RequiredTool;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.ingest.flv.FlvAccessUnitMapper;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishes with Debian's ffmpeg CLI, the way OBS-like encoders and CI do. */
class RtmpServerFfmpegCliTest {

    private static final String KEY = "cli-test-key-7f3a";
    private static final int SECONDS = 6;
    private static final int FPS = 30;

    private final StreamHub hub = new StreamHub();
    private final HubRecorder recorder = new HubRecorder();
    private EventLoopGroup acceptGroup;
    private EventLoopGroup connectionGroup;
    private RtmpServer server;
    private int port;
    private String ffmpeg;

    @BeforeEach
    void start() throws Exception {
        // The only RTMP test with B-frames (x264 high profile) and 44.1 kHz audio: never skipped in CI.
        ffmpeg = RequiredTool.path("ffmpeg");
        GlassCastConfig config = new ConfigLoader().load(null, Map.of(
                "GLASSCAST_INGEST__RTMP__BIND", "127.0.0.1",
                "GLASSCAST_INGEST__RTMP__PORT", "0"));
        List<StreamConfig> streams = List.of(config.ingest().streams().get(0).withKey(KEY));
        hub.addListener(recorder);
        acceptGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        connectionGroup = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        RtmpServerLimits limits = RtmpServerLimits.defaults().withHandshakeTimeout(Duration.ofSeconds(1));
        server = new RtmpServer(config.ingest().rtmp(), new PublishAuthorizer(streams), hub, limits, acceptGroup, connectionGroup);
        port = server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (acceptGroup != null) {
            acceptGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            connectionGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void publishesH264AndAacFromFfmpeg() throws Exception {
        Process ffmpeg = publish(KEY);
        assertEquals(0, finish(ffmpeg), "ffmpeg exit code");
        assertTrue(recorder.unpublished.await(10, TimeUnit.SECONDS), "stream unpublished after the client left");
        assertEquals(List.of(StreamPath.source("main")), List.copyOf(recorder.published));
        assertPublishedMedia();
    }

    @Test
    void rejectsAWrongKeyAndTheHubNeverSeesIt() throws Exception {
        Process ffmpeg = publish("not-the-key");
        assertNotEquals(0, finish(ffmpeg), "ffmpeg must fail on a rejected key");
        assertTrue(recorder.published.isEmpty(), "nothing reached the hub: " + recorder.published);
        assertFalse(hub.isLive(StreamPath.source("main")));
    }

    @Test
    void garbageAndTruncatedHandshakesCloseOnlyTheirConnection() throws Exception {
        // In real time, so the publish is still running while the bad connections come and go.
        Process ffmpeg = publish(KEY, true);
        waitUntilLive();
        try (Socket garbage = new Socket(); Socket truncated = new Socket()) {
            garbage.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            garbage.setSoTimeout(10_000);
            OutputStream out = garbage.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            out.flush();
            assertEquals(-1, drain(garbage.getInputStream()), "garbage handshake closed by the server");

            truncated.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            truncated.setSoTimeout(10_000);
            truncated.getOutputStream().write(new byte[] {3, 0, 0, 0, 0, 0, 0, 0});
            truncated.getOutputStream().flush();
            assertEquals(-1, drain(truncated.getInputStream()), "truncated handshake closed after the timeout");
        }
        assertTrue(ffmpeg.isAlive() && hub.isLive(StreamPath.source("main")), "the good publish ran alongside");
        assertEquals(0, finish(ffmpeg), "the concurrent good publish is unaffected");
        assertTrue(recorder.unpublished.await(10, TimeUnit.SECONDS));
        assertPublishedMedia();
    }

    @Test
    void closingTheServerUnpublishesLiveSessions() throws Exception {
        Process ffmpeg = publish(KEY, true);
        try {
            waitUntilLive();
            server.close();
            assertFalse(hub.isLive(StreamPath.source("main")), "close() returns after the session unpublished");
            assertTrue(recorder.unpublished.await(10, TimeUnit.SECONDS));
            assertTrue(ffmpeg.waitFor(20, TimeUnit.SECONDS), "the client notices the closed connection");
        } finally {
            ffmpeg.destroyForcibly();
        }
    }

    private void assertPublishedMedia() {
        List<TrackInfo> tracks = recorder.trackAnnouncements.getLast();
        TrackInfo video = tracks.stream().filter(TrackInfo::isVideo).findFirst().orElseThrow();
        TrackInfo audio = tracks.stream().filter(t -> !t.isVideo()).findFirst().orElseThrow();
        assertEquals(Codec.H264, video.codec());
        assertEquals(320, video.width());
        assertEquals(240, video.height());
        assertEquals(FlvAccessUnitMapper.TIMESCALE, video.timescale());
        assertEquals(0x64, video.codecConfig()[1] & 0xFF, "High profile avcC");
        assertEquals(Codec.AAC, audio.codec());
        assertEquals(44100, audio.sampleRate());

        List<AccessUnit> videoUnits = recorder.track(FlvAccessUnitMapper.VIDEO_TRACK_ID);
        List<AccessUnit> audioUnits = recorder.track(FlvAccessUnitMapper.AUDIO_TRACK_ID);
        assertTrue(Math.abs(videoUnits.size() - FPS * SECONDS) <= 3, "video units: " + videoUnits.size());
        assertTrue(audioUnits.size() > 200, "audio units: " + audioUnits.size());
        assertTrue(videoUnits.getFirst().keyFrame(), "starts on a key frame");
        assertMonotonic(videoUnits);
        assertMonotonic(audioUnits);

        List<Long> keyTimes = new ArrayList<>();
        for (AccessUnit unit : videoUnits) {
            assertTrue(unit.pts() >= unit.dts(), "pts >= dts: " + unit);
            assertEquals(0, unit.data()[0], "4-byte NAL length prefix");
            if (unit.keyFrame()) {
                keyTimes.add(unit.dts());
            }
        }
        assertEquals(SECONDS / 2, keyTimes.size(), "key frames: " + keyTimes);
        for (int i = 1; i < keyTimes.size(); i++) {
            long gap = keyTimes.get(i) - keyTimes.get(i - 1);
            assertTrue(Math.abs(gap - 2000) <= 40, "key frame every 2 s: " + keyTimes);
        }
    }

    private static void assertMonotonic(List<AccessUnit> units) {
        for (int i = 1; i < units.size(); i++) {
            assertTrue(units.get(i).dts() >= units.get(i - 1).dts(), "monotonic dts at " + i + ": " + units.get(i));
        }
    }

    private void waitUntilLive() throws InterruptedException {
        for (int i = 0; i < 100 && !hub.isLive(StreamPath.source("main")); i++) {
            Thread.sleep(100);
        }
        assertTrue(hub.isLive(StreamPath.source("main")), "publish started");
    }

    private Process publish(String key) throws Exception {
        return publish(key, false);
    }

    private Process publish(String key, boolean realtime) throws Exception {
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error"));
        for (String input : List.of("testsrc2=size=320x240:rate=" + FPS, "sine=frequency=440:sample_rate=44100")) {
            if (realtime) {
                command.add("-re");
            }
            command.addAll(List.of("-f", "lavfi", "-i", input));
        }
        command.addAll(List.of(
                "-t", String.valueOf(SECONDS),
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
                "-g", String.valueOf(2 * FPS), "-keyint_min", String.valueOf(2 * FPS), "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "64k",
                "-f", "flv", "rtmp://127.0.0.1:" + port + "/live/" + key));
        File log = Files.createTempFile("ffmpeg-rtmp", ".log").toFile();
        log.deleteOnExit();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static int finish(Process process) throws InterruptedException {
        if (!process.waitFor(25, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ffmpeg did not finish");
        }
        return process.exitValue();
    }

    private static int drain(InputStream in) throws Exception {
        byte[] buffer = new byte[4096];
        int read;
        while ((read = in.read(buffer)) > 0) {
            // The server may have answered something before closing; only the close matters.
        }
        return read;
    }
}
