package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * The queue between a stream's decode thread and one rung's encoder thread: decoded pictures,
 * bounded, plus lifecycle events, which are never dropped.
 *
 * <p>Ownership: a {@link Picture} holds its own reference to a decoded frame
 * ({@code av_frame_clone}). Offering it hands that reference to the queue; if the offer is
 * {@link Offer#REJECTED} the caller still owns it and must {@link Picture#release()} it. A
 * picture evicted to make room for a key frame is released by the queue. {@link #take()} hands
 * the reference to the taker. {@link #clear()} releases whatever is left.
 */
final class RungQueue {

    sealed interface Item permits Picture, Discontinuity, End {
    }

    /**
     * One decoded picture for one rung.
     *
     * @param frame    a reference of its own to the decoded frame; freed by {@link #release()}
     * @param pts      presentation time in the source timescale
     * @param duration duration in the source timescale, 0 if unknown
     * @param keyFrame encode it as an IDR
     */
    record Picture(AVFrame frame, long pts, long duration, boolean keyFrame) implements Item {
        void release() {
            av_frame_free(frame);
        }
    }

    /** The source's timeline broke: drain the encoder and start over. */
    record Discontinuity() implements Item {
    }

    /** The source ended: drain, close the rendition, free everything. */
    record End() implements Item {
    }

    enum Offer {
        QUEUED,
        /** Queued, after releasing the oldest waiting picture that was not a key frame. */
        QUEUED_AFTER_EVICTION,
        /** Not queued: the queue is full and the picture is not a key frame. */
        REJECTED
    }

    private final int capacity;
    private final TranscodeLimits.Overload overload;
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int pictures;

    RungQueue(int capacity, TranscodeLimits.Overload overload) {
        this.capacity = capacity;
        this.overload = overload;
    }

    /** Whether a non-key picture offered now would be rejected (under {@link TranscodeLimits.Overload#DROP}). */
    boolean isFull() {
        lock.lock();
        try {
            return pictures >= capacity;
        } finally {
            lock.unlock();
        }
    }

    Offer offer(Picture picture) throws InterruptedException {
        lock.lock();
        try {
            if (overload == TranscodeLimits.Overload.WAIT) {
                while (pictures >= capacity) {
                    notFull.await();
                }
            }
            Offer result = Offer.QUEUED;
            if (pictures >= capacity) {
                if (!picture.keyFrame()) {
                    return Offer.REJECTED;
                }
                evictOldestPicture();
                result = Offer.QUEUED_AFTER_EVICTION;
            }
            items.addLast(picture);
            pictures++;
            notEmpty.signal();
            return result;
        } finally {
            lock.unlock();
        }
    }

    // Prefers a non-key picture; a queue holding nothing but key frames (an all-intra source on a
    // hopelessly slow machine) gives up its oldest key frame instead.
    private void evictOldestPicture() {
        Picture victim = null;
        for (Item item : items) {
            if (item instanceof Picture p && !p.keyFrame()) {
                victim = p;
                break;
            }
        }
        if (victim == null) {
            for (Item item : items) {
                if (item instanceof Picture p) {
                    victim = p;
                    break;
                }
            }
        }
        if (victim != null) {
            items.remove(victim);
            pictures--;
            victim.release();
        }
    }

    void control(Item event) {
        lock.lock();
        try {
            items.addLast(event);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    Item take() throws InterruptedException {
        lock.lock();
        try {
            while (items.isEmpty()) {
                notEmpty.await();
            }
            Item item = items.removeFirst();
            if (item instanceof Picture) {
                pictures--;
                notFull.signal();
            }
            return item;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return pictures;
        } finally {
            lock.unlock();
        }
    }

    /** Releases every waiting picture. */
    void clear() {
        lock.lock();
        try {
            Iterator<Item> it = items.iterator();
            while (it.hasNext()) {
                if (it.next() instanceof Picture p) {
                    p.release();
                }
                it.remove();
            }
            pictures = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
