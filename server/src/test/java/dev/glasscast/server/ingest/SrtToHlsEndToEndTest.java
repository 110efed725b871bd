package dev.glasscast.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.PackagingConfig;
import dev.glasscast.config.SrtConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.srt.SrtSessionStats;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.e2e.FfmpegCli;
import dev.glasscast.server.e2e.MediaProbe;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 end to end: real SRT callers (FFmpeg's libsrt in process as OBS uses it, Debian's
 * ffmpeg, libsrt's own srt-live-transmit) publish to the daemon, and what the HLS side serves
 * decodes in ffprobe at the published size with every frame present. Continuity of the MPEG-TS
 * the listener delivered is read from its per-session statistics while the publish runs.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SrtToHlsEndToEndTest {

    private static final String KEY = "srt-e2e-main-key";
    private static final String SECOND_KEY = "srt-e2e-second-key";
    private static final String PASSPHRASE = "glasscast-e2e-passphrase";
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FPS = 30;
    private static final int LONG_SECONDS = 15;
    private static final int SHORT_SECONDS = 8;
    private static final int SAMPLE_RATE = 48_000;

    @TempDir
    Path dir;

    private GlassCastServer server;
    private HlsPlayback hls;

    @AfterEach
    void stopDaemon() {
        if (server != null) {
            server.close();
        }
    }

    private void startDaemon(String passphrase) throws Exception {
        GlassCastConfig defaults = new ConfigLoader().defaults();
        SrtConfig srt = defaults.ingest().srt().withPort(0);
        srt = new SrtConfig(srt.enabled(), "127.0.0.1", 0, srt.latency(), passphrase);
        PackagingConfig packaging = defaults.packaging();
        // Lists the whole publish, so the download covers every frame sent, not a live window.
        packaging = new PackagingConfig(packaging.segmentDuration(), packaging.partDuration(), 60, packaging.dvrWindow());
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        GlassCastConfig config = base
                .withIngest(base.ingest().withSrt(srt).withStreams(List.of(new StreamConfig("main", KEY), new StreamConfig("second", SECOND_KEY))))
                .withPackaging(packaging);
        server = new GlassCastServer(config);
        server.start();
        hls = new HlsPlayback(server.httpPort());
    }

    private String srtUrl(String query) {
        return "srt://127.0.0.1:" + server.srtPort() + "?" + query;
    }

    @Test
    void javaCvPublishesLikeObsWithStreamIdPassphraseAndLatency() throws Exception {
        startDaemon(PASSPHRASE);
        // OBS's SRT output is FFmpeg's libsrt fed by libavformat's mpegts muxer, with the
        // latency in microseconds as OBS's settings dialog writes it.
        String url = srtUrl("streamid=" + KEY + "&passphrase=" + PASSPHRASE + "&latency=200000");
        try (SessionWatch watch = new SessionWatch(server)) {
            publishWithJavaCv(url, LONG_SECONDS);
            SrtSessionStats session = watch.lastOf("main");
            assertTrue(session.encrypted(), "the publisher encrypted: " + session);
            assertEquals(200, session.latencyMillis(), "the caller's latency=200000 us: " + session);
            assertEquals(0, watch.continuityErrors("main"), "TS continuity errors: " + session);
        }
        // The recorder may lose x264's last few pictures when libsrt closes without lingering.
        assertPlaysToHls("main", LONG_SECONDS * FPS - 10);
    }

    @Test
    void debianFfmpegPublishesMpegTs() throws Exception {
        startDaemon(null);
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(WIDTH, HEIGHT, FPS, LONG_SECONDS));
        args.addAll(List.of("-f", "mpegts",
                srtUrl("streamid=#!::r=live/main,m=publish,k=" + KEY + "&latency=200000")));
        try (SessionWatch watch = new SessionWatch(server)) {
            FfmpegCli.Result publish;
            try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
                publish = publisher.await(LONG_SECONDS + 60, TimeUnit.SECONDS);
            }
            assertEquals(0, publish.exitCode(), "ffmpeg publish failed:\n" + publish.stderr());
            assertEquals(0, watch.continuityErrors("main"), "TS continuity errors: " + watch.lastOf("main"));
        }
        assertPlaysToHls("main", LONG_SECONDS * FPS - 2);
    }

    @Test
    void srtLiveTransmitRelaysAPacedTsFileFromStdin() throws Exception {
        startDaemon(null);
        Path ts = dir.resolve("feed.ts");
        List<String> encode = new ArrayList<>(FfmpegCli.obsLikeSource(WIDTH, HEIGHT, FPS, LONG_SECONDS));
        encode.remove("-re");
        encode.addAll(List.of("-f", "mpegts", ts.toString()));
        FfmpegCli.Result encoded;
        try (FfmpegCli.Running encoder = FfmpegCli.start(dir, encode)) {
            encoded = encoder.await(120, TimeUnit.SECONDS);
        }
        assertEquals(0, encoded.exitCode(), encoded.stderr());

        // srt-live-transmit sends whatever stdin gives it as fast as it comes, so ffmpeg -re
        // paces the file in real time, as a relay fed by a live encoder would be.
        ProcessBuilder pacer = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-re", "-i", ts.toString(), "-c", "copy", "-f", "mpegts", "-")
                .redirectError(dir.resolve("pacer.log").toFile());
        ProcessBuilder relay = new ProcessBuilder("srt-live-transmit", "-a:no", "-c:1316", "-v", "file://con",
                "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + SECOND_KEY + "&latency=200")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("relay.log").toFile());
        try (SessionWatch watch = new SessionWatch(server)) {
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(pacer, relay));
            Process pacing = pipeline.get(0);
            Process relaying = pipeline.get(1);
            try {
                assertTrue(pacing.waitFor(LONG_SECONDS + 60, TimeUnit.SECONDS), "ffmpeg -re did not finish");
                assertEquals(0, pacing.exitValue(), Files.readString(dir.resolve("pacer.log")));
                // srt-live-transmit keeps polling stdin after EOF; SIGTERM is its clean way out
                // (it sends SRT's shutdown). Wait past the 200 ms latency so it has sent all.
                Thread.sleep(1000);
                assertTrue(relaying.isAlive(), "srt-live-transmit quit early:\n" + Files.readString(dir.resolve("relay.log")));
                relaying.destroy();
                assertTrue(relaying.waitFor(10, TimeUnit.SECONDS), "srt-live-transmit ignored SIGTERM");
            } finally {
                pipeline.forEach(Process::destroyForcibly);
            }
            String relayLog = Files.readString(dir.resolve("relay.log"));
            assertTrue(relayLog.contains("SRT target connected"), relayLog);
            assertNotNull(watch.lastOf("second"), "no SRT session seen; srt-live-transmit said:\n" + relayLog);
            assertEquals(0, watch.continuityErrors("second"), "TS continuity errors: " + watch.lastOf("second"));
        }
        assertPlaysToHls("second", LONG_SECONDS * FPS - 2);
    }

    @Test
    void twoPublishersWithDifferentStreamIdsOnOnePortBothPlay() throws Exception {
        startDaemon(null);
        List<String> first = new ArrayList<>(FfmpegCli.obsLikeSource(WIDTH, HEIGHT, FPS, SHORT_SECONDS));
        first.addAll(List.of("-f", "mpegts", srtUrl("streamid=publish:live/main:obs:" + KEY)));
        List<String> second = new ArrayList<>(FfmpegCli.obsLikeSource(WIDTH, HEIGHT, FPS, SHORT_SECONDS));
        second.addAll(List.of("-f", "mpegts", srtUrl("streamid=live/second?key=" + SECOND_KEY)));
        try (SessionWatch watch = new SessionWatch(server);
             FfmpegCli.Running a = FfmpegCli.start(dir, first);
             FfmpegCli.Running b = FfmpegCli.start(dir, second)) {
            FfmpegCli.Result resultA = a.await(SHORT_SECONDS + 60, TimeUnit.SECONDS);
            FfmpegCli.Result resultB = b.await(SHORT_SECONDS + 60, TimeUnit.SECONDS);
            assertEquals(0, resultA.exitCode(), resultA.stderr());
            assertEquals(0, resultB.exitCode(), resultB.stderr());
            assertTrue(watch.maxConcurrent() == 2, "both sessions were up at once: " + watch.maxConcurrent());
            assertEquals(0, watch.continuityErrors("main"));
            assertEquals(0, watch.continuityErrors("second"));
        }
        assertPlaysToHls("main", SHORT_SECONDS * FPS - 2);
        assertPlaysToHls("second", SHORT_SECONDS * FPS - 2);
    }

    @Test
    void wrongPassphraseUnknownKeyAndMissingStreamIdAreRejectedInTheHandshake() throws Exception {
        startDaemon(PASSPHRASE);
        // libsrt names the standard reasons; GlassCast's 1400/1401 are in the application range.
        assertRejected(srtUrl("streamid=" + KEY + "&passphrase=not-the-passphrase"), "Incorrect passphrase");
        assertRejected(srtUrl("streamid=not-a-stream-key&passphrase=" + PASSPHRASE), "Application-defined rejection reason");
        assertRejected(srtUrl("passphrase=" + PASSPHRASE), "Application-defined rejection reason");

        assertEquals(List.of(), server.srt().sessions());
        assertEquals(404, hls.get(hls.streamBase("main") + "index.m3u8").statusCode());
        assertEquals(404, hls.get(hls.streamBase("main") + "source/index.m3u8").statusCode());
    }

    /** ffmpeg gives up during the handshake and says why; nothing reaches the hub. */
    private void assertRejected(String url, String reason) throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(WIDTH, HEIGHT, FPS, 3));
        args.addAll(List.of("-f", "mpegts", url));
        long start = System.nanoTime();
        FfmpegCli.Result publish;
        try (FfmpegCli.Running publisher = FfmpegCli.start(dir, args)) {
            publish = publisher.await(60, TimeUnit.SECONDS);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertNotEquals(0, publish.exitCode(), "ffmpeg should have been refused:\n" + publish.stderr());
        assertTrue(publish.stderr().contains("REJECT reported from HS processing: " + reason),
                "no rejection (" + reason + ") in:\n" + publish.stderr());
        // Refused at the handshake, not after a connection timeout (libsrt's default is 3 s).
        assertTrue(millis < 2500, "took " + millis + " ms to be refused:\n" + publish.stderr());
        assertTrue(server.hub().liveStreams().isEmpty(), "nothing was published: " + server.hub().liveStreams());
    }

    /** Waits for ENDLIST on the source and audio renditions and decodes every frame served. */
    private void assertPlaysToHls(String stream, int minimumFrames) throws Exception {
        String base = hls.streamBase(stream);
        String video = hls.awaitEndedPlaylist(base + "source/index.m3u8", Duration.ofSeconds(30));
        String audio = hls.awaitEndedPlaylist(base + "audio/index.m3u8", Duration.ofSeconds(30));
        String master = hls.get(base + "index.m3u8").body();
        assertTrue(master.contains("RESOLUTION=" + WIDTH + "x" + HEIGHT), master);

        MediaProbe v = MediaProbe.of(dir, hls.download(base + "source/", video, dir.resolve(stream + "-video.mp4")));
        assertEquals("h264", v.codec());
        assertEquals(WIDTH, v.width());
        assertEquals(HEIGHT, v.height());
        assertEquals("", v.decodeErrors(), () -> "video decode errors; " + segmentsWithDecodeErrors(base + "source/", video));
        assertTrue(v.frameTimes().size() >= minimumFrames, "video frames: " + v.frameTimes().size());
        assertTrue(v.largestGap() <= 1.0 / FPS + 0.002, "largest video gap " + v.largestGap());

        MediaProbe a = MediaProbe.of(dir, hls.download(base + "audio/", audio, dir.resolve(stream + "-audio.mp4")));
        assertEquals("aac", a.codec());
        assertEquals(SAMPLE_RATE, a.sampleRate());
        assertEquals("", a.decodeErrors(), "audio decode errors");
        assertTrue(a.duration() >= minimumFrames / (double) FPS - 0.5, "audio duration " + a.duration());
        assertTrue(a.largestGap() <= 1024.0 / SAMPLE_RATE + 0.002, "largest audio gap " + a.largestGap());
    }

    /** Which segments of a playlist fail to decode on their own (init + segment), to locate a corruption. */
    private String segmentsWithDecodeErrors(String renditionBase, String playlist) {
        try {
            List<String> uris = HlsPlayback.segmentUris(playlist);
            StringBuilder found = new StringBuilder("segments failing alone (of " + uris.size() + "):");
            byte[] init = hls.initSegment(renditionBase, playlist);
            for (String uri : uris) {
                Path single = dir.resolve("single-" + uri + ".mp4");
                byte[] segment = hls.getBytes(renditionBase + uri);
                Files.write(single, init);
                Files.write(single, segment, java.nio.file.StandardOpenOption.APPEND);
                MediaProbe probe = MediaProbe.of(dir, single);
                if (!probe.decodeErrors().isEmpty()) {
                    found.append(' ').append(uri).append(" (").append(probe.frameTimes().size()).append(" frames from ")
                            .append(probe.frameTimes().getFirst()).append(": ").append(probe.decodeErrors()).append(')');
                }
            }
            return found.toString();
        } catch (Exception e) {
            return "could not locate: " + e;
        }
    }

    /**
     * Publishes a moving gradient and a tone in real time through FFmpeg's libsrt in this JVM:
     * H.264 + AAC in MPEG-TS, as OBS's SRT output does.
     */
    private static void publishWithJavaCv(String url, int seconds) throws Exception {
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(url, WIDTH, HEIGHT, 2);
        recorder.setFormat("mpegts");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        recorder.setFrameRate(FPS);
        recorder.setGopSize(2 * FPS);
        recorder.setVideoBitrate(600_000);
        recorder.setVideoOption("preset", "veryfast");
        recorder.setVideoOption("tune", "zerolatency");
        recorder.setVideoOption("profile", "high");
        recorder.setVideoOption("threads", "1");
        recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
        recorder.setSampleRate(SAMPLE_RATE);
        recorder.setAudioChannels(2);
        recorder.setAudioBitrate(128_000);
        recorder.start();
        try {
            Frame picture = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3);
            ByteBuffer pixels = (ByteBuffer) picture.image[0];
            int samplesPerFrame = SAMPLE_RATE / FPS;
            short[] tone = new short[samplesPerFrame * 2];
            long start = System.nanoTime();
            for (int frame = 0; frame < seconds * FPS; frame++) {
                for (int i = 0; i < pixels.capacity(); i++) {
                    pixels.put(i, (byte) ((i / 3 + frame * 4) & 0xFF));
                }
                recorder.setTimestamp(frame * 1_000_000L / FPS);
                recorder.record(picture);
                for (int i = 0; i < samplesPerFrame; i++) {
                    short sample = (short) (8000 * Math.sin(2 * Math.PI * 440 * (frame * samplesPerFrame + i) / SAMPLE_RATE));
                    tone[2 * i] = sample;
                    tone[2 * i + 1] = sample;
                }
                recorder.recordSamples(SAMPLE_RATE, 2, ShortBuffer.wrap(tone));
                long wait = start + (frame + 1) * 1_000_000_000L / FPS - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
            }
        } finally {
            recorder.stop();
            recorder.release();
        }
    }

    /**
     * Samples the listener's per-session statistics five times a second while a publish runs:
     * a session's snapshot disappears with it, so the last one seen is what the test judges.
     */
    static final class SessionWatch implements AutoCloseable {
        private final Map<String, SrtSessionStats> last = new ConcurrentHashMap<>();
        private volatile int maxConcurrent;
        private volatile boolean running = true;
        private final Thread sampler;

        SessionWatch(GlassCastServer server) {
            sampler = Thread.ofPlatform().daemon().name("srt-session-watch").start(() -> {
                while (running) {
                    List<SrtSessionStats> sessions = server.srt().sessions();
                    maxConcurrent = Math.max(maxConcurrent, sessions.size());
                    for (SrtSessionStats session : sessions) {
                        last.put(session.stream(), session);
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        SrtSessionStats lastOf(String stream) {
            return last.get(stream);
        }

        int maxConcurrent() {
            return maxConcurrent;
        }

        long continuityErrors(String stream) {
            SrtSessionStats session = last.get(stream);
            assertNotNull(session, "no SRT session of " + stream + " was seen");
            assertTrue(session.packetsReceived() > 0, "nothing received: " + session);
            return session.tsContinuityErrors();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.interrupt();
            sampler.join(2000);
        }
    }
}
