package dev.glasscast.packager;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak assertions of the other tests are only worth something if a real leak shows up. */
class NettyLeakWatchTest {

    @Test
    void reportsABufferThatWasNeverReleased() throws InterruptedException {
        try (NettyLeakWatch watch = new NettyLeakWatch(true)) {
            leakOne();
            assertFalse(watch.leaks().isEmpty(), "a leaked buffer is reported");
        }
    }

    private static void leakOne() {
        PooledByteBufAllocator.DEFAULT.buffer(64).writeInt(42);
    }
}
