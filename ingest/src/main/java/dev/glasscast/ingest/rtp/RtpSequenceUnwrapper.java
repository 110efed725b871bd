package dev.glasscast.ingest.rtp;

/**
 * Extends 16-bit RTP sequence numbers to a 64-bit count that does not wrap, for loss
 * detection, NACK and packet histories. A number within half the range behind the highest seen
 * is taken as late (reordered or retransmitted), not as a wrap. The first number unwraps to
 * itself; late ones before it may unwrap to negative values.
 */
public final class RtpSequenceUnwrapper {

    private boolean started;
    private long highest;

    /** The 64-bit value of {@code sequence}; advances the reference only when it moves forward. */
    public long unwrap(int sequence) {
        int value = sequence & 0xFFFF;
        if (!started) {
            started = true;
            highest = value;
            return highest;
        }
        int delta = (short) (value - (int) (highest & 0xFFFF));
        long unwrapped = highest + delta;
        if (delta > 0) {
            highest = unwrapped;
        }
        return unwrapped;
    }

    /** The highest unwrapped value so far, or -1 before the first. */
    public long highest() {
        return started ? highest : -1;
    }
}
