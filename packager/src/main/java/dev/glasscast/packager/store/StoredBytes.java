package dev.glasscast.packager.store;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bytes the store keeps (an init segment or one part), safe to read from any thread while the
 * store may evict them at any moment.
 *
 * <p>Why not hand out the pooled buffer directly: a released pooled {@link ByteBuf} object is
 * recycled for another allocation, so a reader that calls {@code retain()} on a buffer the store
 * has just evicted could pin someone else's bytes. This holder keeps its own count of users; a
 * reader briefly becomes one, takes a retained slice (a Netty reference of its own), and leaves.
 * Once the store has let go and no reader is inside, the buffer is released exactly once.
 *
 * <p>Buffer ownership: the holder owns one reference to {@code buffer} from construction until
 * {@link #release()}; slices handed out own their own reference.
 */
public final class StoredBytes {

    private final ByteBuf buffer;
    private final int size;
    /** 1 for the store plus one per reader currently taking a slice; 0 once released. */
    private final AtomicInteger users = new AtomicInteger(1);

    /** @param buffer the bytes from its reader index to its writer index; ownership passes to this holder */
    public StoredBytes(ByteBuf buffer) {
        this.buffer = buffer;
        this.size = buffer.readableBytes();
    }

    public int size() {
        return size;
    }

    /**
     * A read-only view of the bytes with a reference of its own, or {@code null} if the store has
     * already let go of them. The caller owns the returned slice and must release it.
     */
    public ByteBuf retainedSlice() {
        int current;
        do {
            current = users.get();
            if (current == 0) {
                return null;
            }
        } while (!users.compareAndSet(current, current + 1));
        try {
            return buffer.retainedSlice().asReadOnly();
        } finally {
            leave();
        }
    }

    /** True until {@link #release()} has been called and no reader is inside. */
    public boolean isLive() {
        return users.get() > 0;
    }

    /** Lets go of the store's reference; call exactly once. */
    void release() {
        leave();
    }

    private void leave() {
        if (users.decrementAndGet() == 0) {
            buffer.release();
        }
    }
}
