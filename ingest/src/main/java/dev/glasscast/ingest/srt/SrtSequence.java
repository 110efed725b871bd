package dev.glasscast.ingest.srt;

/** Arithmetic on 31-bit packet sequence numbers, which wrap from 2^31 - 1 to 0. */
final class SrtSequence {

    static final int MASK = 0x7FFFFFFF;

    private SrtSequence() {
    }

    static int next(int sequence) {
        return (sequence + 1) & MASK;
    }

    static int add(int sequence, int delta) {
        return (sequence + delta) & MASK;
    }

    /** {@code a - b} as a signed distance, correct across the wrap for distances below 2^30. */
    static int diff(int a, int b) {
        return ((a - b) << 1) >> 1;
    }
}
