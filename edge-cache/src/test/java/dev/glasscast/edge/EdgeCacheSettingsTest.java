package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glasscast.config.CacheConfig;
import dev.glasscast.config.PackagingConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EdgeCacheSettingsTest {

    @Test
    void derivedFromPackagingNothingServedIsOlderThanOnePart() {
        PackagingConfig packaging = new PackagingConfig(Duration.ofSeconds(2), Duration.ofMillis(500), 6, Duration.ofMinutes(2));
        EdgeCacheSettings settings = EdgeCacheSettings.from(new CacheConfig(1 << 20), packaging);
        assertEquals(Duration.ofMillis(500), settings.liveManifestTtl().plus(settings.liveManifestStaleGrace()));
        assertEquals(Duration.ofMillis(250), settings.notFoundTtl());
        assertEquals(Duration.ofMinutes(2), settings.immutableMediaTtl());
        assertEquals(EdgeCacheSettings.LL_HLS_DIRECTIVES, settings.objectQueryParameters());
    }

    @Test
    void mediaStaysAtLeastOneSegmentEvenWithoutADvrWindow() {
        PackagingConfig packaging = new PackagingConfig(Duration.ofSeconds(4), Duration.ofSeconds(1), 6, Duration.ZERO);
        assertEquals(Duration.ofSeconds(4), EdgeCacheSettings.from(new CacheConfig(0), packaging).immutableMediaTtl());
    }

    @Test
    void nonsenseIsRejected() {
        Duration second = Duration.ofSeconds(1);
        assertThrows(IllegalArgumentException.class, () -> new EdgeCacheSettings(-1, second, second, second, second, second));
        assertThrows(IllegalArgumentException.class, () -> new EdgeCacheSettings(0, Duration.ZERO, second, second, second, second));
        assertThrows(IllegalArgumentException.class,
                () -> new EdgeCacheSettings(0, second, second, second.negated(), second, second));
    }
}
