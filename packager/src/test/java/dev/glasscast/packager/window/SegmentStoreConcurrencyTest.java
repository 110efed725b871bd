package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.NettyLeakWatch;
import dev.glasscast.packager.fmp4.Fmp4FragmentWriter;
import dev.glasscast.packager.fmp4.Fmp4InitSegmentWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Readers take segment bodies from snapshots while the writer evicts as fast as it can: every
 * body a reader gets must be intact, and nothing may leak.
 *
 * <p>Every frame carries its own number in every byte, and a body is checked against its
 * segment's metadata (kept outside the buffer): the {@code tfdt} of each fragment is a time inside
 * the segment and each {@code mdat} holds exactly the frames of that time. A buffer recycled by the
 * pool while a reader still holds it holds another segment's fragments, well formed but of another
 * time, so it fails here; with identical frames it would not.
 */
class SegmentStoreConcurrencyTest {

    private static final TrackInfo VIDEO =
            TrackInfo.video(1, Codec.H264, 90_000, 640, 360, 30, 0, new byte[] {1, 0x64, 0, 0x1f});

    private static final int FRAMES = 3_000;
    private static final long FRAME_DURATION = 3000;
    private static final int FRAME_SIZE = 2000;

    /** Frame {@code i}: its number in the first four bytes, its low byte in all the others. */
    private static byte[] frame(int i) {
        byte[] frame = new byte[FRAME_SIZE];
        Arrays.fill(frame, (byte) i);
        ByteBuffer.wrap(frame).putInt(i);
        return frame;
    }

    /**
     * Walks the body's boxes: each {@code moof}'s {@code tfdt} lies within the segment (its
     * metadata is not in the buffer, so a recycled buffer cannot agree with it by accident), and
     * the {@code mdat} after it holds exactly the frames from that decode time on.
     */
    private static void assertFramesOfItsTime(MediaSegment segment, ByteBuf body) {
        int offset = body.readerIndex();
        int end = body.writerIndex();
        long expectedTime = segment.startTime();
        int fragments = 0;
        while (offset < end) {
            int size = body.getInt(offset);
            String type = body.toString(offset + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("moof")) {
                long tfdt = tfdt(body, offset, size);
                assertEquals(expectedTime, tfdt, "segment " + segment.sequence() + ": fragment " + fragments
                        + " starts where the one before ended (segment starts at " + segment.startTime() + ")");
                fragments++;
            } else if (type.equals("mdat")) {
                int payload = size - 8;
                assertEquals(0, payload % FRAME_SIZE, "whole frames in mdat");
                for (int f = 0; f < payload / FRAME_SIZE; f++) {
                    int number = (int) (expectedTime / FRAME_DURATION);
                    byte[] actual = new byte[FRAME_SIZE];
                    body.getBytes(offset + 8 + f * FRAME_SIZE, actual);
                    assertArrayEquals(frame(number), actual, "segment " + segment.sequence() + ": frame " + number);
                    expectedTime += FRAME_DURATION;
                }
            }
            offset += size;
        }
        assertTrue(fragments > 0, "segment " + segment.sequence() + " has fragments");
        assertEquals(segment.startTime() + segment.duration(), expectedTime,
                "segment " + segment.sequence() + ": its frames fill its duration");
    }

    /** The baseMediaDecodeTime of the tfdt box inside the moof at {@code moof}. */
    private static long tfdt(ByteBuf body, int moof, int moofSize) {
        for (int i = moof + 8; i + 8 <= moof + moofSize; i++) {
            if (body.getByte(i) == 't' && body.toString(i, 4, StandardCharsets.US_ASCII).equals("tfdt")) {
                int version = body.getUnsignedByte(i + 4);
                return version == 1 ? body.getLong(i + 8) : body.getUnsignedInt(i + 8);
            }
        }
        throw new AssertionError("no tfdt in moof");
    }

    @Test
    void readersNeverSeeRecycledBytes() throws Exception {
        try (NettyLeakWatch leaks = new NettyLeakWatch()) {
            SegmentStoreLimits limits = new SegmentStoreLimits(Duration.ofMillis(100), Duration.ofMillis(33), 2,
                    Duration.ZERO);
            LiveRendition segmenter = new LiveRendition(StreamPath.rendition("cam", "source"), limits,
                    new Fmp4InitSegmentWriter(PooledByteBufAllocator.DEFAULT),
                    new Fmp4FragmentWriter(PooledByteBufAllocator.DEFAULT), Clock.systemUTC(), 0, 0, false);
            segmenter.onTracks(List.of(VIDEO));

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong served = new AtomicLong();
            AtomicLong evictedMeanwhile = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Runnable reader = () -> {
                try {
                    while (writing.get()) {
                        RenditionSnapshot snapshot = segmenter.snapshot();
                        for (MediaSegment segment : snapshot.segments()) {
                            ByteBuf body = segment.retainedBody(PooledByteBufAllocator.DEFAULT);
                            if (body == null) {
                                evictedMeanwhile.incrementAndGet();
                                continue;
                            }
                            try {
                                assertEquals(segment.size(), body.readableBytes());
                                assertFramesOfItsTime(segment, body);
                                served.incrementAndGet();
                            } finally {
                                body.release();
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            };
            Thread first = Thread.ofPlatform().start(reader);
            Thread second = Thread.ofPlatform().start(reader);
            for (int i = 0; i < FRAMES && failure.get() == null; i++) {
                long dts = i * FRAME_DURATION;
                segmenter.onAccessUnit(new AccessUnit(1, dts, dts, 0, i % 3 == 0, frame(i)));
            }
            writing.set(false);
            first.join();
            second.join();
            segmenter.release();

            if (failure.get() != null) {
                throw new AssertionError("reader failed", failure.get());
            }
            assertTrue(served.get() > 0, "readers got segments");
            assertEquals(List.of(), leaks.leaks());
            System.out.println("served " + served + ", evicted under the reader " + evictedMeanwhile);
        }
    }
}
