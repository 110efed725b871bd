package dev.glasscast.ingest.flv;

/**
 * Turns the 32-bit millisecond timestamps of FLV and RTMP into a 64-bit timeline shared by all
 * tracks of one stream.
 *
 * <p>Each timestamp is read as a signed 32-bit step from the previous one, so the wrap at 2^32
 * (after 49.7 days) continues smoothly and the small backward steps of interleaved audio and video
 * are kept as they are. A backward step larger than {@code maxBackwardStepMillis} means the encoder
 * restarted its clock, and so does a forward step larger than {@code maxForwardStepMillis} (an
 * encoder whose clock leapt, e.g. resynchronised to the wall clock): consecutive tags of a live
 * stream are never that far apart, and taking the leap would leave a hole that long in every
 * output (an hour-long segment). Either way the timeline continues where it was, and
 * {@link #discontinuities()} counts one more.
 */
public final class FlvTimestampUnwrapper {

    /** Default largest backward step taken as interleaving jitter rather than a restart: 10 s. */
    public static final long DEFAULT_MAX_BACKWARD_STEP_MILLIS = 10_000;
    /** Default largest forward step taken as media rather than a clock leap: 10 s. */
    public static final long DEFAULT_MAX_FORWARD_STEP_MILLIS = 10_000;

    private final long maxBackwardStepMillis;
    private final long maxForwardStepMillis;
    private boolean started;
    private long lastWire;
    private long lastUnwrapped;
    private long discontinuities;

    public FlvTimestampUnwrapper() {
        this(DEFAULT_MAX_BACKWARD_STEP_MILLIS, DEFAULT_MAX_FORWARD_STEP_MILLIS);
    }

    /** @param maxBackwardStepMillis see the class description (default 10 s); forward steps keep their default */
    public FlvTimestampUnwrapper(long maxBackwardStepMillis) {
        this(maxBackwardStepMillis, DEFAULT_MAX_FORWARD_STEP_MILLIS);
    }

    /** @param maxBackwardStepMillis, maxForwardStepMillis see the class description (defaults 10 s) */
    public FlvTimestampUnwrapper(long maxBackwardStepMillis, long maxForwardStepMillis) {
        this.maxBackwardStepMillis = maxBackwardStepMillis;
        this.maxForwardStepMillis = maxForwardStepMillis;
    }

    /** @param wireTimestamp a 32-bit unsigned timestamp, 0..2^32-1 */
    public long unwrap(long wireTimestamp) {
        long wire = wireTimestamp & 0xFFFFFFFFL;
        if (!started) {
            started = true;
            lastWire = wire;
            lastUnwrapped = wire;
            return wire;
        }
        int step = (int) (wire - lastWire);
        long unwrapped = lastUnwrapped + step;
        if (step < -maxBackwardStepMillis || step > maxForwardStepMillis) {
            discontinuities++;
            unwrapped = lastUnwrapped;
        }
        lastWire = wire;
        lastUnwrapped = unwrapped;
        return unwrapped;
    }

    /** How many clock restarts and leaps were seen. */
    public long discontinuities() {
        return discontinuities;
    }
}
