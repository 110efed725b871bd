package dev.glasscast.packager.cutter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.packager.fmp4.Fmp4Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A part of x264 pictures with two B-frames (I P3 B1 B2 P6), frames of 10 ticks from 100. */
class PartPresentationTest {

    private static Fmp4Sample presentingAfter(int frames) {
        return new Fmp4Sample(10, frames * 10, false, new byte[0]);
    }

    // Decode times 100..140; offsets put them at 120, 150, 130, 140, 180.
    private static final List<Fmp4Sample> CUT_BEFORE_B4 = List.of(presentingAfter(2), presentingAfter(4),
            presentingAfter(1), presentingAfter(1), presentingAfter(4));

    @Test
    void thePicturesPresentWithoutAHoleUntilTheMissingB4() {
        assertEquals(160, PartPresentation.contiguousEnd(100, CUT_BEFORE_B4, 0));
    }

    @Test
    void aSliverWithinTheToleranceIsNoHole() {
        assertEquals(190, PartPresentation.contiguousEnd(100, CUT_BEFORE_B4, 20));
    }

    @Test
    void theNextPictureAfterAPresentationTime() {
        assertEquals(180, PartPresentation.nextAfter(100, CUT_BEFORE_B4, 160));
        assertEquals(Long.MAX_VALUE, PartPresentation.nextAfter(100, CUT_BEFORE_B4, 180));
    }
}
