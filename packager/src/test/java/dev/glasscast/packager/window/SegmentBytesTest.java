package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes in memory and on disk read back the same, and bytes bound for a socket come back in a
 * direct buffer: Netty copies a heap buffer into a direct one on every write, which for a cached
 * 1 MB segment served from a recording was half the CPU each request took.
 */
class SegmentBytesTest {

    private static final ByteBufAllocator POOLED_DIRECT = new PooledByteBufAllocator(true);

    @TempDir
    Path dir;

    @Test
    void bytesInMemoryAreHandedOutAsReadOnlyViewsOfTheSameBuffer() {
        ByteBuf stored = POOLED_DIRECT.directBuffer().writeBytes(pattern(1000));
        SegmentBytes bytes = new SegmentBytes(stored);
        ByteBuf slice = bytes.retainedSlice(POOLED_DIRECT);
        try {
            assertTrue(slice.isReadOnly());
            assertTrue(slice.isDirect(), "no copy on the way to a socket");
            assertEquals(stored.memoryAddress(), slice.memoryAddress(), "a view, not a copy");
            assertTrue(Arrays.equals(pattern(1000), ByteBufUtil.getBytes(slice)));
        } finally {
            slice.release();
        }
        bytes.release();
        assertFalse(bytes.isLive());
        assertEquals(0, stored.refCnt(), "released once the store and every reader let go");
        assertNull(bytes.retainedSlice(), "nothing after release");
    }

    @Test
    void bytesOnDiskAreReadIntoTheCallersAllocatorOrTheHeap() throws Exception {
        Path file = dir.resolve("seg.m4s");
        byte[] content = pattern(300_000);
        Files.write(file, content);
        SegmentBytes bytes = SegmentBytes.onDisk(file, 1000, 200_000);
        assertFalse(bytes.inMemory());

        ByteBuf forSocket = bytes.retainedSlice(POOLED_DIRECT);
        ByteBuf forParser = bytes.retainedSlice();
        try {
            assertTrue(forSocket.isDirect(), "read straight into a direct buffer");
            assertFalse(forParser.isDirect());
            byte[] expected = Arrays.copyOfRange(content, 1000, 201_000);
            assertTrue(Arrays.equals(expected, ByteBufUtil.getBytes(forSocket)));
            assertTrue(Arrays.equals(expected, ByteBufUtil.getBytes(forParser)));
            assertTrue(forSocket.isReadOnly() && forParser.isReadOnly());
        } finally {
            forSocket.release();
            forParser.release();
        }
    }

    @Test
    void aFileShorterThanRecordedOrGoneReadsAsNothing() throws Exception {
        Path file = dir.resolve("short.m4s");
        Files.write(file, pattern(100));
        // The leak detector (paranoid in the tests) reports the buffer if the failed read kept it.
        assertNull(SegmentBytes.onDisk(file, 50, 100).retainedSlice(POOLED_DIRECT));
        assertNull(SegmentBytes.onDisk(dir.resolve("gone.m4s"), 0, 10).retainedSlice(POOLED_DIRECT));
    }

    @Test
    void aSegmentOfDirectPartsIsDirectAsAWhole() {
        // What MediaSegment.retainedBody builds: a composite of read-only part slices.
        SegmentBytes first = new SegmentBytes(POOLED_DIRECT.directBuffer().writeBytes(pattern(500)));
        SegmentBytes second = new SegmentBytes(POOLED_DIRECT.directBuffer().writeBytes(pattern(700)));
        CompositeByteBuf composite = POOLED_DIRECT.compositeBuffer(2);
        composite.addComponent(true, first.retainedSlice(POOLED_DIRECT));
        composite.addComponent(true, second.retainedSlice(POOLED_DIRECT));
        ByteBuf body = composite.asReadOnly().retainedDuplicate();
        composite.release();
        try {
            assertTrue(body.isDirect(), "Netty writes it without copying");
            assertEquals(1200, body.readableBytes());
        } finally {
            body.release();
            first.release();
            second.release();
        }
    }

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + i / 251);
        }
        return bytes;
    }
}
