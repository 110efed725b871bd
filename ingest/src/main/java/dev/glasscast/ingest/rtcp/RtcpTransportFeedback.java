package dev.glasscast.ingest.rtcp;

import java.util.List;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * 3.1): for a run of transport-wide sequence numbers, whether each packet arrived and when.
 *
 * @param senderSsrc     the receiver sending the feedback
 * @param mediaSsrc      the media source (browsers put the first SSRC they receive from)
 * @param baseSequence   transport-wide sequence number of the first packet reported
 * @param referenceTime  24-bit signed reference time in multiples of 64 ms, in the receiver's clock
 * @param feedbackCount  8-bit count of feedback packets sent, to detect lost feedback
 * @param packets        one status per packet, from {@code baseSequence} on
 */
public record RtcpTransportFeedback(int senderSsrc, int mediaSsrc, int baseSequence, int referenceTime,
                                    int feedbackCount, List<PacketStatus> packets) implements RtcpPacket {

    /** Microseconds per receive delta tick. */
    public static final int DELTA_TICK_MICROS = 250;
    /** Microseconds per reference time unit. */
    public static final int REFERENCE_TIME_MICROS = 64_000;

    /**
     * @param sequence      16-bit transport-wide sequence number
     * @param received      whether it arrived
     * @param arrivalMicros when it arrived, in microseconds of the receiver's clock
     *                      ({@code referenceTime * 64 ms} plus the deltas so far); 0 if not received
     */
    public record PacketStatus(int sequence, boolean received, long arrivalMicros) {
    }

    public RtcpTransportFeedback {
        packets = List.copyOf(packets);
        if (referenceTime < -0x800000 || referenceTime > 0x7FFFFF || packets.size() > 0xFFFF) {
            throw new IllegalArgumentException("reference time or packet count out of range");
        }
    }

    public long referenceTimeMicros() {
        return (long) referenceTime * REFERENCE_TIME_MICROS;
    }

    public long receivedCount() {
        return packets.stream().filter(PacketStatus::received).count();
    }
}
