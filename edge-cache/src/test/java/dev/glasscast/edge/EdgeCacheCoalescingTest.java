package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EdgeCacheCoalescingTest {

    private static final EdgeCacheSettings SETTINGS = new EdgeCacheSettings(16L << 20, Duration.ofMinutes(2),
            Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofMinutes(1), Duration.ofMillis(250));
    private static final OriginRequest SEGMENT = OriginRequest.of("main", "720p", "seg12.m4s");

    private final CountingOrigin origin = new CountingOrigin();
    private final ManualTicker ticker = new ManualTicker();
    private final EdgeCache cache = new EdgeCache(origin, SETTINGS, ticker, Runnable::run, Scheduler.disabledScheduler());

    @AfterEach
    void everyBodyIsReleasedOnClose() {
        cache.close();
        assertEquals(0, origin.unreleasedBodies(), "bodies still referenced after close");
    }

    @Test
    void thousandConcurrentMissesForOneSegmentMakeOneRenderAndAllGetTheBytes() throws Exception {
        int viewers = 1000;
        List<byte[]> received = fetchConcurrently(viewers, SEGMENT);

        assertEquals(1, origin.renders());
        byte[] expected = CountingOrigin.expectedBytes(SEGMENT, 1);
        for (byte[] bytes : received) {
            assertArrayEquals(expected, bytes);
        }
        EdgeCacheStats stats = cache.stats();
        assertEquals(viewers, stats.requests());
        assertEquals(1, stats.misses());
        assertEquals(viewers - 1, stats.hits() + stats.coalescedWaits());
        assertEquals((long) viewers * CountingOrigin.MEDIA_SIZE, stats.bytesServed());
        assertEquals(1, origin.bodies().getFirst().refCnt(), "only the cache's own reference is left");
    }

    @Test
    void thousandRequestsWaitingOnOneSlowRenderShareIt() throws Exception {
        origin.holdRenders = true;
        int viewers = 1000;
        List<CompletableFuture<EdgeResponse>> waiting = fetchAllAtOnce(viewers, SEGMENT);

        assertEquals(1, origin.renders());
        assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "nothing can be served before the render");
        assertEquals(viewers - 1, cache.stats().coalescedWaits());

        assertEquals(1, origin.completeHeld());
        byte[] expected = CountingOrigin.expectedBytes(SEGMENT, 1);
        int missed = 0;
        for (CompletableFuture<EdgeResponse> future : waiting) {
            EdgeResponse response = future.get(10, TimeUnit.SECONDS);
            try {
                assertArrayEquals(expected, ByteBufUtil.getBytes(response.body()));
                missed += response.outcome() == CacheOutcome.MISS ? 1 : 0;
            } finally {
                response.release();
            }
        }
        assertEquals(1, missed, "exactly one request is reported as the renderer");
        assertEquals(1, origin.renders());
    }

    @Test
    void fiveHundredBlockingReloadsForOnePartMakeOneOriginCall() throws Exception {
        origin.holdRenders = true;
        OriginRequest nextPart = new OriginRequest("main", "720p", "index.m3u8",
                Map.of("_HLS_msn", "42", "_HLS_part", "3"));
        OriginRequest otherPart = new OriginRequest("main", "720p", "index.m3u8",
                Map.of("_HLS_msn", "42", "_HLS_part", "4"));

        List<CompletableFuture<EdgeResponse>> waiting = fetchAllAtOnce(500, nextPart);
        CompletableFuture<EdgeResponse> waitingForLater = cache.fetch(otherPart);

        assertEquals(1, origin.renders(nextPart));
        assertEquals(1, origin.renders(otherPart), "another part is another key");
        assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "blocking reloads wait for the part");

        origin.completeHeld();
        byte[] expected = CountingOrigin.expectedBytes(nextPart, 1);
        for (CompletableFuture<EdgeResponse> future : waiting) {
            EdgeResponse response = future.get(10, TimeUnit.SECONDS);
            try {
                assertArrayEquals(expected, ByteBufUtil.getBytes(response.body()));
            } finally {
                response.release();
            }
        }
        waitingForLater.get(10, TimeUnit.SECONDS).release();
        assertEquals(2, origin.renders());
    }

    @Test
    void cacheBustingParametersNeitherMultiplyRendersNorReachTheOrigin() {
        OriginRequest busted = new OriginRequest("main", "720p", "index.m3u8",
                Map.of("_HLS_msn", "42", "_HLS_part", "3", "t", "1"));
        OriginRequest bustedAgain = new OriginRequest("main", "720p", "index.m3u8",
                Map.of("_HLS_msn", "42", "_HLS_part", "3", "t", "2", "cb", "x"));
        cache.fetch(busted).join().release();
        EdgeResponse second = cache.fetch(bustedAgain).join();
        second.release();
        assertEquals(CacheOutcome.HIT, second.outcome());
        assertEquals(1, origin.renders());
        assertEquals(Map.of("_HLS_msn", "42", "_HLS_part", "3"), origin.lastRequest.query());
        assertEquals("main/720p/index.m3u8?_HLS_msn=42&_HLS_part=3", second.metadata().cacheKey());
    }

    @Test
    void aFailedRenderFailsEveryWaiterAndIsNotCached() throws Exception {
        origin.holdRenders = true;
        List<CompletableFuture<EdgeResponse>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(cache.fetch(SEGMENT));
        }
        IllegalStateException failure = new IllegalStateException("store went away");
        assertEquals(1, origin.failHeld(failure));
        for (CompletableFuture<EdgeResponse> future : waiting) {
            ExecutionException thrown = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
            assertSame(failure, thrown.getCause());
        }
        assertEquals(1, cache.stats().originFailures());

        origin.holdRenders = false;
        EdgeResponse retried = cache.fetch(SEGMENT).get(10, TimeUnit.SECONDS);
        retried.release();
        assertEquals(2, origin.renders(), "the failure was not cached");
        assertEquals(CacheOutcome.MISS, retried.outcome());
    }

    @Test
    void anOriginThatThrowsFailsTheRequestInsteadOfHangingIt() {
        origin.throwOnRender = new IllegalArgumentException("bad stream");
        CompletableFuture<EdgeResponse> future = cache.fetch(SEGMENT);
        ExecutionException thrown = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, thrown.getCause());

        origin.throwOnRender = null;
        cache.fetch(SEGMENT).join().release();
        assertEquals(2, origin.renders());
    }

    @Test
    void aWaiterThatGaveUpDoesNotLeakItsView() throws Exception {
        origin.holdRenders = true;
        CompletableFuture<EdgeResponse> gaveUp = cache.fetch(SEGMENT);
        CompletableFuture<EdgeResponse> stayed = cache.fetch(SEGMENT);
        gaveUp.cancel(false);
        origin.completeHeld();
        EdgeResponse response = stayed.get(10, TimeUnit.SECONDS);
        response.release();
        assertEquals(1, origin.bodies().getFirst().refCnt(), "the cancelled waiter's view was released");
    }

    @Test
    void theMediaOriginViewHandsOutTheSameBytesAsOwnedResponses() throws Exception {
        OriginResponse first = cache.render(SEGMENT).toCompletableFuture().get(10, TimeUnit.SECONDS);
        OriginResponse second = cache.render(SEGMENT).toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            byte[] expected = CountingOrigin.expectedBytes(SEGMENT, 1);
            assertArrayEquals(expected, ByteBufUtil.getBytes(first.body()));
            assertArrayEquals(expected, ByteBufUtil.getBytes(second.body()));
            assertEquals(OriginResponse.M4S, second.contentType());
            assertEquals(CountingOrigin.LAST_MODIFIED, second.lastModified());
            assertEquals(3, origin.bodies().getFirst().refCnt(), "cache plus two views, no copies");
        } finally {
            first.release();
            second.release();
        }
        assertEquals(1, origin.renders());
    }

    @Test
    void noStoreResponsesAreSharedByConcurrentWaitersButNeverCached() throws Exception {
        origin.holdRenders = true;
        OriginRequest bad = OriginRequest.of("main", "720p", "bad.m4s");
        CompletableFuture<EdgeResponse> first = cache.fetch(bad);
        CompletableFuture<EdgeResponse> second = cache.fetch(bad);
        origin.completeHeld();
        EdgeResponse a = first.get(10, TimeUnit.SECONDS);
        EdgeResponse b = second.get(10, TimeUnit.SECONDS);
        assertEquals(400, a.status());
        assertEquals(400, b.status());
        a.release();
        b.release();
        assertEquals(0, origin.bodies().getFirst().refCnt(), "nothing kept a NO_STORE body");

        CompletableFuture<EdgeResponse> later = cache.fetch(bad);
        assertFalse(later.isDone());
        origin.completeHeld();
        later.get(10, TimeUnit.SECONDS).release();
        assertEquals(2, origin.renders());
    }

    /** Every thread blocks on the response; returns each response's bytes. */
    private List<byte[]> fetchConcurrently(int threads, OriginRequest request) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<byte[]>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                results.add(executor.submit(() -> {
                    ready.countDown();
                    go.await();
                    EdgeResponse response = cache.fetch(request).get(10, TimeUnit.SECONDS);
                    try {
                        return ByteBufUtil.getBytes(response.body());
                    } finally {
                        response.release();
                    }
                }));
            }
            assertTrue(ready.await(20, TimeUnit.SECONDS));
            go.countDown();
            List<byte[]> bytes = new ArrayList<>();
            for (Future<byte[]> result : results) {
                bytes.add(result.get(20, TimeUnit.SECONDS));
            }
            return bytes;
        }
    }

    /** Every thread calls fetch at once; returns when all calls returned (renders may be held). */
    private List<CompletableFuture<EdgeResponse>> fetchAllAtOnce(int threads, OriginRequest request) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<CompletableFuture<EdgeResponse>>> calls = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                calls.add(executor.submit(() -> {
                    ready.countDown();
                    go.await();
                    return cache.fetch(request);
                }));
            }
            assertTrue(ready.await(20, TimeUnit.SECONDS));
            go.countDown();
            List<CompletableFuture<EdgeResponse>> futures = new ArrayList<>();
            for (Future<CompletableFuture<EdgeResponse>> call : calls) {
                futures.add(call.get(20, TimeUnit.SECONDS));
            }
            return futures;
        }
    }
}
