package dev.glasscast.ingest.rtcp;

/**
 * A reception report block (RFC 3550 6.4.1), 24 bytes, in sender and receiver reports.
 *
 * @param ssrc                       the source this block reports on
 * @param fractionLost               fraction lost since the previous report, in 1/256, 0..255
 * @param cumulativeLost             packets lost in total, 24-bit signed (duplicates can make it negative)
 * @param highestSequence            extended highest sequence number received (cycles in the high 16 bits)
 * @param jitter                     interarrival jitter in RTP timestamp units
 * @param lastSenderReport           middle 32 bits of the NTP time of the last SR received (LSR), or 0
 * @param delaySinceLastSenderReport delay since that SR in 1/65536 s (DLSR), or 0
 */
public record RtcpReportBlock(int ssrc, int fractionLost, int cumulativeLost, int highestSequence, int jitter,
                              int lastSenderReport, int delaySinceLastSenderReport) {

    public static final int SIZE = 24;

    public RtcpReportBlock {
        if (fractionLost < 0 || fractionLost > 255) {
            throw new IllegalArgumentException("fractionLost out of range: " + fractionLost);
        }
        if (cumulativeLost < -0x800000 || cumulativeLost > 0x7FFFFF) {
            throw new IllegalArgumentException("cumulativeLost out of 24-bit range: " + cumulativeLost);
        }
    }

    /** Fraction lost as a value in [0, 1). */
    public double lossRatio() {
        return fractionLost / 256.0;
    }
}
