package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Publishing the way OBS does: FFmpeg's libsrt in process, encrypted, H.264 + AAC in MPEG-TS, in real time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SrtJavaCvPublishTest {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int FPS = 25;
    private static final int SECONDS = 8;
    private static final int SAMPLE_RATE = 48_000;

    @Test
    void encryptedPublishFromFfmpegFrameRecorder() throws Exception {
        try (SrtTestServer server = new SrtTestServer(SrtTestServer.PASSPHRASE)) {
            String url = server.url("#!::r=live/live,m=publish,k=" + SrtTestServer.LIVE_KEY)
                    + "&passphrase=" + SrtTestServer.PASSPHRASE + "&pbkeylen=16";
            FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(url, WIDTH, HEIGHT, 2);
            recorder.setFormat("mpegts");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setFrameRate(FPS);
            recorder.setGopSize(2 * FPS);
            recorder.setVideoBitrate(800_000);
            recorder.setVideoOption("preset", "ultrafast");
            recorder.setVideoOption("tune", "zerolatency");
            recorder.setVideoOption("threads", "1");
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(SAMPLE_RATE);
            recorder.setAudioChannels(2);
            recorder.setAudioBitrate(96_000);
            recorder.start();

            Frame picture = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3);
            ByteBuffer pixels = (ByteBuffer) picture.image[0];
            short[] tone = new short[SAMPLE_RATE / FPS * 2];
            long start = System.nanoTime();
            for (int frame = 0; frame < SECONDS * FPS; frame++) {
                for (int i = 0; i < pixels.capacity(); i++) {
                    pixels.put(i, (byte) ((i / 3 + frame * 4) & 0xFF));
                }
                recorder.setTimestamp(frame * 1_000_000L / FPS);
                recorder.record(picture);
                for (int i = 0; i < tone.length / 2; i++) {
                    short sample = (short) (8000 * Math.sin(2 * Math.PI * 440 * (frame * tone.length / 2 + i) / SAMPLE_RATE));
                    tone[2 * i] = sample;
                    tone[2 * i + 1] = sample;
                }
                recorder.recordSamples(SAMPLE_RATE, 2, ShortBuffer.wrap(tone));
                long due = start + (frame + 1) * 1_000_000_000L / FPS;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            HubRecorder.Recording recording = server.recorder.await("live", 1);
            List<SrtSessionStats> sessions = server.listener.sessions();
            recorder.stop();
            recorder.release();

            assertTrue(recording.awaitUnpublished(10), "unpublished when the recorder stopped");
            assertEquals(1, sessions.size());
            assertTrue(sessions.getFirst().encrypted());
            assertEquals(200, sessions.getFirst().latencyMillis());
            assertEquals(0, sessions.getFirst().tsContinuityErrors());
            TrackInfo video = recording.lastTrack(Codec.H264);
            TrackInfo audio = recording.lastTrack(Codec.AAC);
            assertEquals(WIDTH, video.width());
            assertEquals(HEIGHT, video.height());
            assertEquals(SAMPLE_RATE, audio.sampleRate());
            assertEquals(2, audio.channels());
            List<AccessUnit> frames = recording.unitsOf(video);
            // x264's lookahead and the linger-free close may keep the last few frames.
            assertTrue(frames.size() >= SECONDS * FPS - 10 && frames.size() <= SECONDS * FPS, "frames: " + frames.size());
            assertTrue(frames.getFirst().keyFrame());
            SrtFfmpegInteropTest.assertMonotonic(frames);
            SrtFfmpegInteropTest.assertMonotonic(recording.unitsOf(audio));
        }
    }
}
