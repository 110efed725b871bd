package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.glasscast.packager.OriginRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeCacheStatsTest {

    private final CountingOrigin origin = new CountingOrigin();
    private final ManualTicker ticker = new ManualTicker();

    @Test
    void countersAddUpAndMediaRequestsAreMeteredPerStream() {
        EdgeCacheSettings settings = new EdgeCacheSettings(16L << 20, Duration.ofMinutes(2), Duration.ofMillis(250),
                Duration.ofMillis(250), Duration.ofMinutes(1), Duration.ofMillis(250));
        try (EdgeCache cache = new EdgeCache(origin, settings, ticker, Runnable::run, Scheduler.disabledScheduler())) {
            assertEquals(0.0, cache.stats().hitRatio());
            OriginRequest segment = OriginRequest.of("main", "720p", "seg1.m4s");
            OriginRequest playlist = OriginRequest.of("main", "720p", "index.m3u8");
            OriginRequest otherStream = OriginRequest.of("backstage", "720p", "seg1.m4s");
            for (int i = 0; i < 30; i++) {
                cache.fetch(segment).join().release();
            }
            for (int i = 0; i < 10; i++) {
                cache.fetch(playlist).join().release();
                cache.fetch(otherStream).join().release();
            }
            ticker.advance(Duration.ofSeconds(1));

            EdgeCacheStats stats = cache.stats();
            assertEquals(50, stats.requests());
            assertEquals(3, stats.misses());
            assertEquals(47, stats.hits());
            assertEquals(3, stats.originRenders());
            assertEquals(47.0 / 50, stats.hitRatio(), 1e-9);
            assertEquals(47.0 / 50, stats.originOffloadRatio(), 1e-9);
            assertEquals(40L * CountingOrigin.MEDIA_SIZE + 10L * 100, stats.bytesServed());
            assertEquals(3, stats.entries());
            assertEquals(Map.of("main", 3.0, "backstage", 1.0), stats.segmentRequestsPerSecond(),
                    "media only, over the ten-second window");
            assertEquals(3.0, cache.segmentRequestsPerSecond("main"), 1e-9);
        }
    }
}
