package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.HandoffQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SourceEventTest {

    private static AccessUnit unit(long pts) {
        return new AccessUnit(1, pts, pts, 0, false, new byte[] {1});
    }

    private static boolean offered(HandoffQueue<SourceEvent> queue, AccessUnit unit) throws InterruptedException {
        return queue.offer(new SourceEvent.Unit(unit)) != HandoffQueue.Offer.REJECTED;
    }

    @Test
    void dropBeyondCapacityButNeverLifecycleEvents() throws Exception {
        HandoffQueue<SourceEvent> queue = SourceEvent.queue(2, TranscodeLimits.Overload.DROP);
        assertTrue(offered(queue, unit(0)));
        assertTrue(offered(queue, unit(1)));
        assertFalse(offered(queue, unit(2)));
        queue.signal(new SourceEvent.Discontinuity());
        queue.signal(new SourceEvent.End());
        assertInstanceOf(SourceEvent.Unit.class, queue.take());
        assertTrue(offered(queue, unit(3)), "taking a unit makes room");
        assertInstanceOf(SourceEvent.Unit.class, queue.take());
        assertInstanceOf(SourceEvent.Discontinuity.class, queue.take());
        assertInstanceOf(SourceEvent.End.class, queue.take());
        assertInstanceOf(SourceEvent.Unit.class, queue.take());
    }

    @Test
    void waitBlocksTheProducerUntilTheConsumerTakes() throws Exception {
        HandoffQueue<SourceEvent> queue = SourceEvent.queue(1, TranscodeLimits.Overload.WAIT);
        AccessUnit first = unit(0);
        AccessUnit second = unit(1);
        assertTrue(offered(queue, first));
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return offered(queue, second);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertSame(first, ((SourceEvent.Unit) queue.take()).unit());
        assertTrue(blocked.get(60, TimeUnit.SECONDS));
        assertSame(second, ((SourceEvent.Unit) queue.take()).unit());
    }
}
