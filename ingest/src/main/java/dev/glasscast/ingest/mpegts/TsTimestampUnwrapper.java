package dev.glasscast.ingest.mpegts;

/**
 * Turns 33-bit MPEG-TS timestamps (90 kHz, wrapping every 26.5 hours) into monotonic 64-bit
 * values. Each raw value is placed in the 2^33 period that puts it nearest to the previous
 * result, so small reorderings (B-frame PTS, audio interleaved with video) never look like a
 * wrap. One instance is shared by all tracks of a program so the tracks stay aligned.
 */
final class TsTimestampUnwrapper {

    static final long WRAP = 1L << 33;
    private static final long HALF = WRAP / 2;

    private long last = Long.MIN_VALUE;

    long unwrap(long raw33) {
        long raw = raw33 & (WRAP - 1);
        if (last == Long.MIN_VALUE) {
            last = raw;
            return raw;
        }
        long candidate = (last & ~(WRAP - 1)) | raw;
        if (candidate - last > HALF) {
            candidate -= WRAP;
        } else if (last - candidate > HALF) {
            candidate += WRAP;
        }
        // Only move the reference forward; a B-frame's older PTS must not drag it back.
        if (candidate > last) {
            last = candidate;
        }
        return candidate;
    }

    void reset() {
        last = Long.MIN_VALUE;
    }
}
