package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.glasscast.packager.OriginRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EdgeCacheMetricsTest {

    @Test
    void metersFollowTheCacheCounters() {
        CountingOrigin origin = new CountingOrigin();
        ManualTicker ticker = new ManualTicker();
        EdgeCacheSettings settings = new EdgeCacheSettings(1 << 20, Duration.ofMinutes(2), Duration.ofMillis(250),
                Duration.ofMillis(250), Duration.ofMinutes(1), Duration.ofMillis(250));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EdgeCache cache = new EdgeCache(origin, settings, ticker, Runnable::run, Scheduler.disabledScheduler())) {
            EdgeCacheMetrics metrics = new EdgeCacheMetrics(cache, settings.maxBytes());
            metrics.bindTo(registry);
            OriginRequest segment = OriginRequest.of("main", "720p", "seg1.m4s");
            for (int i = 0; i < 4; i++) {
                cache.fetch(segment).join().release();
            }
            ticker.advance(Duration.ofSeconds(1));
            metrics.refreshStreamRates();

            assertEquals(3.0, registry.get("glasscast.edge.requests").tag("outcome", "hit").functionCounter().count());
            assertEquals(1.0, registry.get("glasscast.edge.requests").tag("outcome", "miss").functionCounter().count());
            assertEquals(1.0, registry.get("glasscast.edge.origin.renders").functionCounter().count());
            assertEquals(4.0 * CountingOrigin.MEDIA_SIZE, registry.get("glasscast.edge.served").functionCounter().count());
            assertEquals(1.0, registry.get("glasscast.edge.entries").gauge().value());
            assertEquals(1 << 20, registry.get("glasscast.edge.max").gauge().value());
            assertEquals(0.75, registry.get("glasscast.edge.hit.ratio").gauge().value(), 1e-9);
            assertEquals(0.4, registry.get("glasscast.edge.segment.requests").tag("stream", "main").gauge().value(), 1e-9);
        }
        assertEquals(0, origin.unreleasedBodies());
    }
}
