package dev.glasscast.ingest.fuzz;

import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * A heap allocator whose live bytes can be read back, so a fuzz target can tell a leaked buffer
 * the moment its input ends instead of waiting for the leak detector's next GC.
 */
final class CountingAllocator {

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);

    UnpooledByteBufAllocator allocator() {
        return allocator;
    }

    /** Bytes of buffers allocated here and not yet released. */
    long liveBytes() {
        return allocator.metric().usedHeapMemory();
    }
}
