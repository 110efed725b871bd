package dev.glasscast.packager.store;

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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Readers take segment bodies from snapshots while the writer evicts as fast as it can: every
 * body a reader gets must be intact, and nothing may leak.
 */
class SegmentStoreConcurrencyTest {

    private static final TrackInfo VIDEO =
            TrackInfo.video(1, Codec.H264, 90_000, 640, 360, 30, 0, new byte[] {1, 0x64, 0, 0x1f});

    @Test
    void readersNeverSeeRecycledBytes() throws Exception {
        try (NettyLeakWatch leaks = new NettyLeakWatch()) {
            SegmentStoreLimits limits = new SegmentStoreLimits(Duration.ofMillis(100), Duration.ofMillis(33), 2,
                    Duration.ZERO);
            RenditionSegmenter segmenter = new RenditionSegmenter(StreamPath.rendition("cam", "source"), limits,
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
                                assertEquals("moof", body.toString(4, 4, StandardCharsets.US_ASCII));
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
            byte[] frame = new byte[2000];
            for (int i = 0; i < 3_000 && failure.get() == null; i++) {
                long dts = i * 3000L;
                segmenter.onAccessUnit(new AccessUnit(1, dts, dts, 0, i % 3 == 0, frame));
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
