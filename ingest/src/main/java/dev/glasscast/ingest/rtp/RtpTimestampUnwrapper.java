package dev.glasscast.ingest.rtp;

/**
 * Extends 32-bit RTP timestamps to 64-bit values that do not wrap, as
 * {@link dev.glasscast.media.AccessUnit} needs. At 90 kHz the 32-bit clock wraps every 13.25
 * hours and starts at a random value (RFC 3550 5.1), so a wrap can come at any time. A
 * timestamp within half the range behind the highest is taken as earlier (B-frames, reordering).
 * The first timestamp unwraps to its unsigned value.
 */
public final class RtpTimestampUnwrapper {

    private boolean started;
    private long highest;

    public long unwrap(int timestamp) {
        if (!started) {
            started = true;
            highest = timestamp & 0xFFFFFFFFL;
            return highest;
        }
        int delta = timestamp - (int) highest;
        long unwrapped = highest + delta;
        if (delta > 0) {
            highest = unwrapped;
        }
        return unwrapped;
    }
}
