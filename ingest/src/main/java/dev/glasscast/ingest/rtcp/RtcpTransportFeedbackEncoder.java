package dev.glasscast.ingest.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Writes the FCI of transport-wide feedback, the inverse of {@link RtcpTransportFeedbackDecoder}:
 * what a WHIP ingest sends back to its publisher. Runs of seven or more equal symbols become run
 * length chunks; otherwise fourteen 1-bit symbols when they need no large delta, else seven 2-bit
 * symbols. Arrival times are rounded down to the 250 µs tick.
 */
final class RtcpTransportFeedbackEncoder {

    private static final int MAX_RUN = 0x1FFF;

    private RtcpTransportFeedbackEncoder() {
    }

    /**
     * @throws IllegalArgumentException if a delta does not fit two signed bytes (over 8 s apart):
     *                                  the caller must split such feedback
     */
    static void writeBody(RtcpTransportFeedback feedback, ByteBuf out) {
        List<RtcpTransportFeedback.PacketStatus> packets = feedback.packets();
        int count = packets.size();
        int[] symbols = new int[count];
        int[] deltas = new int[count];
        long previous = (long) feedback.referenceTime()
                * (RtcpTransportFeedback.REFERENCE_TIME_MICROS / RtcpTransportFeedback.DELTA_TICK_MICROS);
        for (int i = 0; i < count; i++) {
            RtcpTransportFeedback.PacketStatus status = packets.get(i);
            if (!status.received()) {
                symbols[i] = RtcpTransportFeedbackDecoder.SYMBOL_NOT_RECEIVED;
                continue;
            }
            long ticks = Math.floorDiv(status.arrivalMicros(), RtcpTransportFeedback.DELTA_TICK_MICROS);
            long delta = ticks - previous;
            previous = ticks;
            if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
                throw new IllegalArgumentException("receive delta of " + delta + " ticks does not fit");
            }
            deltas[i] = (int) delta;
            symbols[i] = delta >= 0 && delta <= 255
                    ? RtcpTransportFeedbackDecoder.SYMBOL_SMALL_DELTA
                    : RtcpTransportFeedbackDecoder.SYMBOL_LARGE_DELTA;
        }
        out.writeInt(feedback.senderSsrc());
        out.writeInt(feedback.mediaSsrc());
        out.writeShort(feedback.baseSequence());
        out.writeShort(count);
        out.writeInt((feedback.referenceTime() << 8) | (feedback.feedbackCount() & 0xFF));
        int i = 0;
        while (i < count) {
            int run = 1;
            while (i + run < count && run < MAX_RUN && symbols[i + run] == symbols[i]) {
                run++;
            }
            if (run >= 7) {
                out.writeShort((symbols[i] << 13) | run);
                i += run;
            } else if (fitsOneBit(symbols, i)) {
                int chunk = 0x8000;
                for (int k = 0; k < 14; k++) {
                    chunk |= (i + k < count ? symbols[i + k] : 0) << (13 - k);
                }
                out.writeShort(chunk);
                i += 14;
            } else {
                int chunk = 0xC000;
                for (int k = 0; k < 7; k++) {
                    chunk |= (i + k < count ? symbols[i + k] : 0) << (2 * (6 - k));
                }
                out.writeShort(chunk);
                i += 7;
            }
        }
        for (int k = 0; k < count; k++) {
            if (symbols[k] == RtcpTransportFeedbackDecoder.SYMBOL_SMALL_DELTA) {
                out.writeByte(deltas[k]);
            } else if (symbols[k] == RtcpTransportFeedbackDecoder.SYMBOL_LARGE_DELTA) {
                out.writeShort(deltas[k]);
            }
        }
    }

    /** Whether the next fourteen symbols (or those left) need no two-byte delta. */
    private static boolean fitsOneBit(int[] symbols, int from) {
        for (int k = from; k < Math.min(symbols.length, from + 14); k++) {
            if (symbols[k] == RtcpTransportFeedbackDecoder.SYMBOL_LARGE_DELTA) {
                return false;
            }
        }
        return true;
    }
}
