package dev.glasscast.packager.window;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.MutableClock;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotWaitersTest {

    private static final TrackInfo VIDEO =
            TrackInfo.video(1, Codec.H264, 90_000, 640, 360, 30, 0, new byte[] {1, 0x64, 0, 0x1f});
    private static final StreamPath SOURCE = StreamPath.rendition("cam", "source");

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final SnapshotWaiters waiters = new SnapshotWaiters(executor);
    private final SegmentStore store = new SegmentStore(SegmentStoreLimits.of(new ConfigLoader().defaults().packaging()),
            PooledByteBufAllocator.DEFAULT, new MutableClock(Instant.parse("2026-12-06T00:00:00Z")), Duration.ofMinutes(1),
            FirstSequenceNumber.ZERO, waiters::published);
    private final StreamHub hub = new StreamHub();
    private final AutoCloseable registration = hub.addListener(store);

    @AfterEach
    void close() throws Exception {
        registration.close();
        store.close();
        executor.shutdownNow();
    }

    private void publish(int startSeconds, int seconds) throws Exception {
        try (StreamPublisher publisher = hub.publish(SOURCE)) {
            publisher.tracks(List.of(VIDEO));
            for (int frame = 0; frame < seconds * 30; frame++) {
                long dts = startSeconds * 90_000L + frame * 3000L;
                publisher.send(new AccessUnit(1, dts, dts, 0, frame % 60 == 0, new byte[] {0, 0, 0, 1, 5}));
            }
        }
    }

    @Test
    void aWaitOnAPublisherThatLeftLastsUntilTheNextPublicationReachesIt() throws Exception {
        publish(0, 4);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.find(SOURCE).map(s -> !s.ended()).orElse(true)) {
            assertTrue(System.nanoTime() < deadline, "the first publication to end");
            Thread.sleep(5);
        }
        long next = store.find(SOURCE).orElseThrow().nextSequence();

        // A blocking reload for the segment after the break, while the publisher is away.
        CompletableFuture<Optional<RenditionSnapshot>> waiting = waiters.await(store, SOURCE,
                s -> s.nextSequence() > next, Duration.ofSeconds(20)).toCompletableFuture();
        Thread.sleep(200);
        assertFalse(waiting.isDone(), "answered while the publisher was away: " + waiting.getNow(null));

        publish(0, 4);
        Optional<RenditionSnapshot> reached = waiting.get(10, TimeUnit.SECONDS);
        assertTrue(reached.isPresent() && reached.get().nextSequence() > next, "the reconnect's segment: " + reached);
    }
}
