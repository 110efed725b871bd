package dev.glasscast.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.glasscast.packager.CacheKind;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the {@link EdgeCache} keeps its {@link CachedObject}s: a Caffeine cache bounded by bytes
 * (each object's {@link CachedObject#weight()}), keeping each entry for its fresh time plus its
 * stale grace, counting evictions and expiries.
 *
 * <p>Buffer ownership: an admitted object carries one lease for the store, taken at
 * {@link #admit} and returned by Caffeine's removal listener (eviction, expiry, replacement,
 * {@link #invalidateStream}, {@link #close()}), which runs on the maintenance executor.
 * Thread-safe.
 */
final class CachedObjectStore implements AutoCloseable {

    private enum State { OPEN, CLOSED }

    private final Cache<String, CachedObject> objects;
    private final long maxBytes;
    private final EdgeCacheCounters counters;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

    /**
     * @param maxBytes    the byte bound; an object heavier than this is never admitted
     * @param ticker      nanosecond time source for expiry
     * @param maintenance runs Caffeine's upkeep and the removal listener that returns leases
     * @param scheduler   wakes maintenance when an entry expires
     * @param counters    where evictions and expiries are counted
     */
    CachedObjectStore(long maxBytes, Ticker ticker, Executor maintenance, Scheduler scheduler,
                      EdgeCacheCounters counters) {
        this.maxBytes = maxBytes;
        this.counters = counters;
        this.objects = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(maintenance)
                .scheduler(scheduler)
                .maximumWeight(maxBytes)
                .weigher((String key, CachedObject object) -> object.weight())
                .expireAfter(new RetentionByKind())
                .removalListener(this::onRemoval)
                .build();
    }

    /** The object cached under {@code key}, or null. Take a lease on it before handing it out. */
    CachedObject find(String key) {
        return objects.getIfPresent(key);
    }

    /**
     * Caches {@code object} under {@code key}, with a lease of the store's own, unless its kind is
     * not to be stored, it is heavier than the bound, or the store is closed. The caller keeps its
     * own lease either way.
     */
    void admit(String key, CachedObject object) {
        if (isCacheable(object) && object.tryAcquireLease()) {
            objects.put(key, object);
            if (state.get() == State.CLOSED) {
                objects.invalidate(key); // close() ran between the check and the put
            }
        }
    }

    private boolean isCacheable(CachedObject object) {
        return object.metadata().cacheKind() != CacheKind.NO_STORE
                && object.weight() <= maxBytes
                && state.get() == State.OPEN;
    }

    private void onRemoval(String key, CachedObject object, RemovalCause cause) {
        if (object == null) {
            return;
        }
        switch (cause) {
            case SIZE -> counters.evictions.increment();
            case EXPIRED -> counters.expirations.increment();
            default -> {
            }
        }
        object.releaseLease();
    }

    /** Drops every object whose key is under {@code stream}'s name. */
    void invalidateStream(String stream) {
        String prefix = stream + "/";
        objects.asMap().keySet().removeIf(key -> key.startsWith(prefix));
    }

    /** Runs pending upkeep now: drops expired entries and returns their leases. */
    void runMaintenance() {
        objects.cleanUp();
    }

    /** Objects cached now (approximate). */
    long entries() {
        return objects.estimatedSize();
    }

    /** Bytes charged against the bound now (approximate). */
    long weightedBytes() {
        return objects.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /** Stops admitting and returns the lease of every cached object. Idempotent. */
    @Override
    public void close() {
        if (state.compareAndSet(State.OPEN, State.CLOSED)) {
            objects.invalidateAll();
            objects.cleanUp();
        }
    }

    /** Keeps each entry for its fresh time plus, for live manifests, the stale grace. */
    private static final class RetentionByKind implements Expiry<String, CachedObject> {
        @Override
        public long expireAfterCreate(String key, CachedObject object, long currentTime) {
            return object.retentionNanos();
        }

        @Override
        public long expireAfterUpdate(String key, CachedObject object, long currentTime, long currentDuration) {
            return object.retentionNanos();
        }

        @Override
        public long expireAfterRead(String key, CachedObject object, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
