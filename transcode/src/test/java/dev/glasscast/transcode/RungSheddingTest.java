package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;

/**
 * When encoders fall behind, pictures are dropped from the largest rungs first, and key frames
 * reach every rung. The rungs' threads are not started, so their queues fill deterministically.
 */
class RungSheddingTest {

    private static RungEncoder rung(StreamHub hub, String name, int height, int queueFrames) throws Exception {
        RungConfig config = new RungConfig(name, "h264", 0, height, 500_000, 0, 0, 0, "ultrafast", "main", null, 64_000);
        TrackInfo source = TrackInfo.video(1, Codec.H264, 90_000, 1920, 1080, 30, 0, new byte[0]);
        return new RungEncoder("live", config, height * 16 / 9, height, source,
                hub.publish(StreamPath.rendition("live", name)), RungInput.queue(queueFrames, TranscodeLimits.Overload.DROP), 1,
                LatencyProbe.OFF, RungPace.steady());
    }

    @Test
    void theLargestRungsDropFirstAndKeyFramesReachEveryRung() throws Exception {
        StreamHub hub = new StreamHub();
        RungEncoder small = rung(hub, "360p", 360, 3);
        RungEncoder medium = rung(hub, "480p", 480, 2);
        RungEncoder large = rung(hub, "720p", 720, 1);
        List<RungEncoder> smallestFirst = List.of(small, medium, large);
        AVFrame frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P).width(16).height(16);
        av_frame_get_buffer(frame, 0);
        try {
            VideoFanOut.offerToRungs(smallestFirst, rung -> frame, 0, 3000, true);
            assertEquals(List.of(0L, 0L, 0L), drops(smallestFirst));

            // 720p is full: only it drops.
            VideoFanOut.offerToRungs(smallestFirst, rung -> frame, 3000, 3000, false);
            assertEquals(List.of(0L, 0L, 1L), drops(smallestFirst));

            // 480p is full now: it drops, and so does every larger rung, though 360p still has room.
            VideoFanOut.offerToRungs(smallestFirst, rung -> frame, 6000, 3000, false);
            assertEquals(List.of(0L, 1L, 2L), drops(smallestFirst));
            assertEquals(List.of(3, 2, 1), sizes(smallestFirst));

            // A key frame reaches every rung, each full rung giving up a waiting ordinary picture.
            VideoFanOut.offerToRungs(smallestFirst, rung -> frame, 9000, 3000, true);
            assertEquals(List.of(1L, 2L, 3L), drops(smallestFirst));
            for (RungEncoder rung : smallestFirst) {
                RungInput.Picture last = null;
                while (rung.queue().size() > 0) {
                    if (last != null) {
                        last.release();
                    }
                    last = (RungInput.Picture) rung.queue().take();
                }
                assertEquals(9000, last.pts(), rung.rung().name());
                assertEquals(true, last.keyFrame());
                last.release();
            }
        } finally {
            av_frame_free(frame);
        }
    }

    private static List<Long> drops(List<RungEncoder> rungs) {
        return rungs.stream().map(RungEncoder::droppedFrames).toList();
    }

    private static List<Integer> sizes(List<RungEncoder> rungs) {
        return rungs.stream().map(r -> r.queue().size()).toList();
    }
}
