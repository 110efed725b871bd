package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.HandoffQueue;
import org.junit.jupiter.api.Test;

class RungInputTest {

    private static RungInput.Picture picture(long pts, boolean key) {
        return new RungInput.Picture(av_frame_alloc(), pts, 1, key);
    }

    @Test
    void aFullQueueRejectsOrdinaryPicturesAndMakesRoomForKeyFrames() throws Exception {
        HandoffQueue<RungInput> queue = RungInput.queue(2, TranscodeLimits.Overload.DROP);
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer(picture(0, true)));
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer(picture(1, false)));
        assertTrue(queue.isFull());

        RungInput.Picture rejected = picture(2, false);
        assertEquals(HandoffQueue.Offer.REJECTED, queue.offer(rejected));
        rejected.release();

        // The key frame replaces the oldest ordinary picture (pts 1), not the earlier key frame.
        assertEquals(HandoffQueue.Offer.QUEUED_AFTER_EVICTION, queue.offer(picture(3, true)));
        queue.signal(new RungInput.End());
        RungInput.Picture first = (RungInput.Picture) queue.take();
        RungInput.Picture second = (RungInput.Picture) queue.take();
        assertEquals(0, first.pts());
        assertEquals(3, second.pts());
        first.release();
        second.release();
        assertInstanceOf(RungInput.End.class, queue.take());
        assertEquals(0, queue.size());
    }

    @Test
    void lifecycleEventsAreNeverDroppedAndClearReleasesPictures() throws Exception {
        HandoffQueue<RungInput> queue = RungInput.queue(1, TranscodeLimits.Overload.DROP);
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer(picture(0, false)));
        queue.signal(new RungInput.Discontinuity());
        queue.signal(new RungInput.End());
        queue.clear();
        assertEquals(0, queue.size());
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer(picture(1, false)));
        RungInput.Picture taken = (RungInput.Picture) queue.take();
        taken.release();
    }
}
