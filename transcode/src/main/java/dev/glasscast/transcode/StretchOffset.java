package dev.glasscast.transcode;

/**
 * The timestamp offset that all of a stream's renditions share for one stretch of live media (a
 * publisher session, or its media resuming after the slate), so that they stay in step across a
 * break. The first rendition to resume chooses it (where its own timeline has got to); the others
 * land their first live unit where that offset puts it, filling the time before it with their
 * slate.
 *
 * <p>Why shared: each rendition used to resume on its own (video at its next key frame, audio at
 * its first frame, each slate paced from its own last frame), so the renditions' offsets against
 * each other changed by tens of milliseconds at every break. hls.js takes one offset per
 * discontinuity, from the first fragment it loads, and applies it to every level and to the audio:
 * the difference became a hole or an overlap, and a 0.14 s audio hole stalled a viewer for 1.7 s
 * (RELIABILITY.md, section 6).
 *
 * <p>Kept in nanoseconds, since renditions count in their own timescales (audio in samples, video
 * in 90 kHz ticks, the test pattern in milliseconds). Thread-safe; renditions call it under their
 * own locks and it takes no other.
 */
final class StretchOffset {

    private long offsetNanos;
    /** False from the start of a stretch until the first rendition has landed in it. */
    private boolean chosen = true;

    /** A new stretch begins: the next rendition to resume chooses its offset. */
    synchronized void newStretch() {
        chosen = false;
    }

    /**
     * The stretch's offset: {@code proposedNanos} if no rendition has landed in this stretch yet
     * (the caller is the first, and its proposal becomes everyone's), otherwise the one chosen.
     */
    synchronized long offerNanos(long proposedNanos) {
        if (!chosen) {
            offsetNanos = proposedNanos;
            chosen = true;
        }
        return offsetNanos;
    }

    /** The stretch's offset if one was chosen; {@code fallback} otherwise. */
    synchronized long nanosOr(long fallback) {
        return chosen ? offsetNanos : fallback;
    }

    static long toNanos(long ticks, int timescale) {
        return Math.round(ticks * 1e9 / timescale);
    }

    static long toTicks(long nanos, int timescale) {
        return Math.round(nanos * (double) timescale / 1e9);
    }
}
