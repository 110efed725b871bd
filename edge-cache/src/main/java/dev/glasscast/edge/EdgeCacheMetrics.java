package dev.glasscast.edge;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Publishes an {@link EdgeCache}'s counters as Micrometer meters, named {@code glasscast.edge.*}:
 * <ul>
 *   <li>{@code requests} (counter, tag {@code outcome}: hit, stale, coalesced, miss);
 *   <li>{@code origin.renders}, {@code origin.failures}, {@code revalidations} (counters);
 *   <li>{@code served} (counter, bytes) — bytes of bodies handed out;
 *   <li>{@code removals} (counter, tag {@code cause}: size, expired);
 *   <li>{@code entries}, {@code weight} (bytes), {@code max} (bytes), {@code hit.ratio} (gauges);
 *   <li>{@code segment.requests} (gauge per {@code stream}, requests per second), refreshed by
 *       {@link #refreshStreamRates()} because streams come and go after binding.
 * </ul>
 * Counters read the cache's own adders when scraped; nothing is counted twice.
 */
public final class EdgeCacheMetrics implements MeterBinder {

    private static final String PREFIX = "glasscast.edge.";

    private final EdgeCache cache;
    private final long maxBytes;
    private volatile MultiGauge streamRates;

    /** @param maxBytes the cache's bound, published as {@code glasscast.edge.max} */
    public EdgeCacheMetrics(EdgeCache cache, long maxBytes) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.maxBytes = maxBytes;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        requests(registry, "hit", EdgeCacheStats::hits);
        requests(registry, "stale", EdgeCacheStats::staleHits);
        requests(registry, "coalesced", EdgeCacheStats::coalescedWaits);
        requests(registry, "miss", EdgeCacheStats::misses);
        counter(registry, "origin.renders", "origin render calls", EdgeCacheStats::originRenders, Tags.empty(), null);
        counter(registry, "origin.failures", "origin renders that failed", EdgeCacheStats::originFailures, Tags.empty(), null);
        counter(registry, "revalidations", "background refreshes of stale live manifests", EdgeCacheStats::revalidations,
                Tags.empty(), null);
        counter(registry, "served", "bytes of bodies handed out", EdgeCacheStats::bytesServed, Tags.empty(), "bytes");
        counter(registry, "removals", "objects dropped to stay under the byte bound", EdgeCacheStats::evictions,
                Tags.of("cause", "size"), null);
        counter(registry, "removals", "objects dropped because their time was up", EdgeCacheStats::expirations,
                Tags.of("cause", "expired"), null);
        Gauge.builder(PREFIX + "entries", cache, c -> c.stats().entries())
                .description("objects cached").register(registry);
        Gauge.builder(PREFIX + "weight", cache, c -> c.stats().weightedBytes())
                .description("bytes charged against the bound").baseUnit("bytes").register(registry);
        Gauge.builder(PREFIX + "max", this, m -> m.maxBytes)
                .description("the byte bound").baseUnit("bytes").register(registry);
        Gauge.builder(PREFIX + "hit.ratio", cache, c -> c.stats().hitRatio())
                .description("share of requests answered from the cache").register(registry);
        streamRates = MultiGauge.builder(PREFIX + "segment.requests")
                .description("media requests per second per stream (times the segment duration ~ viewers)")
                .baseUnit("requests/s")
                .register(registry);
        refreshStreamRates();
    }

    /** Re-reads which streams have a request rate; call it from the dashboard's refresh. */
    public void refreshStreamRates() {
        MultiGauge gauge = streamRates;
        if (gauge == null) {
            return;
        }
        List<MultiGauge.Row<?>> rows = cache.stats().segmentRequestsPerSecond().keySet().stream()
                .<MultiGauge.Row<?>>map(stream -> MultiGauge.Row.of(Tags.of("stream", stream), cache,
                        c -> c.segmentRequestsPerSecond(stream)))
                .toList();
        gauge.register(rows, true);
    }

    private void requests(MeterRegistry registry, String outcome, ToLongFunction<EdgeCacheStats> count) {
        counter(registry, "requests", "requests by how they were answered", count, Tags.of("outcome", outcome), null);
    }

    private void counter(MeterRegistry registry, String name, String description, ToLongFunction<EdgeCacheStats> count,
                         Tags tags, String baseUnit) {
        FunctionCounter.builder(PREFIX + name, cache, c -> count.applyAsLong(c.stats()))
                .description(description)
                .tags(tags)
                .baseUnit(baseUnit)
                .register(registry);
    }
}
