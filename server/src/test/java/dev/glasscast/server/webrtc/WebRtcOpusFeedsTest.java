package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Opus transcoding per stream while WebRTC viewers attach, stopped by the last to leave; and a
 * stream that ended and is published again gets a new one, even while a viewer of the ended
 * publication is still attached, so new viewers hear the new publication.
 */
class WebRtcOpusFeedsTest {

    @TempDir
    static Path dir;
    static TrackInfo track;
    static List<AccessUnit> aac = new ArrayList<>();

    /** Two seconds of a 440 Hz tone as FFmpeg's AAC encoder writes it, read back as access units. */
    @BeforeAll
    static void encodeATone() throws Exception {
        Path file = dir.resolve("tone.m4a");
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), 2)) {
            recorder.setFormat("mp4");
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(48_000);
            recorder.setAudioBitrate(128_000);
            recorder.start();
            ShortBuffer samples = ShortBuffer.allocate(96_000 * 2);
            for (int i = 0; i < 96_000; i++) {
                short value = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 48_000));
                samples.put(value).put(value);
            }
            samples.flip();
            recorder.recordSamples(48_000, 2, samples);
            recorder.stop();
        }
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            var parameters = grabber.getFormatContext().streams(0).codecpar();
            byte[] config = new byte[parameters.extradata_size()];
            parameters.extradata().get(config);
            track = TrackInfo.audio(2, Codec.AAC, 48_000, 48_000, 2, 128_000, config);
            AVPacket packet;
            while ((packet = grabber.grabPacket()) != null) {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                aac.add(new AccessUnit(2, packet.pts(), packet.pts(), packet.duration(), true, data));
            }
        }
    }

    private final StreamHub hub = new StreamHub();
    private final WebRtcOpusFeeds feeds = new WebRtcOpusFeeds(hub);

    @Test
    void oneTranscodingPerStreamAndANewOneWhenTheStreamIsPublishedAgain() throws Exception {
        List<AccessUnit> early = new CopyOnWriteArrayList<>();
        List<AccessUnit> alsoEarly = new CopyOnWriteArrayList<>();
        AutoCloseable earlyViewer;
        try (StreamPublisher audio = hub.publish(StreamPath.rendition("main", "audio"))) {
            audio.tracks(List.of(track));
            earlyViewer = feeds.attach("main", early::add);
            AutoCloseable second = feeds.attach("main", alsoEarly::add);
            assertEquals(1, feeds.running(), "one transcoding for both viewers");
            aac.forEach(audio::send);
            awaitOpus(early, 50);
            awaitOpus(alsoEarly, 50);
            second.close();
            assertEquals(1, feeds.running(), "a viewer is left");
        }
        // The stream ended and is published again while the early viewer is still attached.
        List<AccessUnit> late = new CopyOnWriteArrayList<>();
        try (StreamPublisher audio = hub.publish(StreamPath.rendition("main", "audio"))) {
            audio.tracks(List.of(track));
            AutoCloseable lateViewer = feeds.attach("main", late::add);
            aac.forEach(audio::send);
            awaitOpus(late, 50);
            earlyViewer.close();
            assertEquals(1, feeds.running());
            lateViewer.close();
            assertEquals(0, feeds.running(), "the last viewer stops it");
        }
    }

    private static void awaitOpus(List<AccessUnit> units, int frames) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (units.size() < frames) {
            assertTrue(System.nanoTime() < deadline, "only " + units.size() + " Opus frames");
            Thread.sleep(10);
        }
        for (int i = 1; i < units.size(); i++) {
            assertEquals(960, units.get(i).pts() - units.get(i - 1).pts(), "20 ms frames at 48 kHz");
        }
    }
}
