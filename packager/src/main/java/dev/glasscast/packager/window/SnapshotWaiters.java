package dev.glasscast.packager.window;

import dev.glasscast.media.StreamPath;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Requests waiting for a rendition to reach some state (an LL-HLS blocking playlist reload
 * waiting for a part, a preload-hinted part being fetched): a registry the store completes as it
 * publishes snapshots, so no thread ever waits.
 *
 * <p>Wiring: pass {@link #published} to the {@link SegmentStore} as its publish listener, and
 * this object to the renderers that wait. Completions run on {@code executor}, never on the
 * publishing thread (which holds the rendition's lock).
 */
public final class SnapshotWaiters {

    private record Waiter(RenditionLookup lookup, Predicate<RenditionSnapshot> ready,
                          CompletableFuture<Optional<RenditionSnapshot>> result) {
    }

    private final ScheduledExecutorService executor;
    private final ConcurrentHashMap<StreamPath, Queue<Waiter>> waiting = new ConcurrentHashMap<>();

    /** @param executor runs completions and times waits out (the daemon passes its I/O event loops) */
    public SnapshotWaiters(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Completes with the first snapshot of {@code path} that is {@code ready} or ended (checked
     * against {@code lookup} now, then against every snapshot published), or with empty after
     * {@code timeout}. An ended snapshot answers at once even within a reconnect grace: holding
     * the request through the gap, as RFC 8216bis would allow, made hls.js 1.7 time its playlist
     * loads out (levelLoadTimeOut: it gives a blocking reload max(3 part targets, 0.8 target
     * durations), 1.6 s at the defaults) across a reconnect.
     */
    public CompletionStage<Optional<RenditionSnapshot>> await(RenditionLookup lookup, StreamPath path,
                                                             Predicate<RenditionSnapshot> ready, Duration timeout) {
        Predicate<RenditionSnapshot> done = ready.or(RenditionSnapshot::ended);
        Optional<RenditionSnapshot> now = lookup.find(path);
        if (now.isPresent() && done.test(now.get())) {
            return CompletableFuture.completedFuture(now);
        }
        Waiter waiter = new Waiter(lookup, done, new CompletableFuture<>());
        Queue<Waiter> queue = waiting.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>());
        queue.add(waiter);
        // A snapshot published between the look above and joining the queue would be missed.
        Optional<RenditionSnapshot> again = lookup.find(path);
        if (again.isPresent() && done.test(again.get()) && queue.remove(waiter)) {
            return CompletableFuture.completedFuture(again);
        }
        ScheduledFuture<?> expiry = executor.schedule(() -> {
            if (queue.remove(waiter)) {
                waiter.result().complete(Optional.empty());
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        waiter.result().whenComplete((r, e) -> expiry.cancel(false));
        return waiter.result();
    }

    /**
     * Completes, on the executor, the waiters that the snapshot's publication satisfies: those of
     * its rendition, and those of the stream's other renditions, each as its own lookup then sees
     * it (a lookup such as {@link AlignedLiveEdges} lists one rendition only as far as the others
     * reach, so a part of one can become listed when another is published).
     */
    public void published(RenditionSnapshot snapshot) {
        String stream = snapshot.path().stream();
        for (Map.Entry<StreamPath, Queue<Waiter>> entry : waiting.entrySet()) {
            if (!entry.getValue().isEmpty() && entry.getKey().stream().equals(stream)) {
                executor.execute(() -> completeReady(stream));
                return;
            }
        }
    }

    private void completeReady(String stream) {
        for (Map.Entry<StreamPath, Queue<Waiter>> entry : waiting.entrySet()) {
            if (!entry.getKey().stream().equals(stream)) {
                continue;
            }
            Queue<Waiter> queue = entry.getValue();
            // Waiters of one path share a lookup or two: each is asked once, not once per waiter.
            Map<RenditionLookup, Optional<RenditionSnapshot>> seenBy = new IdentityHashMap<>(2);
            for (Waiter waiter : queue) {
                Optional<RenditionSnapshot> seen = seenBy.computeIfAbsent(waiter.lookup(), l -> l.find(entry.getKey()));
                if (seen.isPresent() && waiter.ready().test(seen.get()) && queue.remove(waiter)) {
                    waiter.result().complete(seen);
                }
            }
        }
    }

    /** Requests waiting now, for tests and metrics. */
    public int waiting() {
        return waiting.values().stream().mapToInt(Queue::size).sum();
    }
}
