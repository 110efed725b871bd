package dev.glasscast.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandoffQueueTest {

    /** Media items are "m<n>" (a trailing "k" for a key frame); signals anything else. */
    private static final String END = "end";
    private static final String DISCONTINUITY = "discontinuity";

    @Test
    void dropBeyondCapacityButNeverSignals() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(2, HandoffQueue.WhenFull.DROP);
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer("m0"));
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer("m1"));
        assertTrue(queue.isFull());
        assertEquals(HandoffQueue.Offer.REJECTED, queue.offer("m2"));
        queue.signal(DISCONTINUITY);
        queue.signal(END);
        assertEquals(2, queue.size(), "signals do not count against the bound");
        assertEquals("m0", queue.take());
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer("m3"), "taking media makes room");
        assertEquals("m1", queue.take());
        assertEquals(DISCONTINUITY, queue.take());
        assertEquals(END, queue.take());
        assertEquals("m3", queue.take());
        assertEquals(0, queue.size());
    }

    @Test
    void waitBlocksTheProducerUntilTheConsumerTakes() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(1, HandoffQueue.WhenFull.WAIT);
        String first = "m0";
        String second = "m1";
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer(first));
        CompletableFuture<HandoffQueue.Offer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.offer(second);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertSame(first, queue.take());
        assertEquals(HandoffQueue.Offer.QUEUED, blocked.get(60, TimeUnit.SECONDS));
        assertSame(second, queue.take());
    }

    @Test
    void theEvictionChoosesWhatGivesWayAndTheQueueReleasesIt() throws Exception {
        List<String> released = new ArrayList<>();
        HandoffQueue.Eviction<String> keyFramesEvictOrdinaryOnes = (newcomer, waiting) -> !newcomer.endsWith("k")
                ? null : waiting.stream().filter(w -> !w.endsWith("k")).findFirst().orElse(waiting.getFirst());
        HandoffQueue<String> queue = new HandoffQueue<>(2, HandoffQueue.WhenFull.DROP, keyFramesEvictOrdinaryOnes,
                released::add);
        queue.offer("m0k");
        queue.signal(DISCONTINUITY);
        queue.offer("m1");
        assertEquals(HandoffQueue.Offer.REJECTED, queue.offer("m2"));
        assertEquals(List.of(), released, "a rejected item stays with the producer");
        assertEquals(HandoffQueue.Offer.QUEUED_AFTER_EVICTION, queue.offer("m3k"));
        assertEquals(List.of("m1"), released);
        assertEquals(HandoffQueue.Offer.QUEUED_AFTER_EVICTION, queue.offer("m4k"));
        assertEquals(List.of("m1", "m0k"), released, "with only key frames waiting, the oldest gives way");
        assertEquals(DISCONTINUITY, queue.take());
        assertEquals("m3k", queue.take());
        assertEquals("m4k", queue.take());
    }

    @Test
    void clearReleasesWaitingMediaAndDropsSignals() throws Exception {
        List<String> released = new ArrayList<>();
        HandoffQueue<String> queue = new HandoffQueue<>(1, HandoffQueue.WhenFull.DROP, (n, w) -> null, released::add);
        queue.offer("m0");
        queue.signal(DISCONTINUITY);
        queue.signal(END);
        queue.clear();
        assertEquals(List.of("m0"), released);
        assertEquals(0, queue.size());
        assertFalse(queue.isFull());
        assertEquals(HandoffQueue.Offer.QUEUED, queue.offer("m1"));
        assertEquals("m1", queue.take());
    }

    @Test
    void aQueueHoldsAtLeastOneItem() {
        assertThrows(IllegalArgumentException.class, () -> new HandoffQueue<String>(0, HandoffQueue.WhenFull.DROP));
    }
}
