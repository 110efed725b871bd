package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UnitQueueTest {

    private static AccessUnit unit(long pts) {
        return new AccessUnit(1, pts, pts, 0, false, new byte[] {1});
    }

    @Test
    void dropBeyondCapacityButNeverLifecycleEvents() throws Exception {
        UnitQueue queue = new UnitQueue(2, TranscodeLimits.Overload.DROP);
        assertTrue(queue.offer(unit(0)));
        assertTrue(queue.offer(unit(1)));
        assertFalse(queue.offer(unit(2)));
        queue.control(new UnitQueue.Discontinuity());
        queue.control(new UnitQueue.End());
        assertInstanceOf(UnitQueue.Unit.class, queue.take());
        assertTrue(queue.offer(unit(3)), "taking a unit makes room");
        assertInstanceOf(UnitQueue.Unit.class, queue.take());
        assertInstanceOf(UnitQueue.Discontinuity.class, queue.take());
        assertInstanceOf(UnitQueue.End.class, queue.take());
        assertInstanceOf(UnitQueue.Unit.class, queue.take());
    }

    @Test
    void waitBlocksTheProducerUntilTheConsumerTakes() throws Exception {
        UnitQueue queue = new UnitQueue(1, TranscodeLimits.Overload.WAIT);
        AccessUnit first = unit(0);
        AccessUnit second = unit(1);
        assertTrue(queue.offer(first));
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.offer(second);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertSame(first, ((UnitQueue.Unit) queue.take()).unit());
        assertTrue(blocked.get(60, TimeUnit.SECONDS));
        assertSame(second, ((UnitQueue.Unit) queue.take()).unit());
    }
}
