package dev.glasscast.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.ingest.flv.FlvAccessUnitMapper;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishes with FFmpeg's own RTMP client in process, through JavaCV. */
class RtmpServerJavaCvTest {

    private static final String KEY = "javacv-key-51c2";
    private static final int WIDTH = 320;
    private static final int HEIGHT = 180;
    private static final int FPS = 30;
    private static final int SECONDS = 6;
    private static final int SAMPLE_RATE = 48000;

    private final StreamHub hub = new StreamHub();
    private final HubRecorder recorder = new HubRecorder();
    private RtmpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        GlassCastConfig config = new ConfigLoader().load(null, Map.of(
                "GLASSCAST_INGEST__RTMP__BIND", "127.0.0.1",
                "GLASSCAST_INGEST__RTMP__PORT", "0"));
        List<StreamConfig> streams = List.of(config.ingest().streams().get(0).withKey(KEY));
        hub.addListener(recorder);
        server = new RtmpServer(config.ingest().rtmp(), new PublishAuthorizer(streams), hub);
        port = server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void publishesGeneratedPictureAndTone() throws Exception {
        FFmpegFrameRecorder encoder = newRecorder(KEY);
        encoder.start();
        try {
            Frame picture = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3);
            short[] tone = new short[SAMPLE_RATE / FPS];
            for (int frame = 0; frame < FPS * SECONDS; frame++) {
                paint((ByteBuffer) picture.image[0], picture.imageStride, frame);
                encoder.record(picture);
                for (int i = 0; i < tone.length; i++) {
                    double t = (frame * tone.length + i) / (double) SAMPLE_RATE;
                    tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * t));
                }
                encoder.recordSamples(SAMPLE_RATE, 1, ShortBuffer.wrap(tone));
            }
        } finally {
            encoder.stop();
            encoder.release();
        }
        assertTrue(recorder.unpublished.await(10, TimeUnit.SECONDS), "unpublished when the client stopped");

        List<TrackInfo> tracks = recorder.trackAnnouncements.getLast();
        TrackInfo video = tracks.stream().filter(TrackInfo::isVideo).findFirst().orElseThrow();
        TrackInfo audio = tracks.stream().filter(t -> !t.isVideo()).findFirst().orElseThrow();
        assertEquals(Codec.H264, video.codec());
        assertEquals(WIDTH, video.width());
        assertEquals(HEIGHT, video.height());
        assertEquals(0x64, video.codecConfig()[1] & 0xFF, "High profile");
        assertEquals(Codec.AAC, audio.codec());
        assertEquals(SAMPLE_RATE, audio.sampleRate());

        List<AccessUnit> videoUnits = recorder.track(FlvAccessUnitMapper.VIDEO_TRACK_ID);
        assertTrue(Math.abs(videoUnits.size() - FPS * SECONDS) <= 3, "video units: " + videoUnits.size());
        long keyFrames = videoUnits.stream().filter(AccessUnit::keyFrame).count();
        assertEquals(SECONDS / 2, keyFrames, "a key frame every 2 s");
        for (int i = 1; i < videoUnits.size(); i++) {
            AccessUnit unit = videoUnits.get(i);
            assertTrue(unit.dts() >= videoUnits.get(i - 1).dts(), "monotonic dts");
            assertTrue(unit.pts() >= unit.dts(), "pts >= dts");
        }
        long span = videoUnits.getLast().dts() - videoUnits.getFirst().dts();
        assertTrue(Math.abs(span - (SECONDS * 1000 - 1000 / FPS)) <= 50, "timeline spans the duration: " + span);
        assertTrue(recorder.track(FlvAccessUnitMapper.AUDIO_TRACK_ID).size() > 250);
    }

    @Test
    void aWrongKeyFailsTheClientsStart() {
        FFmpegFrameRecorder encoder = newRecorder("wrong-key");
        assertThrows(FFmpegFrameRecorder.Exception.class, encoder::start);
        try {
            encoder.release();
        } catch (FFmpegFrameRecorder.Exception ignored) {
            // Releasing a recorder that never started has nothing to report.
        }
        assertTrue(recorder.published.isEmpty());
        assertTrue(hub.liveStreams().isEmpty());
        assertTrue(!hub.isLive(StreamPath.source("main")));
    }

    private FFmpegFrameRecorder newRecorder(String key) {
        FFmpegFrameRecorder encoder = new FFmpegFrameRecorder("rtmp://127.0.0.1:" + port + "/live/" + key, WIDTH, HEIGHT, 1);
        encoder.setFormat("flv");
        encoder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        encoder.setVideoCodecName("libx264");
        encoder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        encoder.setVideoOption("preset", "veryfast");
        encoder.setVideoOption("profile", "high");
        encoder.setVideoOption("x264-params", "scenecut=0");
        encoder.setFrameRate(FPS);
        encoder.setGopSize(2 * FPS);
        encoder.setVideoBitrate(500_000);
        encoder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
        encoder.setSampleRate(SAMPLE_RATE);
        encoder.setAudioChannels(1);
        encoder.setAudioBitrate(64_000);
        return encoder;
    }

    /** A diagonal gradient that slides one step per frame, so every frame differs. */
    private static void paint(ByteBuffer pixels, int stride, int frame) {
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int i = y * stride + x * 3;
                pixels.put(i, (byte) (x + frame * 4));
                pixels.put(i + 1, (byte) (y + frame * 2));
                pixels.put(i + 2, (byte) ((x + y) / 2));
            }
        }
    }
}
