package dev.glasscast.edge;

import dev.glasscast.packager.OriginResponse;
import dev.glasscast.media.LeaseCount;
import io.netty.buffer.ByteBuf;

/**
 * One rendered object as the {@link EdgeCache} keeps it: the body, its metadata, and when it
 * stops being fresh.
 *
 * <p>Buffer ownership: the object owns exactly one reference to {@code body}, released when the
 * last <em>lease</em> is returned. Leases are counted apart from the buffer's own reference count
 * because a released buffer must never be retained again: a pooled buffer may already be
 * recycled into somebody else's allocation, where a late {@code retain()} would succeed and
 * corrupt it ({@link LeaseCount} says more). Whoever wants to hand out a view takes a lease with {@link #tryAcquireLease()}
 * (which fails, instead of resurrecting, once the count reached zero), calls
 * {@link #handOut} while holding it, and returns it with {@link #releaseLease()}. The body's
 * reference count therefore never drops to zero while someone could still retain it.
 *
 * <p>Lease holders: the render that created the object holds one until it has served its waiters;
 * the Caffeine cache holds one from insertion until its removal listener runs (eviction, expiry,
 * replacement, invalidation); a request that finds the object holds one for the instant of
 * {@code retainedDuplicate()}.
 */
final class CachedObject {

    private final ObjectMetadata metadata;
    private final String stream;
    private final ByteBuf body;
    private final long createdAtNanos;
    private final long freshForNanos;
    private final long staleGraceNanos;
    private final int weight;
    /** Starts at 1, the creator's lease; the last one returned releases the body. */
    private final LeaseCount leases;

    private CachedObject(ObjectMetadata metadata, String stream, ByteBuf body, long createdAtNanos,
                         long freshForNanos, long staleGraceNanos, int entryOverheadBytes) {
        this.metadata = metadata;
        this.stream = stream;
        this.body = body;
        this.createdAtNanos = createdAtNanos;
        this.freshForNanos = freshForNanos;
        this.staleGraceNanos = staleGraceNanos;
        long bytes = (long) body.readableBytes() + entryOverheadBytes + 2L * metadata.cacheKey().length();
        this.weight = (int) Math.min(Integer.MAX_VALUE, bytes);
        this.leases = new LeaseCount(metadata.cacheKey(), body::release);
    }

    /**
     * Takes ownership of {@code rendered}'s body and computes the metadata. The caller holds the
     * creator's lease afterwards.
     */
    static CachedObject adopt(OriginResponse rendered, String cacheKey, String stream, long nowNanos,
                              long freshForNanos, long staleGraceNanos, int entryOverheadBytes) {
        ByteBuf body = rendered.body();
        ObjectMetadata metadata = new ObjectMetadata(cacheKey, rendered.status(), rendered.contentType(),
                rendered.cacheKind(), EntityTags.strongTagOf(body), rendered.lastModified(), body.readableBytes(),
                rendered.file());
        return new CachedObject(metadata, stream, body, nowNanos, freshForNanos, staleGraceNanos, entryOverheadBytes);
    }

    ObjectMetadata metadata() {
        return metadata;
    }

    String stream() {
        return stream;
    }

    /** Bytes charged against the cache's bound: the body plus bookkeeping. */
    int weight() {
        return weight;
    }

    /** How long the cache keeps the entry: fresh time plus stale grace. */
    long retentionNanos() {
        long total = freshForNanos + staleGraceNanos;
        return total < 0 ? Long.MAX_VALUE : total;
    }

    /** Whether at {@code nowNanos} this may only be served as stale (within its grace). */
    boolean isStaleAt(long nowNanos) {
        return staleGraceNanos > 0 && nowNanos - createdAtNanos >= freshForNanos;
    }

    /** Takes a lease unless the last one was already returned (the body is then gone). */
    boolean tryAcquireLease() {
        return leases.tryAcquire();
    }

    /** Returns a lease; the last one releases the body. */
    void releaseLease() {
        leases.release();
    }

    /** A zero-copy view for one receiver. The caller must hold a lease. */
    EdgeResponse handOut(CacheOutcome outcome) {
        return new EdgeResponse(metadata, outcome, body.retainedDuplicate());
    }

    /** For tests: the cached body's reference count, including every view handed out. */
    int bodyRefCnt() {
        return body.refCnt();
    }
}
