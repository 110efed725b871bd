package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link TranscodeLimits} shares the cores out among a ladder's x264 encoders. */
class TranscodeLimitsTest {

    private static final long P720 = 1280L * 720;
    private static final long P480 = 854L * 480;
    private static final long P360 = 640L * 360;
    private static final long LADDER = P720 + P480 + P360;

    @Test
    void onTwoCoresEachOfThreeRungsGetsOneThread() {
        TranscodeLimits limits = TranscodeLimits.defaults();
        assertEquals(List.of(1, 1, 1), List.of(limits.encoderThreadsFor(P720, LADDER, 2),
                limits.encoderThreadsFor(P480, LADDER, 2), limits.encoderThreadsFor(P360, LADDER, 2)));
    }

    @Test
    void onEightCoresTheLargestRungGetsMost() {
        TranscodeLimits limits = TranscodeLimits.defaults();
        assertEquals(List.of(5, 2, 1), List.of(limits.encoderThreadsFor(P720, LADDER, 8),
                limits.encoderThreadsFor(P480, LADDER, 8), limits.encoderThreadsFor(P360, LADDER, 8)));
    }

    @Test
    void aRungAloneGetsEveryCore() {
        assertEquals(2, TranscodeLimits.defaults().encoderThreadsFor(P720, P720, 2));
    }

    @Test
    void aConfiguredThreadCountWins() {
        TranscodeLimits limits = new TranscodeLimits(60, 8, 200, TranscodeLimits.Overload.DROP, 0, 3, null);
        assertEquals(3, limits.encoderThreadsFor(P360, LADDER, 2));
    }
}
