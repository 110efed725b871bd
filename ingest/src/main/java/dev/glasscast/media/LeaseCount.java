package dev.glasscast.media;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the holders of something shared that must be let go exactly once (a pooled buffer, an
 * open file): the owner holds the first lease from construction, every other user takes one
 * while it uses the thing, and the last lease returned runs {@code onLastReturned}.
 *
 * <p>Why not Netty's reference count on the thing itself: a released pooled {@code ByteBuf} is
 * recycled into somebody else's allocation, where a late {@code retain()} would succeed and pin
 * or corrupt bytes that are no longer ours. {@link #tryAcquire()} fails instead once the count
 * has reached zero, so nothing is ever resurrected. (Netty's {@code AbstractReferenceCounted}
 * throws on a retain after the end rather than answering no, which would make every lost race
 * an exception.) The stores of segment bytes and of cached objects, and the HTTP layer's open
 * files, share this one count.
 *
 * <p>Thread-safe and lock-free: any thread may acquire and return.
 */
public final class LeaseCount {

    private final AtomicInteger leases = new AtomicInteger(1);
    private final String what;
    private final Runnable onLastReturned;

    /**
     * Starts with one lease, the owner's.
     *
     * @param what           names the shared thing in the message of a lease returned twice
     * @param onLastReturned lets go of the thing; runs once, on the thread returning the last lease
     */
    public LeaseCount(String what, Runnable onLastReturned) {
        this.what = what;
        this.onLastReturned = onLastReturned;
    }

    /** Takes a lease unless the last one was already returned (the thing is then gone). */
    public boolean tryAcquire() {
        int current;
        do {
            current = leases.get();
            if (current <= 0) {
                return false;
            }
        } while (!leases.compareAndSet(current, current + 1));
        return true;
    }

    /**
     * Returns a lease; the last one lets go of the thing.
     *
     * @throws IllegalStateException when more leases are returned than were taken
     */
    public void release() {
        int left = leases.decrementAndGet();
        if (left == 0) {
            onLastReturned.run();
        } else if (left < 0) {
            throw new IllegalStateException("lease of " + what + " returned twice");
        }
    }

    /** True until the last lease has been returned. */
    public boolean isHeld() {
        return leases.get() > 0;
    }
}
