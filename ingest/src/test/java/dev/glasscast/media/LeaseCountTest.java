package dev.glasscast.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaseCountTest {

    private final AtomicInteger letGo = new AtomicInteger();
    private final LeaseCount leases = new LeaseCount("a test buffer", letGo::incrementAndGet);

    @Test
    void theOwnersLeaseAloneLetsGoWhenReturned() {
        assertTrue(leases.isHeld());
        leases.release();
        assertEquals(1, letGo.get());
        assertFalse(leases.isHeld());
    }

    @Test
    void theLastLeaseLetsGoAndNoneCanBeTakenAfterIt() {
        assertTrue(leases.tryAcquire());
        leases.release();
        assertEquals(0, letGo.get(), "the owner still holds its lease");
        leases.release();
        assertEquals(1, letGo.get());
        assertFalse(leases.tryAcquire(), "a thing let go of is never resurrected");
        assertEquals(1, letGo.get());
    }

    @Test
    void returningALeaseTwiceIsABugAndNamesTheThing() {
        leases.release();
        IllegalStateException bug = assertThrows(IllegalStateException.class, leases::release);
        assertTrue(bug.getMessage().contains("a test buffer"), bug.getMessage());
        assertFalse(leases.tryAcquire());
        assertEquals(1, letGo.get());
    }

    @Test
    void racingReadersAndTheOwnerLetGoExactlyOnce() throws Exception {
        int readers = 4;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(go);
                for (int n = 0; n < 10_000; n++) {
                    if (leases.tryAcquire()) {
                        leases.release();
                    }
                }
            }));
        }
        go.countDown();
        leases.release();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(1, letGo.get());
        assertFalse(leases.isHeld());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
