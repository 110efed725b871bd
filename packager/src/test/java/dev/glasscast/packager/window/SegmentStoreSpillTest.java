package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.MutableClock;
import dev.glasscast.packager.NettyLeakWatch;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.TestOrigins;
import dev.glasscast.packager.recording.RecordingArchive;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DVR window beyond the memory window is served from the recording, byte for byte. */
class SegmentStoreSpillTest {

    private static final TrackInfo VIDEO =
            TrackInfo.video(1, Codec.H264, 90_000, 640, 360, 30, 0, new byte[] {1, 0x64, 0, 0x1f});
    private static final StreamPath PATH = StreamPath.rendition("cam", "low");

    @TempDir
    Path dir;

    @Test
    void segmentsThatLeftMemoryAreServedFromTheRecordingWithTheSameBytes() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        SegmentStoreLimits limits = new SegmentStoreLimits(Duration.ofSeconds(2), Duration.ofMillis(500), 2,
                Duration.ofSeconds(60), 3);
        AtomicInteger diskReads = new AtomicInteger();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        StreamHub hub = new StreamHub(10_000, clock);
        try (NettyLeakWatch leaks = new NettyLeakWatch();
             RecordingArchive archive = new RecordingArchive(dir, 64, clock);
             SegmentStore store = new SegmentStore(limits, PooledByteBufAllocator.DEFAULT, clock, Duration.ofMinutes(1),
                     FirstSequenceNumber.ZERO, snapshot -> { }, archive);
             AutoCloseable registration = hub.addListener(store)) {
            MediaOrigin origin = TestOrigins.over(store, clock, task -> {
                        diskReads.incrementAndGet();
                        reader.execute(task);
                    });
            Map<Long, byte[]> servedFromMemory = new HashMap<>();
            try (StreamPublisher publisher = hub.publish(PATH)) {
                publisher.tracks(List.of(VIDEO));
                for (int gop = 0; gop < 10; gop++) {
                    for (int frame = 0; frame < 60; frame++) {
                        long dts = (gop * 60L + frame) * 3000L;
                        publisher.send(new AccessUnit(1, dts, dts, 0, frame == 0,
                                new byte[] {0, 0, 0, 1, 5, (byte) gop, (byte) frame}));
                    }
                    long closed = gop;
                    await(() -> store.find(PATH).map(s -> s.nextSequence() >= closed).orElse(false), "segment " + gop);
                    // Everything in memory now is what a viewer got before it was spilled.
                    for (MediaSegment segment : store.find(PATH).orElseThrow().segments()) {
                        if (segment.inMemory()) {
                            servedFromMemory.putIfAbsent(segment.sequence(), served(origin, segment.sequence()));
                        }
                    }
                    archive.flush();
                }
            }
            await(() -> store.find(PATH).map(RenditionSnapshot::ended).orElse(false), "the end");
            for (MediaSegment segment : store.find(PATH).orElseThrow().segments()) {
                if (segment.inMemory()) {
                    servedFromMemory.putIfAbsent(segment.sequence(), served(origin, segment.sequence()));
                }
            }
            archive.flush();

            RenditionSnapshot now = store.find(PATH).orElseThrow();
            assertEquals(10, now.segments().size(), "the DVR window holds them all");
            long inMemory = now.segments().stream().filter(MediaSegment::inMemory).count();
            assertEquals(3, inMemory, "only the memory window stays in memory");
            for (MediaSegment segment : now.segments().subList(0, 7)) {
                assertFalse(segment.inMemory(), "segment " + segment.sequence() + " spilled");
            }
            long memoryBytes = now.segments().subList(7, 10).stream().mapToLong(MediaSegment::size).sum();
            assertTrue(store.storedBytes() < memoryBytes + 2_000, "spilled bytes left memory: " + store.storedBytes());
            int before = diskReads.get();
            for (MediaSegment segment : now.segments()) {
                byte[] expected = servedFromMemory.get(segment.sequence());
                assertArrayEquals(expected, served(origin, segment.sequence()), "segment " + segment.sequence());
                io.netty.buffer.ByteBuf direct = body(segment);
                try {
                    assertArrayEquals(expected, ByteBufUtil.getBytes(direct));
                } finally {
                    direct.release();
                }
            }
            assertEquals(before + 7, diskReads.get(), "spilled segments are read on the disk executor");
            assertEquals(List.of(), leaks.leaks());
        } finally {
            reader.shutdownNow();
            reader.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static io.netty.buffer.ByteBuf body(MediaSegment segment) {
        return segment.retainedBody(UnpooledByteBufAllocator.DEFAULT);
    }

    private static byte[] served(MediaOrigin origin, long sequence) throws Exception {
        OriginResponse response = origin.render(OriginRequest.of("cam", "low", "seg" + sequence + ".m4s"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(200, response.status(), "seg" + sequence);
        try {
            return ByteBufUtil.getBytes(response.body());
        } finally {
            response.body().release();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
