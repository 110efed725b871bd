package dev.glasscast.packager.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glasscast.config.ConfigLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SegmentStoreLimitsTest {

    @Test
    void followsThePackagingConfig() {
        SegmentStoreLimits limits = SegmentStoreLimits.of(new ConfigLoader().defaults().packaging());
        assertEquals(Duration.ofSeconds(2), limits.segmentDuration());
        assertEquals(Duration.ofMillis(500), limits.partDuration());
        assertEquals(6 + SegmentStoreLimits.SEGMENTS_BEYOND_PLAYLIST, limits.minimumSegments());
        assertEquals(Duration.ofMinutes(2), limits.dvrWindow());
    }

    @Test
    void rejectsLimitsThatCannotWork() {
        assertThrows(IllegalArgumentException.class,
                () -> new SegmentStoreLimits(Duration.ZERO, Duration.ofMillis(500), 3, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new SegmentStoreLimits(Duration.ofSeconds(2), Duration.ofSeconds(3), 3, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new SegmentStoreLimits(Duration.ofSeconds(2), Duration.ofMillis(500), 0, Duration.ZERO));
    }
}
