package dev.glasscast.edge;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link EdgeCache}'s counters since it started, each one a {@link LongAdder} because every
 * request on every event loop bumps one; what each counts is written on {@link EdgeCacheStats}.
 * Thread-safe.
 */
final class EdgeCacheCounters {

    final LongAdder requests = new LongAdder();
    final LongAdder hits = new LongAdder();
    final LongAdder staleHits = new LongAdder();
    final LongAdder coalescedWaits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder originRenders = new LongAdder();
    final LongAdder originFailures = new LongAdder();
    final LongAdder revalidations = new LongAdder();
    final LongAdder bytesServed = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder expirations = new LongAdder();

    /** The counters now, with what the store and the request meter say at the same moment. */
    EdgeCacheStats snapshot(long entries, long weightedBytes, Map<String, Double> segmentRequestsPerSecond) {
        return new EdgeCacheStats(requests.sum(), hits.sum(), staleHits.sum(), coalescedWaits.sum(), misses.sum(),
                originRenders.sum(), originFailures.sum(), revalidations.sum(), bytesServed.sum(),
                evictions.sum(), expirations.sum(), entries, weightedBytes, segmentRequestsPerSecond);
    }
}
