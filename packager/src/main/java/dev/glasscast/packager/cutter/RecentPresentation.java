package dev.glasscast.packager.cutter;

/**
 * When the last pictures cut present: each from its presentation time for its duration, in the
 * fragment timescale. {@link Fmp4Cutter} asks at a break whether its last picture would present
 * after a hole, and until when a last B-frame must last. It looks back across parts and
 * segments, since a part or segment may close just before the last picture; B-frame reordering
 * reaches a few pictures back, so a window of {@value #WINDOW} is plenty.
 *
 * <p>Not thread-safe: the cutter's, under its owner's lock.
 */
final class RecentPresentation {

    static final int WINDOW = 32;

    private final long[] starts = new long[WINDOW];
    private final long[] ends = new long[WINDOW];
    private int count;
    private int next;

    /** A picture is cut: it presents from {@code pts} for {@code duration}. */
    void add(long pts, long duration) {
        starts[next] = pts;
        ends[next] = pts + duration;
        next = (next + 1) % WINDOW;
        count = Math.min(WINDOW, count + 1);
    }

    /** The timeline breaks: what presented before says nothing about what follows. */
    void clear() {
        count = 0;
        next = 0;
    }

    /**
     * Where the pictures presenting before {@code pts} stop presenting (the latest end), or
     * {@link Long#MIN_VALUE} if none does. A picture at {@code pts} presents after a hole when
     * this is earlier than {@code pts}.
     */
    long endBefore(long pts) {
        long end = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            if (starts[i] < pts) {
                end = Math.max(end, ends[i]);
            }
        }
        return end;
    }

    /** The earliest presentation time after {@code pts}, or {@link Long#MAX_VALUE}. */
    long nextAfter(long pts) {
        long after = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            if (starts[i] > pts) {
                after = Math.min(after, starts[i]);
            }
        }
        return after;
    }
}
