package dev.glasscast.packager.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TimescaleConverterTest {

    @Test
    void scalesExactRatiosExactly() {
        assertEquals(2970, new TimescaleConverter(1000, 90_000).convert(33));
        assertEquals(90_000, new TimescaleConverter(1000, 90_000).convert(1000));
        assertEquals(3000, new TimescaleConverter(15_360, 90_000).convert(512));
        assertEquals(12_345, new TimescaleConverter(48_000, 48_000).convert(12_345));
    }

    @Test
    void roundsToTheNearestTick() {
        TimescaleConverter toMillis = new TimescaleConverter(90_000, 1000);
        assertEquals(33, toMillis.convert(3000));    // 33.33
        assertEquals(34, toMillis.convert(3045));    // 33.83
        assertEquals(1, toMillis.convert(45));       // exactly half rounds up
    }

    @Test
    void staysWithinHalfATickOfExactTimeForAnHour() {
        // 90 kHz to 44.1 kHz: no integer ratio, so every value is rounded; none may wander.
        TimescaleConverter converter = new TimescaleConverter(90_000, 44_100);
        for (long frame = 0; frame <= 30L * 3600; frame++) {
            long ticks = frame * 3003;
            double exact = ticks * 44_100.0 / 90_000;
            assertEquals(exact, converter.convert(ticks), 0.5, "frame " + frame);
        }
    }

    @Test
    void handlesNegativeAndHugeTimestamps() {
        TimescaleConverter converter = new TimescaleConverter(1000, 90_000);
        assertEquals(-90_000, converter.convert(-1000));
        assertEquals(-2970, converter.convert(-33));
        long tenYearsMillis = 10L * 365 * 24 * 3600 * 1000;
        assertEquals(tenYearsMillis * 90, converter.convert(tenYearsMillis));
        TimescaleConverter fromNanos = new TimescaleConverter(1_000_000_000L, 90_000);
        assertEquals(180_000, fromNanos.convert(2_000_000_000L));
    }

    @Test
    void rejectsNonPositiveTimescales() {
        assertThrows(IllegalArgumentException.class, () -> new TimescaleConverter(0, 90_000));
        assertThrows(IllegalArgumentException.class, () -> new TimescaleConverter(1000, -1));
    }
}
