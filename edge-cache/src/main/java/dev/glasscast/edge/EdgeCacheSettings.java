package dev.glasscast.edge;

import dev.glasscast.config.CacheConfig;
import dev.glasscast.config.PackagingConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How big the edge cache is and how long each {@link dev.glasscast.packager.CacheKind} stays in
 * it. Kept apart from the config records so the cache's tuning can grow without touching them;
 * {@link #from} derives every value from the daemon's config.
 *
 * @param maxBytes                the byte bound of the cache (bodies plus
 *                                {@link EdgeCache#ENTRY_OVERHEAD_BYTES} per entry); 0 disables
 *                                caching but not request coalescing
 * @param immutableMediaTtl       how long segments, parts and init segments stay (unless evicted
 *                                for space first)
 * @param liveManifestTtl         how long a live playlist/MPD is served fresh; at most half a part
 * @param liveManifestStaleGrace  how long past {@code liveManifestTtl} a live manifest may still be
 *                                served while one refresh runs (stale-while-revalidate)
 * @param vodManifestTtl          how long a finished recording's playlist/MPD stays
 * @param notFoundTtl             how long a 404 is remembered (negative caching)
 * @param objectQueryParameters   the query parameters that select a different object; all others
 *                                (cache busters such as {@code ?t=123}) are dropped before the
 *                                cache key is made and before the origin sees the request, so they
 *                                can neither bypass the cache nor fill it with copies
 */
public record EdgeCacheSettings(
        long maxBytes,
        Duration immutableMediaTtl,
        Duration liveManifestTtl,
        Duration liveManifestStaleGrace,
        Duration vodManifestTtl,
        Duration notFoundTtl,
        Set<String> objectQueryParameters) {

    /**
     * The LL-HLS delivery directives (RFC 8216bis §6.2.5): blocking reload by media sequence
     * number and part, and playlist delta updates. The packager reads no other parameter.
     */
    public static final Set<String> LL_HLS_DIRECTIVES = Set.of("_HLS_msn", "_HLS_part", "_HLS_skip");

    /** A finished recording's manifest changes only when the recording is deleted. */
    public static final Duration DEFAULT_VOD_MANIFEST_TTL = Duration.ofMinutes(1);

    public EdgeCacheSettings {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        requirePositive(immutableMediaTtl, "immutableMediaTtl");
        requirePositive(liveManifestTtl, "liveManifestTtl");
        Objects.requireNonNull(liveManifestStaleGrace, "liveManifestStaleGrace");
        if (liveManifestStaleGrace.isNegative()) {
            throw new IllegalArgumentException("liveManifestStaleGrace must not be negative");
        }
        requirePositive(vodManifestTtl, "vodManifestTtl");
        requirePositive(notFoundTtl, "notFoundTtl");
        objectQueryParameters = Set.copyOf(objectQueryParameters);
    }

    /** Settings that key objects by the {@link #LL_HLS_DIRECTIVES} only. */
    public EdgeCacheSettings(long maxBytes, Duration immutableMediaTtl, Duration liveManifestTtl,
                             Duration liveManifestStaleGrace, Duration vodManifestTtl, Duration notFoundTtl) {
        this(maxBytes, immutableMediaTtl, liveManifestTtl, liveManifestStaleGrace, vodManifestTtl, notFoundTtl,
                LL_HLS_DIRECTIVES);
    }

    /**
     * The settings the daemon runs with: media for the DVR window, live manifests fresh for half a
     * part and stale for at most another half (so nothing served is older than one part), 404s for
     * half a part (a part announced by a preload hint appears within one part), VOD manifests for
     * {@link #DEFAULT_VOD_MANIFEST_TTL}.
     */
    public static EdgeCacheSettings from(CacheConfig cache, PackagingConfig packaging) {
        Duration halfPart = packaging.partDuration().dividedBy(2);
        Duration media = packaging.dvrWindow().compareTo(packaging.segmentDuration()) > 0
                ? packaging.dvrWindow()
                : packaging.segmentDuration();
        return new EdgeCacheSettings(cache.maxBytes(), media, halfPart, halfPart, DEFAULT_VOD_MANIFEST_TTL, halfPart);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
