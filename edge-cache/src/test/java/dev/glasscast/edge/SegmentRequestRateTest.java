package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentRequestRateTest {

    private final ManualTicker ticker = new ManualTicker();
    private final SegmentRequestRate rate = new SegmentRequestRate(ticker, 5, 3);

    @Test
    void theRateIsTheAverageOfTheLastCompleteSeconds() {
        for (int second = 0; second < 5; second++) {
            for (int i = 0; i < 20; i++) {
                rate.record("main");
            }
            ticker.advance(Duration.ofSeconds(1));
        }
        assertEquals(20.0, rate.perSecond("main"), 1e-9);
    }

    @Test
    void theSecondUnderWayDoesNotCountYet() {
        for (int i = 0; i < 50; i++) {
            rate.record("main");
        }
        assertEquals(0.0, rate.perSecond("main"), 1e-9);
        ticker.advance(Duration.ofSeconds(1));
        assertEquals(10.0, rate.perSecond("main"), 1e-9, "50 requests over a 5 s window");
    }

    @Test
    void oldSecondsLeaveTheWindow() {
        rate.record("main");
        ticker.advance(Duration.ofSeconds(6));
        assertEquals(0.0, rate.perSecond("main"), 1e-9);
    }

    @Test
    void streamsAreCountedApartAndBounded() {
        for (String stream : new String[] {"a", "b", "c", "d", "e"}) {
            rate.record(stream);
        }
        rate.record("a");
        ticker.advance(Duration.ofSeconds(1));
        Map<String, Double> snapshot = rate.snapshot();
        assertTrue(snapshot.size() <= 3, "bounded to three streams: " + snapshot);
        assertEquals(0.0, rate.perSecond("unknown"), 1e-9);
    }

    @Test
    void idleStreamsAreForgotten() {
        rate.record("main");
        ticker.advance(Duration.ofSeconds(11));
        assertTrue(rate.snapshot().isEmpty());
    }
}
