package dev.glasscast.ingest.rtcp;

import java.time.Instant;

/**
 * The 64-bit NTP timestamps of sender reports (RFC 3550 4): seconds since 1900 in the high 32
 * bits, a binary fraction in the low 32. The seconds wrap in 2036 (NTP era 1); as RTCP uses only
 * this era's values and differences of the middle 32 bits, that is ignored here.
 */
public final class RtcpNtpTime {

    /** Seconds from 1900-01-01 to the Unix epoch. */
    public static final long EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private RtcpNtpTime() {
    }

    public static long fromInstant(Instant instant) {
        return fromEpochNanos(instant.getEpochSecond(), instant.getNano());
    }

    public static long fromEpochMillis(long epochMillis) {
        return fromEpochNanos(Math.floorDiv(epochMillis, 1000), Math.floorMod(epochMillis, 1000) * 1_000_000);
    }

    private static long fromEpochNanos(long epochSeconds, long nanos) {
        long seconds = epochSeconds + EPOCH_OFFSET_SECONDS;
        long fraction = (nanos << 32) / 1_000_000_000L;
        return (seconds << 32) | fraction;
    }

    public static Instant toInstant(long ntp) {
        long seconds = (ntp >>> 32) - EPOCH_OFFSET_SECONDS;
        // Round to the nearest nanosecond so wall clock → NTP → wall clock is exact.
        long nanos = ((ntp & 0xFFFFFFFFL) * 1_000_000_000L + (1L << 31)) >>> 32;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The middle 32 bits, as report blocks echo them in LSR (RFC 3550 6.4.1). */
    public static int middle32(long ntp) {
        return (int) (ntp >>> 16);
    }

    /**
     * Round-trip time from a report block (RFC 3550 6.4.1, figure 2): arrival minus LSR minus
     * DLSR, all in 1/65536 s, in microseconds; -1 when the block carries no LSR.
     *
     * @param arrivalNtp the NTP time the report block arrived
     */
    public static long roundTripMicros(long arrivalNtp, RtcpReportBlock block) {
        if (block.lastSenderReport() == 0) {
            return -1;
        }
        long units = (middle32(arrivalNtp) - block.lastSenderReport() - block.delaySinceLastSenderReport()) & 0xFFFFFFFFL;
        // A negative RTT (clock trouble, a delayed report) shows as a huge unsigned value.
        if (units > 0x7FFFFFFFL) {
            return 0;
        }
        return units * 1_000_000 / 65536;
    }
}
