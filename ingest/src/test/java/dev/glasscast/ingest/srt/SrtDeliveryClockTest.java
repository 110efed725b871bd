package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SrtDeliveryClockTest {

    private static final long LATENCY = 120_000;

    @Test
    void theEarliestArrivalFixesTheBase() {
        SrtDeliveryClock clock = new SrtDeliveryClock(LATENCY, 0, 1_000_000);
        assertEquals(1_000_000 + 1_000 + LATENCY, clock.deliveryTime(1_000, false, 1_001_500), "a late arrival only queues");
        assertEquals(999_000 + 2_000 + LATENCY, clock.deliveryTime(2_000, false, 1_001_000), "an earlier one moves the base");
    }

    @Test
    void deliveryTimeRunsOnAcrossTheSendersThirtyTwoBitWrap() {
        long now = 10_000_000;
        SrtDeliveryClock clock = new SrtDeliveryClock(LATENCY, 0xFFFF_0000, now);
        now += 0xFFFF_FF00L - 0xFFFF_0000L;
        assertEquals(now + LATENCY, clock.deliveryTime(0xFFFF_FF00, false, now));
        now += 0x200;
        assertEquals(now + LATENCY, clock.deliveryTime(0x0000_0100, false, now), "256 after the wrap is 512 µs later");
    }

    @Test
    void aSlowerSenderClockMovesTheBaseAFewMillisecondsPerWindow() {
        SrtDeliveryClock clock = new SrtDeliveryClock(LATENCY, 0, 0);
        assertEquals(LATENCY, clock.deliveryTime(0, false, 0));
        clock.tick(5_000_000); // this window held the on-time first packet: nothing moves
        for (long ts = 5_000_000; ts < 10_000_000; ts += 100_000) {
            clock.deliveryTime((int) ts, false, ts + 10_000); // every packet 10 ms later than the base says
        }
        clock.tick(10_000_000);
        assertEquals(2_000 + 10_000_000 + LATENCY, clock.deliveryTime(10_000_000, false, 10_010_000),
                "2 ms per window at most, however far the window's minimum moved");
    }

    @Test
    void retransmissionsDoNotPullTheBaseAlong() {
        SrtDeliveryClock clock = new SrtDeliveryClock(LATENCY, 0, 0);
        clock.deliveryTime(0, false, 0);
        clock.tick(5_000_000);
        for (long ts = 5_000_000; ts < 10_000_000; ts += 100_000) {
            clock.deliveryTime((int) ts, true, ts + 10_000);
        }
        clock.tick(10_000_000);
        assertEquals(10_000_000 + LATENCY, clock.deliveryTime(10_000_000, true, 10_010_000));
    }
}
