package dev.glasscast.edge;

import java.util.Map;

/**
 * A snapshot of the {@link EdgeCache}'s counters since it started.
 *
 * @param requests                every {@code fetch}/{@code render} call
 * @param hits                    served from a fresh cached object
 * @param staleHits               served from a live manifest within its stale grace
 * @param coalescedWaits          joined a render another request had started
 * @param misses                  started a render
 * @param originRenders           calls to the origin's {@code render}, including revalidations
 * @param originFailures          renders that completed exceptionally (never cached)
 * @param revalidations           background refreshes started by stale hits
 * @param bytesServed             bytes of all bodies handed out (a 304 or 206 written by the HTTP
 *                                layer sends fewer)
 * @param evictions               objects dropped to stay under the byte bound
 * @param expirations             objects dropped because their time was up
 * @param entries                 objects in the cache now (approximate)
 * @param weightedBytes           bytes charged against the bound now (approximate)
 * @param segmentRequestsPerSecond per stream, media segment/part requests per second over the
 *                                meter's window (a stand-in for viewers: each viewer fetches one
 *                                per segment or part duration)
 */
public record EdgeCacheStats(
        long requests,
        long hits,
        long staleHits,
        long coalescedWaits,
        long misses,
        long originRenders,
        long originFailures,
        long revalidations,
        long bytesServed,
        long evictions,
        long expirations,
        long entries,
        long weightedBytes,
        Map<String, Double> segmentRequestsPerSecond) {

    public EdgeCacheStats {
        segmentRequestsPerSecond = Map.copyOf(segmentRequestsPerSecond);
    }

    /** Share of requests answered from the cache (fresh or stale); 0 before the first request. */
    public double hitRatio() {
        return requests == 0 ? 0.0 : (double) (hits + staleHits) / requests;
    }

    /** Share of requests that did not cost an origin render (hits plus coalesced waits). */
    public double originOffloadRatio() {
        return requests == 0 ? 0.0 : Math.max(0.0, 1.0 - (double) originRenders / requests);
    }
}
