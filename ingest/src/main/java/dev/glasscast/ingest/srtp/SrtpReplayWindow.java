package dev.glasscast.ingest.srtp;

/**
 * The receiver's replay list of RFC 3711 section 3.3.2 as a sliding bitmask: the highest index
 * authenticated so far and which of the {@value #SIZE} indices below it were seen. An index
 * older than the window is refused, as RFC 3711 requires of any index it cannot tell apart
 * from a replay. {@link #check} only looks; {@link #accept} records, and is called only after the
 * packet authenticated, so a forged packet cannot move the window.
 *
 * <p>Not thread-safe: one per SSRC (SRTP) or per context (SRTCP), used by one receiver.
 */
public final class SrtpReplayWindow {

    /** Window size: 64 is RFC 3711's minimum and what libsrtp and pion keep. */
    public static final int SIZE = 64;

    private long highest = -1;
    private long seen;

    /** False when {@code index} was already accepted or is older than the window. */
    public boolean check(long index) {
        if (highest < 0 || index > highest) {
            return true;
        }
        long delta = highest - index;
        return delta < SIZE && (seen & (1L << delta)) == 0;
    }

    /** Records {@code index}, which {@link #check} passed and which authenticated. */
    public void accept(long index) {
        if (highest < 0) {
            highest = index;
            seen = 1;
        } else if (index > highest) {
            long shift = index - highest;
            seen = shift >= SIZE ? 1 : (seen << shift) | 1;
            highest = index;
        } else {
            seen |= 1L << (highest - index);
        }
    }

    /** The highest accepted index, or -1 before the first. */
    public long highest() {
        return highest;
    }
}
