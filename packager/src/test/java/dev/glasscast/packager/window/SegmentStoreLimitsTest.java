package dev.glasscast.packager.window;

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
        assertEquals(Duration.ofMillis(333), limits.partDuration());
        assertEquals(6 + SegmentStoreLimits.SEGMENTS_BEYOND_PLAYLIST, limits.minimumSegments());
        assertEquals(Duration.ofMinutes(2), limits.dvrWindow());
        assertEquals(15, limits.memorySegments(), "memory_window 30s of 2 s segments");
    }

    @Test
    void memoryHoldsAtLeastTheMinimumAndEverythingWithoutRecording() {
        dev.glasscast.config.PackagingConfig packaging = new ConfigLoader().defaults().packaging();
        dev.glasscast.config.PackagingConfig small = new dev.glasscast.config.PackagingConfig(packaging.segmentDuration(),
                packaging.partDuration(), packaging.playlistSegments(), packaging.dvrWindow(), true, Duration.ofSeconds(2));
        assertEquals(9, SegmentStoreLimits.of(small).memorySegments());
        dev.glasscast.config.PackagingConfig off = new dev.glasscast.config.PackagingConfig(packaging.segmentDuration(),
                packaging.partDuration(), packaging.playlistSegments(), packaging.dvrWindow(), false, Duration.ofSeconds(2));
        assertEquals(Integer.MAX_VALUE, SegmentStoreLimits.of(off).memorySegments());
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
