package dev.glasscast.packager.cutter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** x264 pictures with two B-frames (I P3 B1 B2 P6, B4 lost), frames of 10 ticks presenting from 100. */
class RecentPresentationTest {

    private static RecentPresentation cutBeforeB4() {
        RecentPresentation recent = new RecentPresentation();
        for (int frame : new int[] {0, 3, 1, 2, 6}) {
            recent.add(100 + frame * 10L, 10);
        }
        return recent;
    }

    @Test
    void theLastPictureP6PresentsAfterAHoleWhereB4AndB5Belong() {
        assertEquals(140, cutBeforeB4().endBefore(160));
    }

    @Test
    void noPictureBeforeTheFirst() {
        assertEquals(Long.MIN_VALUE, cutBeforeB4().endBefore(100));
    }

    @Test
    void theNextPictureAfterAPresentationTime() {
        assertEquals(160, cutBeforeB4().nextAfter(130));
        assertEquals(Long.MAX_VALUE, cutBeforeB4().nextAfter(160));
    }

    @Test
    void looksBackOnlyAWindowOfPictures() {
        RecentPresentation recent = cutBeforeB4();
        for (int frame = 100; frame < 100 + RecentPresentation.WINDOW; frame++) {
            recent.add(frame * 10L, 10);
        }
        assertEquals(Long.MIN_VALUE, recent.endBefore(1000), "the first five are out of the window");
        recent.clear();
        assertEquals(Long.MIN_VALUE, recent.endBefore(Long.MAX_VALUE), "nothing presents after a clear");
        assertEquals(Long.MAX_VALUE, recent.nextAfter(Long.MIN_VALUE));
    }
}
