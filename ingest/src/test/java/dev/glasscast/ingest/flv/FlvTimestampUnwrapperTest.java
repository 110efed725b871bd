package dev.glasscast.ingest.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The 32-bit FLV clock as encoders send it: wrapping, restarting, leaping. */
class FlvTimestampUnwrapperTest {

    private static List<Long> unwrap(FlvTimestampUnwrapper clock, long... wire) {
        return LongStream.of(wire).map(clock::unwrap).boxed().toList();
    }

    @Test
    void continuesAcrossTheWrapAtTwoToThe32() {
        FlvTimestampUnwrapper clock = new FlvTimestampUnwrapper();
        assertEquals(List.of(0xFFFFFFE0L, 0xFFFFFFFFL, 0x100000010L), unwrap(clock, 0xFFFFFFE0L, 0xFFFFFFFFL, 0x10));
        assertEquals(0, clock.discontinuities());
    }

    @Test
    void keepsTheSmallStepsBackOfInterleavedTracks() {
        FlvTimestampUnwrapper clock = new FlvTimestampUnwrapper();
        assertEquals(List.of(1000L, 990L, 1033L), unwrap(clock, 1000, 990, 1033));
        assertEquals(0, clock.discontinuities());
    }

    /** FFmpeg's FLV muxer writes 31 bits: past 2147483.647 s its timestamps fall to 0. */
    @Test
    void aClockThatFallsBackToZeroContinuesTheTimeline() {
        FlvTimestampUnwrapper clock = new FlvTimestampUnwrapper();
        assertEquals(List.of(2_147_483_600L, 2_147_483_633L, 2_147_483_633L, 2_147_483_666L),
                unwrap(clock, 2_147_483_600L, 2_147_483_633L, 0, 33));
        assertEquals(1, clock.discontinuities());
    }

    @Test
    void aClockThatLeapsAnHourForwardContinuesTheTimeline() {
        FlvTimestampUnwrapper clock = new FlvTimestampUnwrapper();
        assertEquals(List.of(3_967L, 4_000L, 4_000L, 4_033L),
                unwrap(clock, 3_967, 4_000, 3_604_000, 3_604_033));
        assertEquals(1, clock.discontinuities());
    }

    @Test
    void aForwardStepWithinTheLimitIsMedia() {
        FlvTimestampUnwrapper clock = new FlvTimestampUnwrapper(10_000, 10_000);
        assertEquals(List.of(0L, 9_000L, 9_033L), unwrap(clock, 0, 9_000, 9_033));
        assertEquals(0, clock.discontinuities());
    }
}
