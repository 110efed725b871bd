package dev.glasscast.transcode;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue between the hub's reader thread and a stream's decode (or audio) thread: access
 * units, bounded, and lifecycle events, never dropped. Access units are immutable, so there is
 * nothing to release when one is dropped.
 */
final class UnitQueue {

    sealed interface Event permits Track, Unit, Discontinuity, End {
    }

    /** The track to decode from now on (the first, or a changed one). */
    record Track(TrackInfo track) implements Event {
    }

    record Unit(AccessUnit unit) implements Event {
    }

    record Discontinuity() implements Event {
    }

    record End() implements Event {
    }

    private final int capacity;
    private final TranscodeLimits.Overload overload;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int units;

    UnitQueue(int capacity, TranscodeLimits.Overload overload) {
        this.capacity = capacity;
        this.overload = overload;
    }

    /** @return false if the queue was full and the unit was dropped */
    boolean offer(AccessUnit unit) throws InterruptedException {
        lock.lock();
        try {
            if (overload == TranscodeLimits.Overload.WAIT) {
                while (units >= capacity) {
                    notFull.await();
                }
            } else if (units >= capacity) {
                return false;
            }
            events.addLast(new Unit(unit));
            units++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    void control(Event event) {
        lock.lock();
        try {
            events.addLast(event);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    Event take() throws InterruptedException {
        lock.lock();
        try {
            while (events.isEmpty()) {
                notEmpty.await();
            }
            Event event = events.removeFirst();
            if (event instanceof Unit) {
                units--;
                notFull.signal();
            }
            return event;
        } finally {
            lock.unlock();
        }
    }
}
