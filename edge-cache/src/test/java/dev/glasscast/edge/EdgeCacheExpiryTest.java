package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.glasscast.packager.OriginRequest;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EdgeCacheExpiryTest {

    private static final Duration MEDIA_TTL = Duration.ofMinutes(2);
    private static final Duration LIVE_TTL = Duration.ofMillis(250);
    private static final Duration STALE_GRACE = Duration.ofMillis(250);
    private static final Duration VOD_TTL = Duration.ofMinutes(1);
    private static final Duration NOT_FOUND_TTL = Duration.ofMillis(250);
    private static final Duration MILLI = Duration.ofMillis(1);

    private static final OriginRequest SEGMENT = OriginRequest.of("main", "720p", "seg3.m4s");
    private static final OriginRequest PLAYLIST = OriginRequest.of("main", "720p", "index.m3u8");
    private static final OriginRequest VOD_PLAYLIST = OriginRequest.of("vod", "720p", "index.m3u8");
    private static final OriginRequest MISSING = OriginRequest.of("main", "720p", "missing9.m4s");

    private final CountingOrigin origin = new CountingOrigin();
    private final ManualTicker ticker = new ManualTicker();
    private final EdgeCache cache = new EdgeCache(origin,
            new EdgeCacheSettings(16L << 20, MEDIA_TTL, LIVE_TTL, STALE_GRACE, VOD_TTL, NOT_FOUND_TTL),
            ticker, Runnable::run, Scheduler.disabledScheduler());

    @AfterEach
    void everyBodyIsReleasedOnClose() {
        cache.close();
        assertEquals(0, origin.unreleasedBodies(), "bodies still referenced after close");
    }

    @Test
    void mediaStaysForItsTimeToLive() {
        assertEquals(CacheOutcome.MISS, fetchOutcome(SEGMENT));
        ticker.advance(MEDIA_TTL.minus(MILLI));
        assertEquals(CacheOutcome.HIT, fetchOutcome(SEGMENT));
        ticker.advance(MILLI.multipliedBy(2));
        assertEquals(CacheOutcome.MISS, fetchOutcome(SEGMENT));
        assertEquals(2, origin.renders());
    }

    @Test
    void fetchIfFreshAnswersOnlyFreshSuccessesAndNeverRenders() {
        assertEquals(null, cache.fetchIfFresh(SEGMENT), "nothing cached yet");
        assertEquals(0, origin.renders(), "fetchIfFresh must not render");
        fetchOutcome(SEGMENT);
        EdgeResponse hit = cache.fetchIfFresh(SEGMENT);
        assertEquals(CacheOutcome.HIT, hit.outcome());
        assertArrayEquals(CountingOrigin.expectedBytes(SEGMENT, 1), ByteBufUtil.getBytes(hit.body()));
        hit.release();
        assertEquals(2, cache.stats().hits() + cache.stats().misses(), "the hit is counted");

        fetchOutcome(MISSING);
        assertEquals(null, cache.fetchIfFresh(MISSING), "a cached 404 goes the slow way (a segment may since have opened)");
        fetchOutcome(PLAYLIST);
        ticker.advance(LIVE_TTL.plus(MILLI));
        assertEquals(null, cache.fetchIfFresh(PLAYLIST), "a stale manifest goes the slow way, which revalidates it");
        ticker.advance(MEDIA_TTL);
        assertEquals(null, cache.fetchIfFresh(SEGMENT), "expired");
        assertEquals(3, origin.renders());
    }

    @Test
    void vodManifestsStayLongerThanLiveOnes() {
        fetchOutcome(VOD_PLAYLIST);
        fetchOutcome(PLAYLIST);
        ticker.advance(LIVE_TTL.plus(STALE_GRACE).plus(MILLI));
        assertEquals(CacheOutcome.HIT, fetchOutcome(VOD_PLAYLIST));
        assertEquals(CacheOutcome.MISS, fetchOutcome(PLAYLIST));
        ticker.advance(VOD_TTL);
        assertEquals(CacheOutcome.MISS, fetchOutcome(VOD_PLAYLIST));
    }

    @Test
    void notFoundIsRememberedBriefly() {
        assertEquals(CacheOutcome.MISS, fetchOutcome(MISSING));
        ticker.advance(NOT_FOUND_TTL.minus(MILLI));
        EdgeResponse remembered = cache.fetch(MISSING).join();
        assertEquals(404, remembered.status());
        assertEquals(CacheOutcome.HIT, remembered.outcome());
        remembered.release();
        ticker.advance(MILLI.multipliedBy(2));
        assertEquals(CacheOutcome.MISS, fetchOutcome(MISSING));
        assertEquals(2, origin.renders());
    }

    @Test
    void noStoreIsNeverCached() {
        OriginRequest bad = OriginRequest.of("main", "720p", "bad.m4s");
        assertEquals(CacheOutcome.MISS, fetchOutcome(bad));
        assertEquals(CacheOutcome.MISS, fetchOutcome(bad));
        assertEquals(2, origin.renders());
        assertEquals(0, cache.stats().entries());
    }

    @Test
    void aStaleLiveManifestIsServedWhileOneRefreshRuns() throws Exception {
        assertEquals(CacheOutcome.MISS, fetchOutcome(PLAYLIST));
        ticker.advance(LIVE_TTL.minus(MILLI));
        assertEquals(CacheOutcome.HIT, fetchOutcome(PLAYLIST));

        origin.holdRenders = true;
        ticker.advance(MILLI);
        for (int i = 0; i < 5; i++) {
            EdgeResponse stale = cache.fetch(PLAYLIST).join();
            assertEquals(CacheOutcome.STALE, stale.outcome());
            assertArrayEquals(CountingOrigin.expectedBytes(PLAYLIST, 1), ByteBufUtil.getBytes(stale.body()));
            stale.release();
        }
        assertEquals(2, origin.renders(), "five stale hits, one refresh");
        assertEquals(1, cache.stats().revalidations());

        origin.completeHeld();
        EdgeResponse fresh = cache.fetch(PLAYLIST).join();
        assertEquals(CacheOutcome.HIT, fresh.outcome());
        assertArrayEquals(CountingOrigin.expectedBytes(PLAYLIST, 2), ByteBufUtil.getBytes(fresh.body()));
        fresh.release();
        assertEquals(0, origin.bodies().getFirst().refCnt(), "the replaced manifest was released");
    }

    @Test
    void afterTheGraceRequestsWaitForTheRefreshInFlight() throws Exception {
        fetchOutcome(PLAYLIST);
        origin.holdRenders = true;
        ticker.advance(LIVE_TTL);
        assertEquals(CacheOutcome.STALE, fetchOutcome(PLAYLIST));
        ticker.advance(STALE_GRACE);

        CompletableFuture<EdgeResponse> waiting = cache.fetch(PLAYLIST);
        assertFalse(waiting.isDone(), "past the grace nothing stale is served");
        assertEquals(2, origin.renders(), "it joined the refresh instead of starting another");

        origin.completeHeld();
        EdgeResponse response = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(CacheOutcome.COALESCED, response.outcome());
        assertArrayEquals(CountingOrigin.expectedBytes(PLAYLIST, 2), ByteBufUtil.getBytes(response.body()));
        response.release();
    }

    @Test
    void aFailedRefreshLeavesTheStaleCopyForTheRestOfItsGrace() {
        fetchOutcome(PLAYLIST);
        origin.holdRenders = true;
        ticker.advance(LIVE_TTL);
        assertEquals(CacheOutcome.STALE, fetchOutcome(PLAYLIST));
        origin.failHeld(new IllegalStateException("packager busy"));
        assertEquals(CacheOutcome.STALE, fetchOutcome(PLAYLIST));
        assertEquals(3, origin.renders(), "the next stale hit retried the refresh");
        origin.holdRenders = false;
        origin.completeHeld();
    }

    @Test
    void expiredObjectsReleaseTheirBuffers() {
        fetchOutcome(SEGMENT);
        fetchOutcome(PLAYLIST);
        fetchOutcome(MISSING);
        assertEquals(3, origin.unreleasedBodies());

        ticker.advance(LIVE_TTL.plus(STALE_GRACE));
        cache.runMaintenance();
        assertEquals(1, origin.unreleasedBodies(), "only the segment is left");

        ticker.advance(MEDIA_TTL);
        cache.runMaintenance();
        assertEquals(0, origin.unreleasedBodies());
        assertEquals(3, cache.stats().expirations());
        assertEquals(0, cache.stats().entries());
    }

    @Test
    void aViewHandedOutSurvivesExpiryOfItsObject() {
        EdgeResponse held = cache.fetch(SEGMENT).join();
        ticker.advance(MEDIA_TTL.plus(MILLI));
        cache.runMaintenance();
        assertTrue(held.refCnt() > 0);
        assertArrayEquals(CountingOrigin.expectedBytes(SEGMENT, 1), ByteBufUtil.getBytes(held.body()));
        held.release();
        assertEquals(0, origin.unreleasedBodies());
    }

    private CacheOutcome fetchOutcome(OriginRequest request) {
        EdgeResponse response = cache.fetch(request).join();
        response.release();
        return response.outcome();
    }
}
