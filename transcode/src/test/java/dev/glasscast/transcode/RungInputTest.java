package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RungQueueTest {

    private static RungQueue.Picture picture(long pts, boolean key) {
        return new RungQueue.Picture(av_frame_alloc(), pts, 1, key);
    }

    @Test
    void aFullQueueRejectsOrdinaryPicturesAndMakesRoomForKeyFrames() throws Exception {
        RungQueue queue = new RungQueue(2, TranscodeLimits.Overload.DROP);
        assertEquals(RungQueue.Offer.QUEUED, queue.offer(picture(0, true)));
        assertEquals(RungQueue.Offer.QUEUED, queue.offer(picture(1, false)));
        assertTrue(queue.isFull());

        RungQueue.Picture rejected = picture(2, false);
        assertEquals(RungQueue.Offer.REJECTED, queue.offer(rejected));
        rejected.release();

        // The key frame replaces the oldest ordinary picture (pts 1), not the earlier key frame.
        assertEquals(RungQueue.Offer.QUEUED_AFTER_EVICTION, queue.offer(picture(3, true)));
        queue.control(new RungQueue.End());
        RungQueue.Picture first = (RungQueue.Picture) queue.take();
        RungQueue.Picture second = (RungQueue.Picture) queue.take();
        assertEquals(0, first.pts());
        assertEquals(3, second.pts());
        first.release();
        second.release();
        assertInstanceOf(RungQueue.End.class, queue.take());
        assertEquals(0, queue.size());
    }

    @Test
    void lifecycleEventsAreNeverDroppedAndClearReleasesPictures() throws Exception {
        RungQueue queue = new RungQueue(1, TranscodeLimits.Overload.DROP);
        assertEquals(RungQueue.Offer.QUEUED, queue.offer(picture(0, false)));
        queue.control(new RungQueue.Discontinuity());
        queue.control(new RungQueue.End());
        queue.clear();
        assertEquals(0, queue.size());
        assertEquals(RungQueue.Offer.QUEUED, queue.offer(picture(1, false)));
        RungQueue.Picture taken = (RungQueue.Picture) queue.take();
        taken.release();
    }
}
