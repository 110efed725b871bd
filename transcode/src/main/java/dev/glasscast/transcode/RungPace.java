package dev.glasscast.transcode;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Keeps one rung at real time the way a hardware encoder does: by giving up quality, not
 * timing. It watches how long the rung's encoder takes per picture against the time a picture
 * lasts, and when the rung falls behind it steps down, one step at a time:
 * <ol>
 *   <li>{@link Step#FASTER}: x264 analyses less (diamond motion search, no trellis);</li>
 *   <li>{@link Step#FASTEST}: less again (no partition search, no adaptive quantisation);</li>
 *   <li>{@link Step#HALF_RATE}: a source above 30 fps is encoded at half its rate (60 → 30).</li>
 * </ol>
 * The rung itself is never dropped. With headroom again for a while it steps back up.
 *
 * <p>These are x264's presets' own speed levers, minus those that reach the stream's headers:
 * CABAC, 8x8 transforms, weighted prediction, reference counts and sub-pixel refinement (which,
 * lowered, changes the SPS of the slower presets) keep the configured values, so the SPS and
 * PPS, and the rendition's init segment, stay the same across steps ({@code VideoEncoderTest}
 * checks four presets). A step takes effect at the next key frame, where the encoder is reopened.
 *
 * <p>Used by its rung's thread only.
 */
final class RungPace {

    /** How far a rung has stepped down from its configuration. */
    enum Step {
        AS_CONFIGURED(""),
        FASTER(":me=dia:trellis=0:partitions=i8x8,i4x4"),
        FASTEST(":me=dia:trellis=0:partitions=none:aq-mode=0:mixed-refs=0"),
        HALF_RATE(":me=dia:trellis=0:partitions=none:aq-mode=0:mixed-refs=0");

        private final String x264Params;

        Step(String x264Params) {
            this.x264Params = x264Params;
        }

        /** Appended to the rung's x264-params. */
        String x264Params() {
            return x264Params;
        }

        /** For logs, the API and the dashboard. */
        String describe() {
            return switch (this) {
                case AS_CONFIGURED -> "as configured";
                case FASTER -> "faster analysis (diamond motion search, no trellis)";
                case FASTEST -> "fastest analysis (no partition search, no adaptive quantisation)";
                case HALF_RATE -> "fastest analysis at half the frame rate";
            };
        }
    }

    /** Encoding time over picture time above which the rung is falling behind. */
    static final double BEHIND = 0.9;
    /** ... below which, at a faster step, the slower step above would fit again. */
    static final double HEADROOM = 0.45;
    /** Weight of the newest picture in the running load (about the last 20 pictures). */
    private static final double SMOOTHING = 0.05;

    /**
     * How quickly the pace reacts.
     *
     * @param behind   how long the rung must be behind before a step down (a picture dropped
     *                 steps down at once)
     * @param headroom how long it must have headroom before a step up
     * @param settle   after a step down, how long before a step up is considered
     */
    record Timing(Duration behind, Duration headroom, Duration settle) {
        /** Live: react within a second, step back up only after half a minute of calm. */
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofSeconds(30));
    }

    private final boolean enabled;
    private final boolean halfRateAllowed;
    private final LongSupplier nanoClock;
    private final long behindNanos;
    private final long headroomNanos;
    private final long settleNanos;
    private Step step = Step.AS_CONFIGURED;
    private double load;
    private long behindSince = -1;
    private long headroomSince = -1;
    private long lastStepDown = Long.MIN_VALUE / 2;
    private long stepDowns;

    /**
     * @param sourceFps the source's frame rate: half rate is a step only above 30 fps
     * @param nanoClock monotonic time, {@code System::nanoTime} live
     */
    RungPace(double sourceFps, LongSupplier nanoClock, Timing timing) {
        this(true, sourceFps, nanoClock, timing);
    }

    private RungPace(boolean enabled, double sourceFps, LongSupplier nanoClock, Timing timing) {
        this.enabled = enabled;
        this.halfRateAllowed = sourceFps > 30.5;
        this.nanoClock = nanoClock;
        this.behindNanos = timing.behind().toNanos();
        this.headroomNanos = timing.headroom().toNanos();
        this.settleNanos = timing.settle().toNanos();
    }

    /**
     * A pace that never steps: offline work (tests, benchmarks) where every picture is waited
     * for at full quality, and real time does not apply.
     */
    static RungPace steady() {
        return new RungPace(false, 0, () -> 0, Timing.DEFAULT);
    }

    Step step() {
        return step;
    }

    /** Step downs so far: counted in /metrics. */
    long stepDowns() {
        return stepDowns;
    }

    /** The running share of real time the encoder takes (above 1: behind). */
    double load() {
        return load;
    }

    /**
     * One picture encoded.
     *
     * @param encodeNanos  how long the encoder took for it
     * @param pictureNanos how long it lasts on screen
     * @return the step from now on (a change takes effect at the next key frame)
     */
    Step encoded(long encodeNanos, long pictureNanos) {
        if (!enabled || pictureNanos <= 0) {
            return step;
        }
        double share = (double) encodeNanos / pictureNanos;
        load = load == 0 ? share : load + SMOOTHING * (share - load);
        long now = nanoClock.getAsLong();
        if (load > BEHIND) {
            headroomSince = -1;
            if (behindSince < 0) {
                behindSince = now;
            } else if (now - behindSince >= behindNanos) {
                stepDown(now);
            }
        } else if (load < HEADROOM && step != Step.AS_CONFIGURED) {
            behindSince = -1;
            if (headroomSince < 0) {
                headroomSince = now;
            } else if (now - headroomSince >= headroomNanos && now - lastStepDown >= settleNanos) {
                step = Step.values()[step.ordinal() - 1];
                headroomSince = -1;
                load = 0;
            }
        } else {
            behindSince = -1;
            headroomSince = -1;
        }
        return step;
    }

    /** The queue in front of the rung overflowed: a picture was dropped, so the rung is behind now. */
    void dropped() {
        long now = nanoClock.getAsLong();
        if (enabled && now - lastStepDown >= behindNanos) {
            stepDown(now);
        }
    }

    private void stepDown(long now) {
        Step next = step.ordinal() + 1 < Step.values().length ? Step.values()[step.ordinal() + 1] : step;
        if (next == Step.HALF_RATE && !halfRateAllowed) {
            next = step;
        }
        behindSince = -1;
        if (next != step) {
            step = next;
            stepDowns++;
            lastStepDown = now;
            load = 0;
        }
    }
}
