package dev.glasscast.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One origin render under way and the requests waiting for it. Lives in the edge cache's
 * in-flight map from the moment the first request misses until the render finishes; a request
 * for the same key in that time joins it instead of rendering again.
 *
 * <p>Waiters are added only while the flight is in the map (under the map's per-key lock), and
 * the flight is removed from the map before {@link #closeAndTakeWaiters()}, so the list taken is
 * final: no waiter can join after the responses were handed out.
 */
final class InFlightRender {

    /** Why the render was started; decides the outcome reported to the first waiter. */
    enum Cause {
        /** A request missed; the first waiter is that request. */
        MISS,
        /** A stale hit started a background refresh; nobody waited at first. */
        REVALIDATION
    }

    private enum State { OPEN, CLOSED }

    private final String key;
    private final Cause cause;
    private final List<CompletableFuture<EdgeResponse>> waiters = new ArrayList<>();
    private State state = State.OPEN;

    InFlightRender(String key, Cause cause) {
        this.key = key;
        this.cause = cause;
    }

    String key() {
        return key;
    }

    Cause cause() {
        return cause;
    }

    synchronized void addWaiter(CompletableFuture<EdgeResponse> waiter) {
        if (state != State.OPEN) {
            throw new IllegalStateException("render of " + key + " already finished");
        }
        waiters.add(waiter);
    }

    /** Closes the flight to new waiters and returns those it has, in arrival order. */
    synchronized List<CompletableFuture<EdgeResponse>> closeAndTakeWaiters() {
        state = State.CLOSED;
        return List.copyOf(waiters);
    }
}
