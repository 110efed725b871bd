package dev.glasscast.ingest.srt;

/**
 * When each data packet of one SRT connection is due for delivery (timestamp-based packet
 * delivery, TSBPD): the sender's 32-bit microsecond timestamps unwrapped, mapped onto our clock
 * through a base that the earliest arrival fixes, plus the agreed latency.
 *
 * <p>Not thread-safe: used from the listener's event loop by its {@link SrtReceiverSession}.
 */
final class SrtDeliveryClock {

    /** How long a window of arrivals is watched before the base may follow a slower sender clock. */
    private static final long DRIFT_WINDOW = 5_000_000;
    /** The most the base moves per window. */
    private static final long MAX_DRIFT_STEP = 2_000;

    private final long latencyMicros;
    /** Our time minus the sender's at the earliest arrival seen (moved by drift, see below). */
    private long tsbpdBase;
    /** Smallest arrival-minus-timestamp in the current drift window (first transmissions only). */
    private long driftWindowMin = Long.MAX_VALUE;
    private long driftWindowStart;
    private long lastTimestamp = Long.MIN_VALUE;

    /** @param handshakeTimestamp the caller's timestamp on its conclusion, which starts its clock */
    SrtDeliveryClock(long latencyMicros, int handshakeTimestamp, long nowMicros) {
        this.latencyMicros = latencyMicros;
        this.tsbpdBase = nowMicros - Integer.toUnsignedLong(handshakeTimestamp);
        this.driftWindowStart = nowMicros;
    }

    /**
     * The time (our microseconds) at which a packet that arrived at {@code nowMicros} with the
     * sender's {@code rawTimestamp} is to be delivered.
     */
    long deliveryTime(int rawTimestamp, boolean retransmitted, long nowMicros) {
        long timestamp = unwrapTimestamp(rawTimestamp);
        // The earliest arrival relative to the sender's clock fixes the base; later ones only queue.
        long offset = nowMicros - timestamp;
        tsbpdBase = Math.min(tsbpdBase, offset);
        if (!retransmitted) {
            driftWindowMin = Math.min(driftWindowMin, offset);
        }
        return tsbpdBase + timestamp + latencyMicros;
    }

    /** The timer: at the end of each drift window, follows a slower sender clock. */
    void tick(long nowMicros) {
        if (nowMicros - driftWindowStart >= DRIFT_WINDOW) {
            followSlowerSenderClock();
            driftWindowStart = nowMicros;
        }
    }

    private long unwrapTimestamp(int raw) {
        long value = Integer.toUnsignedLong(raw);
        if (lastTimestamp == Long.MIN_VALUE) {
            lastTimestamp = value;
            return value;
        }
        long candidate = (lastTimestamp & ~0xFFFFFFFFL) | value;
        if (candidate - lastTimestamp > 0x80000000L) {
            candidate -= 0x100000000L;
        } else if (lastTimestamp - candidate > 0x80000000L) {
            candidate += 0x100000000L;
        }
        if (candidate > lastTimestamp) {
            lastTimestamp = candidate;
        }
        return candidate;
    }

    /**
     * A sender whose clock runs slower than ours makes every packet arrive a little later
     * relative to the base, eating into the latency until lost packets can no longer be
     * repaired in time. When a whole window arrived later than the base, move the base towards
     * it (a few milliseconds per window, so one delayed burst cannot move it far). A faster
     * sender clock needs nothing: the minimum in {@link #deliveryTime} already follows it.
     */
    private void followSlowerSenderClock() {
        if (driftWindowMin != Long.MAX_VALUE && driftWindowMin > tsbpdBase) {
            tsbpdBase += Math.min(driftWindowMin - tsbpdBase, MAX_DRIFT_STEP);
        }
        driftWindowMin = Long.MAX_VALUE;
    }
}
