package dev.glasscast.transcode;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.HandoffQueue;
import dev.glasscast.media.TrackInfo;

/**
 * What the hub's reader thread hands a stream's decode (or audio) thread: source access units,
 * bounded, and lifecycle signals, never dropped. Access units are immutable, so there is nothing
 * to release when one is dropped.
 */
sealed interface SourceEvent {

    /** The track to decode from now on (the first, or a changed one). */
    record Track(TrackInfo track) implements SourceEvent {
    }

    record Unit(AccessUnit unit) implements SourceEvent {
    }

    record Discontinuity() implements SourceEvent {
    }

    record End() implements SourceEvent {
    }

    /** A queue of source events: a full one drops the newcomer (live) or makes the reader wait (offline). */
    static HandoffQueue<SourceEvent> queue(int capacity, TranscodeLimits.Overload overload) {
        return new HandoffQueue<>(capacity, overload.whenFull());
    }
}
