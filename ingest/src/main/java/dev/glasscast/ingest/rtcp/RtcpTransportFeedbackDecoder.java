package dev.glasscast.ingest.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1):
 * <pre>
 * |      base sequence number     |      packet status count      |
 * |                 reference time                | fb pkt. count |
 * |          packet chunk         |  packet chunk  ...            |
 * |  recv delta   |  recv delta ...                | zero padding |
 * </pre>
 * Packet chunks are either run length ({@code 0 SS LLLLLLLLLLLLL}: one symbol repeated) or
 * status vectors ({@code 1 0} then fourteen 1-bit symbols, {@code 1 1} then seven 2-bit ones).
 * Symbols: 0 not received, 1 received with a one-byte delta, 2 received with a signed two-byte
 * delta, 3 reserved (refused). Deltas are in 250 µs and chain from the reference time.
 *
 * <p>The status count is bounded by a limit: a 2-byte run-length chunk can otherwise claim
 * thousands of packets, and each becomes an object here.
 */
final class RtcpTransportFeedbackDecoder {

    static final int SYMBOL_NOT_RECEIVED = 0;
    static final int SYMBOL_SMALL_DELTA = 1;
    static final int SYMBOL_LARGE_DELTA = 2;

    /** Sender and media SSRC, base sequence, status count, reference time and feedback count. */
    private static final int FIXED_SIZE = 16;

    private final int maxPackets;

    RtcpTransportFeedbackDecoder(int maxPackets) {
        this.maxPackets = maxPackets;
    }

    RtcpTransportFeedback decode(RtcpBody body) {
        body.require(FIXED_SIZE);
        int baseSequence = body.uint16(8);
        int statusCount = body.uint16(10);
        int referenceWord = body.int32(12);
        int referenceTime = referenceWord >> 8;
        int feedbackCount = referenceWord & 0xFF;
        if (statusCount > maxPackets) {
            throw new RtcpFormatException("transport feedback for " + statusCount + " packets over the limit of " + maxPackets);
        }
        byte[] symbols = new byte[statusCount];
        int filled = 0;
        int pos = FIXED_SIZE;
        while (filled < statusCount) {
            int chunk = body.uint16(pos);
            pos += 2;
            if ((chunk & 0x8000) == 0) {
                int symbol = (chunk >>> 13) & 0x3;
                int run = Math.min(chunk & 0x1FFF, statusCount - filled);
                if (run == 0) {
                    throw new RtcpFormatException("run length chunk of length 0");
                }
                for (int i = 0; i < run; i++) {
                    symbols[filled++] = checked(symbol);
                }
            } else if ((chunk & 0x4000) == 0) {
                for (int i = 13; i >= 0 && filled < statusCount; i--) {
                    symbols[filled++] = (byte) ((chunk >>> i) & 0x1);
                }
            } else {
                for (int i = 6; i >= 0 && filled < statusCount; i--) {
                    symbols[filled++] = checked((chunk >>> (2 * i)) & 0x3);
                }
            }
        }
        List<RtcpTransportFeedback.PacketStatus> packets = new ArrayList<>(statusCount);
        long ticks = (long) referenceTime * (RtcpTransportFeedback.REFERENCE_TIME_MICROS / RtcpTransportFeedback.DELTA_TICK_MICROS);
        for (int i = 0; i < statusCount; i++) {
            int sequence = (baseSequence + i) & 0xFFFF;
            switch (symbols[i]) {
                case SYMBOL_SMALL_DELTA -> {
                    ticks += body.uint8(pos);
                    pos += 1;
                }
                case SYMBOL_LARGE_DELTA -> {
                    ticks += body.int16(pos);
                    pos += 2;
                }
                default -> {
                    packets.add(new RtcpTransportFeedback.PacketStatus(sequence, false, 0));
                    continue;
                }
            }
            packets.add(new RtcpTransportFeedback.PacketStatus(sequence, true, ticks * RtcpTransportFeedback.DELTA_TICK_MICROS));
        }
        return new RtcpTransportFeedback(body.int32(0), body.int32(4), baseSequence, referenceTime, feedbackCount, packets);
    }

    private static byte checked(int symbol) {
        if (symbol == 3) {
            throw new RtcpFormatException("reserved packet status symbol 3");
        }
        return (byte) symbol;
    }
}
