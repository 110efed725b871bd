package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.glasscast.packager.OriginRequest;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EdgeCacheEvictionTest {

    /** What one cached 1,000-byte segment of these tests weighs. */
    private static final int SEGMENT_WEIGHT = CountingOrigin.MEDIA_SIZE + EdgeCache.ENTRY_OVERHEAD_BYTES
            + 2 * segment(0).cacheKey().length();
    private static final long THREE_SEGMENTS = 3L * SEGMENT_WEIGHT;

    private final CountingOrigin origin = new CountingOrigin();

    private static OriginRequest segment(int number) {
        return OriginRequest.of("main", "720p", "seg" + (100 + number) + ".m4s");
    }

    private static EdgeCacheSettings boundedTo(long maxBytes) {
        return new EdgeCacheSettings(maxBytes, Duration.ofMinutes(2), Duration.ofMillis(250), Duration.ofMillis(250),
                Duration.ofMinutes(1), Duration.ofMillis(250));
    }

    private EdgeCache synchronousCache(long maxBytes) {
        return new EdgeCache(origin, boundedTo(maxBytes), new ManualTicker(), Runnable::run, Scheduler.disabledScheduler());
    }

    @Test
    void theByteBoundHoldsAndEvictedBodiesAreReleased() {
        try (EdgeCache cache = synchronousCache(THREE_SEGMENTS)) {
            for (int i = 0; i < 10; i++) {
                cache.fetch(segment(i)).join().release();
            }
            cache.runMaintenance();

            EdgeCacheStats stats = cache.stats();
            assertTrue(stats.weightedBytes() <= THREE_SEGMENTS, "weighted " + stats.weightedBytes());
            assertEquals(stats.entries(), origin.unreleasedBodies(), "exactly the cached bodies are still referenced");
            assertEquals(10 - stats.entries(), stats.evictions());
            for (var body : origin.bodies()) {
                assertTrue(body.refCnt() == 0 || body.refCnt() == 1, "cached bodies hold only the cache's reference");
            }
        }
        assertEquals(0, origin.unreleasedBodies());
    }

    @Test
    void aViewHandedOutSurvivesEvictionOfItsObject() {
        try (EdgeCache cache = synchronousCache(THREE_SEGMENTS)) {
            EdgeResponse held = cache.fetch(segment(0)).join();
            for (int i = 1; i < 20; i++) {
                cache.fetch(segment(i)).join().release();
                cache.fetch(segment(i)).join().release();
            }
            cache.runMaintenance();
            assertTrue(cache.stats().evictions() > 0);
            assertArrayEquals(CountingOrigin.expectedBytes(segment(0), 1), ByteBufUtil.getBytes(held.body()));
            held.release();
        }
        assertEquals(0, origin.unreleasedBodies());
    }

    @Test
    void anObjectBiggerThanTheBoundIsServedButNotCached() {
        OriginRequest big = OriginRequest.of("main", "720p", "big1.m4s");
        try (EdgeCache cache = synchronousCache(THREE_SEGMENTS)) {
            EdgeResponse response = cache.fetch(big).join();
            assertEquals(CountingOrigin.BIG_SIZE, response.length());
            response.release();
            assertEquals(0, origin.unreleasedBodies());
            cache.fetch(big).join().release();
            assertEquals(2, origin.renders());
        }
    }

    @Test
    void aZeroBoundDisablesCachingButStillCoalesces() {
        try (EdgeCache cache = synchronousCache(0)) {
            origin.holdRenders = true;
            var first = cache.fetch(segment(1));
            var second = cache.fetch(segment(1));
            origin.completeHeld();
            first.join().release();
            second.join().release();
            assertEquals(1, origin.renders());
            assertEquals(0, origin.unreleasedBodies());
        }
    }

    @Test
    void invalidatingAStreamDropsOnlyItsObjects() {
        OriginRequest other = OriginRequest.of("mainstage", "720p", "seg1.m4s");
        try (EdgeCache cache = synchronousCache(16L << 20)) {
            cache.fetch(segment(1)).join().release();
            cache.fetch(OriginRequest.of("main", null, "index.m3u8")).join().release();
            cache.fetch(other).join().release();
            cache.invalidateStream("main");
            cache.runMaintenance();
            assertEquals(1, cache.stats().entries());
            assertEquals(1, origin.unreleasedBodies());
            assertEquals(CacheOutcome.HIT, outcomeOf(cache, other));
            assertEquals(CacheOutcome.MISS, outcomeOf(cache, segment(1)));
        }
        assertEquals(0, origin.unreleasedBodies());
    }

    /**
     * Readers race evictions and replacements on the common pool: a view must never be taken of
     * a released body (that would throw, or read recycled memory), and every body must end up
     * released exactly once.
     */
    @Test
    void viewsNeverOutliveOrResurrectBodiesUnderConcurrentEviction() throws Exception {
        int keys = 40;
        int threads = 4;
        int fetchesPerThread = 3000;
        EdgeCache cache = new EdgeCache(origin, boundedTo(THREE_SEGMENTS * 2), Ticker.systemTicker(),
                ForkJoinPool.commonPool(), Scheduler.disabledScheduler());
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(executor.submit(() -> {
                    int verified = 0;
                    for (int i = 0; i < fetchesPerThread; i++) {
                        OriginRequest request = segment(ThreadLocalRandom.current().nextInt(keys));
                        EdgeResponse response = cache.fetch(request).get(10, TimeUnit.SECONDS);
                        try {
                            byte[] bytes = ByteBufUtil.getBytes(response.body());
                            if (isSomeVersionOf(request, bytes)) {
                                verified++;
                            }
                        } finally {
                            response.release();
                        }
                    }
                    return verified;
                }));
            }
            for (Future<Integer> worker : workers) {
                assertEquals(fetchesPerThread, worker.get(60, TimeUnit.SECONDS));
            }
        }
        assertTrue(cache.stats().evictions() > 0, "the bound was small enough to evict");
        cache.close();
        assertTrue(ForkJoinPool.commonPool().awaitQuiescence(20, TimeUnit.SECONDS));
        assertEquals(0, origin.unreleasedBodies());
    }

    private boolean isSomeVersionOf(OriginRequest request, byte[] bytes) {
        for (int version = origin.renders(request); version >= 1; version--) {
            if (Arrays.equals(CountingOrigin.expectedBytes(request, version), bytes)) {
                return true;
            }
        }
        return false;
    }

    private static CacheOutcome outcomeOf(EdgeCache cache, OriginRequest request) {
        EdgeResponse response = cache.fetch(request).join();
        response.release();
        return response.outcome();
    }
}
