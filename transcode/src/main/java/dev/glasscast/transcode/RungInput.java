package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import dev.glasscast.media.HandoffQueue;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * What a stream's decode thread hands one rung's encoder thread: decoded pictures, bounded,
 * plus lifecycle signals, never dropped.
 *
 * <p>Ownership: a {@link Picture} holds its own reference to a decoded frame
 * ({@code av_frame_clone}). Offering it hands that reference to the queue; if the offer is
 * rejected the caller still owns it and must {@link Picture#release()} it. A picture evicted to
 * make room for a key frame is released by the queue. {@code take()} hands the reference to the
 * taker. {@code clear()} releases whatever is left.
 */
sealed interface RungInput {

    /**
     * One decoded picture for one rung.
     *
     * @param frame    a reference of its own to the decoded frame; freed by {@link #release()}
     * @param pts      presentation time in the source timescale
     * @param duration duration in the source timescale, 0 if unknown
     * @param keyFrame encode it as an IDR
     */
    record Picture(AVFrame frame, long pts, long duration, boolean keyFrame) implements RungInput {
        void release() {
            av_frame_free(frame);
        }
    }

    /** The source's timeline broke: drain the encoder and start over. */
    record Discontinuity() implements RungInput {
    }

    /** The source ended: drain, close the rendition, free everything. */
    record End() implements RungInput {
    }

    /**
     * A rung's queue. When full, an ordinary picture is rejected, while a key frame is queued in
     * place of the oldest waiting ordinary picture, so IDRs stay aligned across rungs.
     */
    static HandoffQueue<RungInput> queue(int capacity, TranscodeLimits.Overload overload) {
        return new HandoffQueue<>(capacity, overload.whenFull(), RungInput::giveWayToKeyFrame,
                item -> ((Picture) item).release());
    }

    // Prefers a non-key picture; a queue holding nothing but key frames (an all-intra source on a
    // hopelessly slow machine) gives up its oldest key frame instead.
    private static RungInput giveWayToKeyFrame(RungInput newcomer, List<RungInput> waiting) {
        if (!(newcomer instanceof Picture picture) || !picture.keyFrame()) {
            return null;
        }
        for (RungInput item : waiting) {
            if (item instanceof Picture p && !p.keyFrame()) {
                return p;
            }
        }
        return waiting.isEmpty() ? null : waiting.getFirst();
    }
}
