package dev.glasscast.media;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Hands a stream's media from one thread to the next: a frame crosses one of these from the
 * ingest thread to each hub reader ({@link StreamHub}), from the reader to the transcoder's
 * decode and audio threads, and from the decode thread to each rung's encoder. Media is bounded
 * because whatever waits here is late by that much; lifecycle signals (tracks, discontinuity,
 * end) are not, because losing one would leave the consumer decoding with the wrong
 * configuration or waiting for an end that never comes. They are few: one per track change,
 * break or end.
 *
 * <p>Policy, fixed per queue by its constructor:
 * <ul>
 *   <li>bound: {@code capacity} media items; signals do not count;</li>
 *   <li>when full: {@link WhenFull#DROP} rejects the newcomer unless the {@link Eviction}
 *       names a waiting item to give way for it; {@link WhenFull#WAIT} blocks the producer
 *       until the consumer takes (offline work only: a live producer, and above all a Netty
 *       event loop, must never wait here);</li>
 *   <li>waking: a consumer blocked in {@link #take()} wakes on any offer or signal; a producer
 *       waiting for room wakes when media is taken or the queue cleared;</li>
 *   <li>ends: by a signal the consumer recognises (its own end event), queued behind the media
 *       already offered, so the consumer drains before it ends. The queue itself never closes.</li>
 * </ul>
 *
 * <p>Threads and ownership: any number of producer threads offer and signal, one consumer
 * thread takes. An offered item belongs to the queue from a queued offer until {@link #take()}
 * hands it to the consumer; a rejected item stays with the producer. Items the queue gives up
 * on its own (evicted for a newcomer, or left at {@link #clear()}) go to {@code release}, for
 * items holding native memory; immutable items need none.
 *
 * @param <E> what crosses: the consumer's own event type, media and signals alike
 */
public final class HandoffQueue<E> {

    /** What a producer does when the queue holds {@code capacity} media items. */
    public enum WhenFull {
        /** Reject (or evict for) the newcomer; never stall the producer (live). */
        DROP,
        /** Block the producer until there is room (offline work, where every frame must come out). */
        WAIT
    }

    public enum Offer {
        QUEUED,
        /** Queued, after releasing a waiting item the {@link Eviction} chose. */
        QUEUED_AFTER_EVICTION,
        /** Not queued: the queue is full; the caller still owns the item. */
        REJECTED
    }

    /** Under {@link WhenFull#DROP}, which waiting media item gives way to a newcomer. */
    @FunctionalInterface
    public interface Eviction<E> {
        /**
         * @param newcomer the item offered to a full queue
         * @param waiting  the media items waiting, oldest first
         * @return one of {@code waiting} to release instead, or null to reject the newcomer
         */
        E victim(E newcomer, List<E> waiting);
    }

    private record Entry<E>(E item, boolean media) {
    }

    private final int capacity;
    private final WhenFull whenFull;
    private final Eviction<E> eviction;
    private final Consumer<? super E> release;
    private final ArrayDeque<Entry<E>> entries = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int media;

    /**
     * @param capacity media items held at the most
     * @param whenFull what a full queue does to a producer
     * @param eviction under {@link WhenFull#DROP}, what gives way to a newcomer
     * @param release  takes items the queue gives up on its own (evicted, cleared)
     */
    public HandoffQueue(int capacity, WhenFull whenFull, Eviction<E> eviction, Consumer<? super E> release) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.whenFull = whenFull;
        this.eviction = eviction;
        this.release = release;
    }

    /** A queue of immutable items that rejects newcomers when full under {@link WhenFull#DROP}. */
    public HandoffQueue(int capacity, WhenFull whenFull) {
        this(capacity, whenFull, (newcomer, waiting) -> null, item -> {
        });
    }

    /**
     * Offers one media item, bounded by the queue's policy.
     *
     * @throws InterruptedException only under {@link WhenFull#WAIT}, while waiting for room
     */
    public Offer offer(E item) throws InterruptedException {
        lock.lock();
        try {
            if (whenFull == WhenFull.WAIT) {
                while (media >= capacity) {
                    notFull.await();
                }
            }
            Offer result = Offer.QUEUED;
            if (media >= capacity) {
                E victim = eviction.victim(item, waitingMedia());
                if (victim == null) {
                    return Offer.REJECTED;
                }
                evict(victim);
                result = Offer.QUEUED_AFTER_EVICTION;
            }
            entries.addLast(new Entry<>(item, true));
            media++;
            notEmpty.signal();
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Queues a lifecycle signal behind what is waiting; never dropped, never blocks. */
    public void signal(E event) {
        lock.lock();
        try {
            entries.addLast(new Entry<>(event, false));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The oldest item, media or signal; waits while there is none. */
    public E take() throws InterruptedException {
        lock.lock();
        try {
            while (entries.isEmpty()) {
                notEmpty.await();
            }
            Entry<E> entry = entries.removeFirst();
            if (entry.media()) {
                media--;
                notFull.signal();
            }
            return entry.item();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a media item offered now would find the queue full. */
    public boolean isFull() {
        lock.lock();
        try {
            return media >= capacity;
        } finally {
            lock.unlock();
        }
    }

    /** Media items waiting. */
    public int size() {
        lock.lock();
        try {
            return media;
        } finally {
            lock.unlock();
        }
    }

    /** Empties the queue, media and signals, passing every waiting media item to {@code release}. */
    public void clear() {
        lock.lock();
        try {
            Iterator<Entry<E>> it = entries.iterator();
            while (it.hasNext()) {
                Entry<E> entry = it.next();
                if (entry.media()) {
                    release.accept(entry.item());
                }
                it.remove();
            }
            media = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private List<E> waitingMedia() {
        List<E> waiting = new ArrayList<>(media);
        for (Entry<E> entry : entries) {
            if (entry.media()) {
                waiting.add(entry.item());
            }
        }
        return waiting;
    }

    private void evict(E victim) {
        Iterator<Entry<E>> it = entries.iterator();
        while (it.hasNext()) {
            Entry<E> entry = it.next();
            if (entry.media() && entry.item() == victim) {
                it.remove();
                media--;
                release.accept(victim);
                return;
            }
        }
    }
}
