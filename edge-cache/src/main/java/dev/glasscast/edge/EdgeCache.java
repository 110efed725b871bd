package dev.glasscast.edge;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process caching tier in front of the packager's {@link MediaOrigin}: bounded by bytes,
 * time to live by {@link CacheKind}, one origin render per key however many viewers ask at once.
 *
 * <h2>Lookup</h2>
 * A request's key is {@link OriginRequest#cacheKey()}, which includes the query, so LL-HLS
 * blocking reloads ({@code _HLS_msn}/{@code _HLS_part}) for the same part share one key. Query
 * parameters not in {@link EdgeCacheSettings#objectQueryParameters()} are dropped first (from the
 * key and from the request the origin renders), so cache busters cannot multiply renders. A
 * fresh cached object is a {@link CacheOutcome#HIT}. Otherwise the request joins the render in
 * flight for its key ({@link CacheOutcome#COALESCED}) or, if there is none, starts one
 * ({@link CacheOutcome#MISS}); when the render completes, every waiter gets a view of the same
 * body, and every waiter of a failed render gets the failure (which is not cached). A request that
 * becomes the renderer first looks in the cache once more, so a render that finished between its
 * lookup and its joining is reused rather than repeated: N concurrent requests make one render.
 *
 * <h2>Time to live</h2>
 * From {@link EdgeCacheSettings}: immutable media for the DVR window (unless evicted for space),
 * live manifests for at most half a part, VOD manifests longer, 404s briefly, NO_STORE never.
 *
 * <h2>Stale-while-revalidate (live manifests only)</h2>
 * A live manifest is fresh for {@code liveManifestTtl} after its render completed. For the
 * following {@code liveManifestStaleGrace} it is still served ({@link CacheOutcome#STALE}), and
 * the first such request starts one background render of the same request; later stale requests
 * neither wait nor render again. When the refresh completes it replaces the stale object. Once the
 * grace is over the entry is gone, and requests wait for the refresh in flight or start one. With
 * the default settings (half a part each) no manifest served is older than one part.
 *
 * <h2>Buffer ownership</h2>
 * The cache takes ownership of every rendered body. Each {@link EdgeResponse} (and
 * {@link OriginResponse}) it returns carries a {@code retainedDuplicate()} of the cached body:
 * the same bytes, one more reference, owned and released by the receiver. The cached body itself
 * is released once nobody can hand out another view: see {@link CachedObject} for the lease
 * counting that makes "retain before it can be evicted" hold without locks, and
 * {@link CachedObjectStore} for the store's own lease on each object it keeps.
 *
 * <h2>Parts</h2>
 * This class answers requests: lookup, coalescing into one render per key, revalidation, and
 * handing out views. {@link CachedObjectStore} keeps the objects (Caffeine, bound, retention);
 * {@link EdgeCacheCounters} counts what happened, for {@link #stats()}.
 *
 * <p>Do not cancel the futures returned by {@link #render}; a response completed into a
 * cancelled {@link #fetch} future is released here.
 */
public final class EdgeCache implements MediaOrigin, AutoCloseable {

    /** Bytes charged per entry beyond its body: key, metadata, Caffeine node, bookkeeping. */
    public static final int ENTRY_OVERHEAD_BYTES = 256;

    private static final Logger log = LoggerFactory.getLogger(EdgeCache.class);

    private final MediaOrigin origin;
    private final EdgeCacheSettings settings;
    private final Ticker ticker;
    private final EdgeCacheCounters counters = new EdgeCacheCounters();
    private final CachedObjectStore objects;
    private final ConcurrentHashMap<String, InFlightRender> inFlight = new ConcurrentHashMap<>();
    private final SegmentRequestRate segmentRequestRate;

    /** The daemon's cache: system time, maintenance on the common pool, prompt expiry. */
    public EdgeCache(MediaOrigin origin, EdgeCacheSettings settings) {
        this(origin, settings, Ticker.systemTicker(), ForkJoinPool.commonPool(), Scheduler.systemScheduler());
    }

    /**
     * @param origin      the packager; its bodies become this cache's
     * @param settings    byte bound and times to live
     * @param ticker      nanosecond time source for expiry, freshness and the request rate
     * @param maintenance runs Caffeine's upkeep and the removal listener that releases buffers
     *                    ({@code Runnable::run} makes it synchronous, for tests)
     * @param scheduler   wakes maintenance when an entry expires, so expired buffers are released
     *                    without waiting for traffic ({@link Scheduler#disabledScheduler()} for tests)
     */
    public EdgeCache(MediaOrigin origin, EdgeCacheSettings settings, Ticker ticker, Executor maintenance,
                     Scheduler scheduler) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.segmentRequestRate = new SegmentRequestRate(ticker);
        this.objects = new CachedObjectStore(settings.maxBytes(), ticker, maintenance, scheduler, counters);
    }

    /** Same as {@link #fetch}, for callers that only know the packager's interface. */
    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        return fetch(request).thenApply(EdgeResponse::toOriginResponse);
    }

    /**
     * The object {@code request} names, from the cache or from one shared origin render. Never
     * blocks; a blocking playlist reload completes when the origin completes it.
     *
     * @return a future of a response whose body the caller owns and must release once
     */
    public CompletableFuture<EdgeResponse> fetch(OriginRequest request) {
        counters.requests.increment();
        request = withObjectQueryOnly(request);
        String key = request.cacheKey();
        EdgeResponse cached = serveCached(key, request);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return joinOrRender(key, request);
    }

    /**
     * The fresh cached 200 that {@code request} names, or null: never renders, waits or
     * revalidates. Lets the server answer a hit before trying any slower path; a segment still
     * being written is never cached as a 200, so a hit here is always the complete object.
     * Counts a request and a hit only when it returns one; after null, use {@link #fetch}.
     *
     * @return a response whose body the caller owns and must release once, or null
     */
    public EdgeResponse fetchIfFresh(OriginRequest request) {
        CachedObject object = objects.find(withObjectQueryOnly(request).cacheKey());
        if (object == null || object.metadata().status() != 200 || !object.tryAcquireLease()) {
            return null;
        }
        try {
            if (object.isStaleAt(ticker.read())) {
                return null;
            }
            EdgeResponse response = object.handOut(CacheOutcome.HIT);
            counters.requests.increment();
            counters.hits.increment();
            served(object, response);
            return response;
        } finally {
            object.releaseLease();
        }
    }

    /** {@code request} without the query parameters that do not select another object. */
    private OriginRequest withObjectQueryOnly(OriginRequest request) {
        Map<String, String> query = request.query();
        if (settings.objectQueryParameters().containsAll(query.keySet())) {
            return request;
        }
        Map<String, String> kept = new HashMap<>();
        query.forEach((name, value) -> {
            if (settings.objectQueryParameters().contains(name)) {
                kept.put(name, value);
            }
        });
        return new OriginRequest(request.stream(), request.rendition(), request.resource(), kept);
    }

    private EdgeResponse serveCached(String key, OriginRequest request) {
        CachedObject object = objects.find(key);
        if (object == null || !object.tryAcquireLease()) {
            return null;
        }
        boolean stale;
        EdgeResponse response;
        try {
            stale = object.isStaleAt(ticker.read());
            response = object.handOut(stale ? CacheOutcome.STALE : CacheOutcome.HIT);
            served(object, response);
        } finally {
            object.releaseLease();
        }
        if (stale) {
            counters.staleHits.increment();
            revalidate(key, request);
        } else {
            counters.hits.increment();
        }
        return response;
    }

    private CompletableFuture<EdgeResponse> joinOrRender(String key, OriginRequest request) {
        CompletableFuture<EdgeResponse> waiter = new CompletableFuture<>();
        InFlightRender candidate = new InFlightRender(key, InFlightRender.Cause.MISS);
        InFlightRender flight = inFlight.compute(key, (k, existing) -> {
            InFlightRender joined = existing != null ? existing : candidate;
            joined.addWaiter(waiter);
            return joined;
        });
        if (flight != candidate) {
            counters.coalescedWaits.increment();
            return waiter;
        }
        // A render of this key may have finished between our lookup and our becoming the renderer;
        // it put its object in the cache before leaving the in-flight map, so this look finds it.
        CachedObject finished = objects.find(key);
        if (finished != null && !finished.isStaleAt(ticker.read()) && finished.tryAcquireLease()) {
            counters.hits.increment();
            finish(candidate, finished, CacheOutcome.HIT);
            return waiter;
        }
        counters.misses.increment();
        startRender(candidate, request);
        return waiter;
    }

    /** Starts one background render for a stale key unless one is already in flight. */
    private void revalidate(String key, OriginRequest request) {
        InFlightRender candidate = new InFlightRender(key, InFlightRender.Cause.REVALIDATION);
        if (inFlight.putIfAbsent(key, candidate) == null) {
            counters.revalidations.increment();
            startRender(candidate, request);
        }
    }

    private void startRender(InFlightRender flight, OriginRequest request) {
        counters.originRenders.increment();
        CompletionStage<OriginResponse> rendering;
        try {
            rendering = Objects.requireNonNull(origin.render(request), "origin returned no stage");
        } catch (RuntimeException e) {
            fail(flight, e);
            return;
        }
        rendering.whenComplete((rendered, failure) -> {
            if (failure != null) {
                fail(flight, failure);
            } else if (rendered == null) {
                fail(flight, new IllegalStateException("origin rendered nothing for " + flight.key()));
            } else {
                complete(flight, request, rendered);
            }
        });
    }

    /** Adopts the rendered body, caches it if its kind allows, and serves the waiters. */
    private void complete(InFlightRender flight, OriginRequest request, OriginResponse rendered) {
        CachedObject object;
        try {
            CacheKind kind = Objects.requireNonNull(rendered.cacheKind(), "cacheKind");
            object = CachedObject.adopt(rendered, flight.key(), request.stream(), ticker.read(),
                    freshForNanos(kind), staleGraceNanos(kind), ENTRY_OVERHEAD_BYTES);
        } catch (RuntimeException e) {
            if (rendered.body() != null) {
                rendered.body().release();
            }
            fail(flight, e);
            return;
        }
        try {
            objects.admit(flight.key(), object);
        } finally {
            finish(flight, object, flight.cause() == InFlightRender.Cause.MISS ? CacheOutcome.MISS : CacheOutcome.COALESCED);
        }
    }

    /**
     * Leaves the in-flight map, then hands every waiter its own view. The caller holds a lease on
     * {@code object}, which this returns.
     */
    private void finish(InFlightRender flight, CachedObject object, CacheOutcome firstWaiterOutcome) {
        inFlight.remove(flight.key(), flight);
        try {
            List<CompletableFuture<EdgeResponse>> waiters = flight.closeAndTakeWaiters();
            for (int i = 0; i < waiters.size(); i++) {
                CompletableFuture<EdgeResponse> waiter = waiters.get(i);
                EdgeResponse response;
                try {
                    response = object.handOut(i == 0 ? firstWaiterOutcome : CacheOutcome.COALESCED);
                } catch (RuntimeException bug) {
                    // Cannot happen while we hold a lease; if it does, fail loudly rather than hang the rest.
                    waiter.completeExceptionally(bug);
                    continue;
                }
                served(object, response);
                if (!waiter.complete(response)) {
                    response.release(); // the waiter was cancelled
                }
            }
        } finally {
            object.releaseLease();
        }
    }

    private void fail(InFlightRender flight, Throwable failure) {
        counters.originFailures.increment();
        log.debug("rendering {} failed: {}", flight.key(), failure.toString());
        inFlight.remove(flight.key(), flight);
        for (CompletableFuture<EdgeResponse> waiter : flight.closeAndTakeWaiters()) {
            waiter.completeExceptionally(failure);
        }
    }

    private void served(CachedObject object, EdgeResponse response) {
        counters.bytesServed.add(response.length());
        if (response.cacheKind() == CacheKind.IMMUTABLE_MEDIA && response.status() == 200) {
            segmentRequestRate.record(object.stream());
        }
    }

    private long freshForNanos(CacheKind kind) {
        return switch (kind) {
            case IMMUTABLE_MEDIA -> settings.immutableMediaTtl().toNanos();
            case LIVE_MANIFEST -> settings.liveManifestTtl().toNanos();
            case VOD_MANIFEST -> settings.vodManifestTtl().toNanos();
            case NOT_FOUND -> settings.notFoundTtl().toNanos();
            case NO_STORE -> 0;
        };
    }

    private long staleGraceNanos(CacheKind kind) {
        return kind == CacheKind.LIVE_MANIFEST ? settings.liveManifestStaleGrace().toNanos() : 0;
    }

    /**
     * Drops every cached object of {@code stream}, e.g. when it is unpublished: a republished
     * stream may reuse segment names, and immutable media would otherwise outlive its stream.
     */
    public void invalidateStream(String stream) {
        objects.invalidateStream(stream);
    }

    /** Runs pending upkeep now: drops expired entries and releases their buffers. */
    public void runMaintenance() {
        objects.runMaintenance();
    }

    public EdgeCacheStats stats() {
        return counters.snapshot(objects.entries(), objects.weightedBytes(), segmentRequestRate.snapshot());
    }

    /** Media requests per second of {@code stream} over the last ten seconds. */
    public double segmentRequestsPerSecond(String stream) {
        return segmentRequestRate.perSecond(stream);
    }

    /**
     * Stops caching and releases every cached body. Renders still in flight complete to their
     * waiters without being cached; later requests pass through (coalesced) to the origin.
     */
    @Override
    public void close() {
        objects.close();
    }
}
