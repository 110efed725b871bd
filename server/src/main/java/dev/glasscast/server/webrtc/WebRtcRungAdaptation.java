package dev.glasscast.server.webrtc;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which rung of the ladder one WebRTC viewer should get, from what its browser reports: the
 * receive-side bandwidth estimate (REMB) and the fraction of our video it lost (receiver
 * reports).
 *
 * <p>Down: the estimate stays under {@link #DOWN_FRACTION} of what this session sends without
 * rising, or the viewer loses {@link #DOWN_LOSS} of the video or more, in two reports in a row:
 * one rung down. A rising estimate is never held against a rung: after a switch up, the
 * browser's estimator climbs from the old rung's rate at some 8 % a second (WebRTC's AIMD rate
 * control) and stays under the new rate for seconds while everything arrives.
 * Up: a receiver's estimate can only say that what arrives arrives (it climbs to about 1.5x the
 * incoming rate), never that a rung twice as large would fit, so the next rung up is tried once
 * the viewer has been steady for a while; a try that is undone within {@link #PROBE_PROVEN_NANOS}
 * doubles the wait before the next one (from {@link #FIRST_HOLD_NANOS} to at most
 * {@link #MAX_HOLD_NANOS}), one that holds resets it.
 *
 * <p>A switch takes effect at the new rung's next key frame (the ladder's key frames are
 * aligned); until the transport says it happened, nothing else is decided, and the reports of
 * the first {@link #SETTLE_NANOS} after it (still about the old rung) are not read.
 *
 * <p>Not thread-safe: the transport calls it under its own lock.
 */
final class WebRtcRungAdaptation {

    /** Estimates under this fraction of the sending rate say the path does not carry it. */
    static final double DOWN_FRACTION = 0.85;
    /** RTCP's fraction lost (0-255) from which a rung counts as too large: 10 %. */
    static final int DOWN_LOSS = 26;
    static final long SETTLE_NANOS = 2_000_000_000L;
    static final long FIRST_HOLD_NANOS = 10_000_000_000L;
    static final long MAX_HOLD_NANOS = 80_000_000_000L;
    static final long PROBE_PROVEN_NANOS = 15_000_000_000L;

    /** Where the viewer's rung stands. */
    enum State {
        /** Sending {@link #current()}; reports are read. */
        STEADY,
        /** A switch was asked for; waiting for the new rung's key frame. */
        SWITCHING
    }

    private final List<String> bestFirst;
    private State state = State.STEADY;
    private int current;
    private long switchedAt;
    /** The last report that said the rung was too large. */
    private long troubleAt = Long.MIN_VALUE;
    private boolean lastSwitchWasUp;
    private long holdNanos = FIRST_HOLD_NANOS;
    private int badReportsInARow;
    private long previousEstimate = Long.MAX_VALUE;
    private String reason = "";

    /**
     * @param bestFirst the renditions of the stream's rungs a viewer may get, largest first
     * @param start     the rendition the session starts on
     * @param nowNanos  now, on the clock every later call uses
     */
    WebRtcRungAdaptation(List<String> bestFirst, String start, long nowNanos) {
        this.bestFirst = List.copyOf(bestFirst);
        this.current = Math.max(0, indexOf(start));
        this.switchedAt = nowNanos;
    }

    State state() {
        return state;
    }

    String current() {
        return bestFirst.get(current);
    }

    /**
     * The browser's bandwidth estimate, against what the session sent over the last second.
     *
     * @return the rendition to switch to, if any
     */
    Optional<String> estimate(long estimateBitsPerSecond, long sentBitsPerSecond, long nowNanos) {
        if (sentBitsPerSecond <= 0) {
            return Optional.empty();
        }
        // Rising, it is the estimator ramping up to a rung just switched to, not a narrow path.
        boolean rising = estimateBitsPerSecond > previousEstimate;
        previousEstimate = estimateBitsPerSecond;
        return report(!rising && estimateBitsPerSecond < DOWN_FRACTION * sentBitsPerSecond, nowNanos,
                () -> "the viewer estimates " + estimateBitsPerSecond / 1000 + " kbit/s for the " + sentBitsPerSecond / 1000
                        + " kbit/s sent");
    }

    /** A receiver report's fraction lost (0-255) of our video. */
    Optional<String> loss(int fractionLost, long nowNanos) {
        return report(fractionLost >= DOWN_LOSS, nowNanos,
                () -> "the viewer lost " + fractionLost * 100 / 256 + " % of the video");
    }

    /** Time passing with nothing wrong: where a larger rung is tried. */
    Optional<String> tick(long nowNanos) {
        long steadySince = Math.max(switchedAt, troubleAt);
        if (state != State.STEADY || current == 0 || nowNanos - steadySince < holdNanos) {
            return Optional.empty();
        }
        reason = "steady for " + (nowNanos - steadySince) / 1_000_000_000L + " s: trying the rung above";
        return switchTo(current - 1, nowNanos);
    }

    /** Why the last switch was asked for, for the log. */
    String reason() {
        return reason;
    }

    /** The transport sent the first key frame of the rung it was asked for. */
    void switched(String rendition, long nowNanos) {
        int index = indexOf(rendition);
        if (index < 0) {
            return;
        }
        lastSwitchWasUp = index < current;
        current = index;
        state = State.STEADY;
        switchedAt = nowNanos;
        badReportsInARow = 0;
    }

    /** The rung asked for never came (it ended, or the session's feed did): stay where it is. */
    void switchFailed(long nowNanos) {
        state = State.STEADY;
        switchedAt = nowNanos;
    }

    private Optional<String> report(boolean bad, long nowNanos, Supplier<String> why) {
        if (state != State.STEADY || nowNanos - switchedAt < SETTLE_NANOS) {
            return Optional.empty();
        }
        if (!bad) {
            badReportsInARow = 0;
            if (lastSwitchWasUp && nowNanos - switchedAt >= PROBE_PROVEN_NANOS) {
                holdNanos = FIRST_HOLD_NANOS;
                lastSwitchWasUp = false;
            }
            return Optional.empty();
        }
        troubleAt = nowNanos;
        if (++badReportsInARow < 2 || current == bestFirst.size() - 1) {
            return Optional.empty();
        }
        if (lastSwitchWasUp && nowNanos - switchedAt < PROBE_PROVEN_NANOS) {
            holdNanos = Math.min(MAX_HOLD_NANOS, holdNanos * 2);
        }
        lastSwitchWasUp = false;
        reason = why.get() + ", twice in a row";
        return switchTo(current + 1, nowNanos);
    }

    private Optional<String> switchTo(int index, long nowNanos) {
        state = State.SWITCHING;
        switchedAt = nowNanos;
        badReportsInARow = 0;
        return Optional.of(bestFirst.get(index));
    }

    private int indexOf(String rendition) {
        for (int i = 0; i < bestFirst.size(); i++) {
            if (bestFirst.get(i).equals(rendition)) {
                return i;
            }
        }
        return -1;
    }
}
