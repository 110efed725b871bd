package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.PackagingConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.MutableClock;
import dev.glasscast.packager.NettyLeakWatch;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SegmentStoreTest {

    private static final TrackInfo VIDEO =
            TrackInfo.video(1, Codec.H264, 90_000, 640, 360, 30, 0, new byte[] {1, 0x64, 0, 0x1f});
    private static final StreamPath SOURCE = StreamPath.rendition("cam", "source");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final PackagingConfig packaging = new ConfigLoader().defaults().packaging();
    private final SegmentStore store = new SegmentStore(SegmentStoreLimits.of(packaging),
            PooledByteBufAllocator.DEFAULT, clock, Duration.ofMinutes(1));
    private final StreamHub hub = new StreamHub(10_000, clock);

    private AutoCloseable registration;

    @BeforeEach
    void register() {
        registration = hub.addListener(store);
    }

    @AfterEach
    void close() throws Exception {
        registration.close();
        store.close();
    }

    /** Publishes {@code seconds} of 30 fps video with 2 s GOPs starting at {@code startSeconds}, then stops. */
    private void publishVideo(StreamPath path, int startSeconds, int seconds) throws Exception {
        try (StreamPublisher publisher = hub.publish(path)) {
            publisher.tracks(List.of(VIDEO));
            for (int frame = 0; frame < seconds * 30; frame++) {
                long dts = startSeconds * 90_000L + frame * 3000L;
                publisher.send(new AccessUnit(1, dts, dts, 0, frame % 60 == 0, new byte[] {0, 0, 0, 1, 5}));
            }
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

    private boolean ended(StreamPath path, int segments) {
        return store.find(path).map(s -> s.ended() && s.segments().size() == segments).orElse(false);
    }

    @Test
    void keepsRenditionsButNotSources() throws Exception {
        publishVideo(StreamPath.source("cam"), 0, 2);
        publishVideo(SOURCE, 0, 4);
        await(() -> ended(SOURCE, 2), "two segments");
        assertTrue(store.find(StreamPath.source("cam")).isEmpty());
        assertEquals(List.of(SOURCE), store.renditions("cam").stream().map(RenditionSnapshot::path).toList());
        assertTrue(store.renditions("other").isEmpty());
        assertTrue(store.storedBytes() > 0);
    }

    @Test
    void republishingContinuesTheMediaSequenceAfterADiscontinuity() throws Exception {
        publishVideo(SOURCE, 0, 4);
        await(() -> ended(SOURCE, 2), "first publication");
        RenditionSnapshot first = store.find(SOURCE).orElseThrow();

        publishVideo(SOURCE, 0, 2);
        await(() -> ended(SOURCE, 3), "second publication after the first one's segments");
        RenditionSnapshot both = store.find(SOURCE).orElseThrow();
        MediaSegment segment = both.segments().getLast();
        assertEquals(2, segment.sequence(), "no segment URL is reused");
        assertTrue(segment.discontinuity());
        assertEquals(1, segment.discontinuitySequence());
        assertEquals(List.of(0L, 2L), both.inits().stream().map(InitSegment::firstSequence).toList());
        assertTrue(first.init().isLive(), "the first publication's init serves its segments still held");
        assertSame(first.init(), both.initFor(1).bytes());
        assertNotSame(first.init(), both.initFor(2).bytes());
    }

    @Test
    void aNewPublicationKeepsServingTheHandedOverSegmentsUntilItsTracksAreKnown() throws Exception {
        publishVideo(SOURCE, 0, 4);
        await(() -> ended(SOURCE, 2), "first publication");

        try (StreamPublisher publisher = hub.publish(SOURCE)) {
            // Reconnected, its tracks not announced yet: a player reloading the playlist must not get a 404.
            RenditionSnapshot between = store.find(SOURCE).orElseThrow();
            assertFalse(between.ended());
            assertEquals(2, between.segments().size());
            assertEquals(2, between.nextSequence());
            assertEquals(List.of(SOURCE), store.renditions("cam").stream().map(RenditionSnapshot::path).toList());
        }
    }

    @Test
    void endedRenditionsExpireAfterTheRetention() throws Exception {
        try (NettyLeakWatch leaks = new NettyLeakWatch()) {
            publishVideo(SOURCE, 0, 2);
            await(() -> ended(SOURCE, 1), "the publication to end");
            store.purgeExpired();
            assertTrue(store.find(SOURCE).isPresent(), "still within the retention");
            clock.advance(Duration.ofMinutes(2));
            store.purgeExpired();
            assertTrue(store.find(SOURCE).isEmpty());
            assertEquals(0, store.storedBytes());
            assertEquals(List.of(), leaks.leaks());
        }
    }
}
