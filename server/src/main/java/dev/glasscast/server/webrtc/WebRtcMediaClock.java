package dev.glasscast.server.webrtc;

/**
 * Where one WebRTC session's media timeline is now: anchored when the first unit (audio or
 * video) is sent, then running with the wall clock. Every sender report of the session reads
 * it, so audio and video tell the browser the same media-time-to-wall-clock mapping and it can
 * line them up; a report built from each stream's own last packet would instead sync them by
 * when they happened to be sent.
 *
 * <p>Thread-safe: synchronized; units arrive on the reader threads, reports on the timer.
 */
final class WebRtcMediaClock {

    private boolean anchored;
    private double anchorSeconds;
    private long anchorNanos;

    /** The first unit's media time, sent at {@code nowNanos}; later calls do nothing. */
    synchronized void anchor(double mediaSeconds, long nowNanos) {
        if (!anchored) {
            anchored = true;
            anchorSeconds = mediaSeconds;
            anchorNanos = nowNanos;
        }
    }

    synchronized boolean anchored() {
        return anchored;
    }

    /** The media time at {@code nowNanos}; meaningful once anchored. */
    synchronized double mediaSecondsAt(long nowNanos) {
        return anchorSeconds + (nowNanos - anchorNanos) / 1e9;
    }
}
