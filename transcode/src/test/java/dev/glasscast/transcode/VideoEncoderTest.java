package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.RungConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.HevcDecoderConfig;
import dev.glasscast.media.codec.HevcSps;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HEVC side of {@link VideoEncoder} (what keeps an HEVC passthrough rendition advancing when
 * a later source is H.264): libx265 output with an hvcC track, IRAPs only where forced, and
 * pictures that libavcodec's own HEVC decoder reads back at the rung's size.
 */
class VideoEncoderTest {

    private static final TrackInfo SOURCE = TrackInfo.video(1, Codec.H264, 90_000, 320, 180, 30, 0, new byte[0]);
    private static final int FRAME_TICKS = 3_000;

    @Test
    void anHevcRungEncodesWithLibx265AndDecodesBack() {
        RungConfig hevc = RungPlanner.hevcCopy(
                new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high", null, 128_000), 320, 180, 0);
        List<AccessUnit> units = new ArrayList<>();
        AVFrame picture = grey(320, 180);
        try (VideoEncoder encoder = new VideoEncoder(hevc, 320, 180, SOURCE, 30, 1)) {
            TrackInfo track = encoder.track();
            assertEquals(Codec.H265, track.codec());
            HevcDecoderConfig.ParameterSets sets = HevcDecoderConfig.parse(track.codecConfig());
            assertEquals(List.of(1, 1, 1), List.of(sets.vps().size(), sets.sps().size(), sets.pps().size()),
                    "one VPS, SPS and PPS in the hvcC");
            for (int i = 0; i < 20; i++) {
                encoder.encode(picture, (long) i * FRAME_TICKS, FRAME_TICKS, i % 10 == 0, units::add);
            }
            encoder.drain(units::add);

            assertEquals(20, units.size(), "a picture in, a packet out");
            for (int i = 0; i < units.size(); i++) {
                AccessUnit unit = units.get(i);
                assertEquals((long) i * FRAME_TICKS, unit.pts(), "output PTS are source PTS");
                boolean forced = i % 10 == 0;
                assertEquals(forced, unit.keyFrame(), "key frames only where forced, at " + i);
                assertEquals(forced, SlateMedia.startsRandomAccess(unit.data(), Codec.H265), "an IRAP at " + i);
            }

            int[] decoded = {0};
            try (VideoDecoder decoder = new VideoDecoder(track, 1)) {
                for (AccessUnit unit : units) {
                    decoder.decode(unit, frame -> {
                        assertEquals(320, frame.width());
                        assertEquals(180, frame.height());
                        decoded[0]++;
                    });
                }
                decoder.drain(frame -> decoded[0]++);
            }
            assertEquals(20, decoded[0], "every picture decodes");
        } finally {
            av_frame_free(picture);
        }
    }

    /**
     * Stepping a rung down to keep real time reopens its encoder at a key frame: the stream's
     * headers must stay the same, or every step would start a new period for the players.
     */
    @ParameterizedTest
    @ValueSource(strings = {"veryfast", "faster", "medium", "ultrafast"})
    void everyPaceStepKeepsTheStreamsHeaders(String preset) {
        RungConfig rung = new RungConfig("720p", "h264", 0, 180, 800_000, 0, 0, 0, preset, "high", "3.1", 0, 0);
        byte[] configured = null;
        for (RungPace.Step step : RungPace.Step.values()) {
            try (VideoEncoder encoder = new VideoEncoder(rung, 320, 180, SOURCE, 30, 1, step)) {
                byte[] avcC = encoder.track().codecConfig();
                if (configured == null) {
                    configured = avcC;
                } else {
                    assertArrayEquals(configured, avcC, preset + " at " + step);
                }
            }
        }
    }

    @Test
    void theSlateOfAnHevcRenditionIsHevcWithItsParameterSetsInBand() {
        TrackInfo hevcTrack = TrackInfo.video(1, Codec.H265, 90_000, 320, 180, 30, 0, hevcConfig());
        SlateConfig slate = SlateConfig.DEFAULT;
        SlateMedia.Gop gop = SlateMedia.encodeVideo(slate, hevcTrack, null, 10);
        assertEquals(10, gop.frames().size());
        byte[] first = gop.frames().getFirst();
        assertEquals(HevcSps.NAL_VPS, HevcSps.nalType(first[4]), "the key frame opens with its VPS in band");
        assertTrue(SlateMedia.startsRandomAccess(first, Codec.H265));
    }

    private static byte[] hevcConfig() {
        RungConfig hevc = RungPlanner.hevcCopy(
                new RungConfig("source", "copy", 0, 0, 0, 0, 0, 0, "veryfast", "high", null, 128_000), 320, 180, 0);
        try (VideoEncoder encoder = new VideoEncoder(hevc, 320, 180, SOURCE, 30, 1)) {
            return encoder.track().codecConfig();
        }
    }

    private static AVFrame grey(int width, int height) {
        AVFrame frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        TranscodeException.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
        for (int plane = 0; plane < 3; plane++) {
            int rows = plane == 0 ? height : height / 2;
            long size = (long) frame.linesize(plane) * rows;
            for (long i = 0; i < size; i++) {
                frame.data(plane).put(i, (byte) 128);
            }
        }
        return frame;
    }
}
