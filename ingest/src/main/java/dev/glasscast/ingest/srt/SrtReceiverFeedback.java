package dev.glasscast.ingest.srt;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What the receiving side of one SRT connection tells its sender about the data: full ACKs every
 * {@value #FULL_ACK_INTERVAL} µs (with RTT and receiving rate) and light ACKs every
 * {@value #LIGHT_ACK_PACKETS} packets in between, loss reports (an immediate NAK per new gap plus
 * a periodic NAK of all open gaps, paced by the RTT), and the RTT it learns from the sender's
 * ACKACKs.
 *
 * <p>Not thread-safe: used from the listener's event loop by its {@link SrtReceiverSession}.
 */
final class SrtReceiverFeedback {

    /** Sends one control packet to the caller (the session stamps the time and the socket id). */
    @FunctionalInterface
    interface ControlSender {
        void send(SrtControlType type, int typeInfo, byte[] body, long nowMicros);
    }

    private static final long FULL_ACK_INTERVAL = 10_000;
    private static final int LIGHT_ACK_PACKETS = 64;
    private static final long MIN_NAK_INTERVAL = 20_000;
    private static final int MAX_NAK_RANGES = 180; // 180 ranges x 8 bytes fit one 1456-byte packet
    private static final int ACK_HISTORY = 64;
    private static final long RATE_WINDOW = 1_000_000;

    private final SrtReceiveBuffer buffer;
    private final ControlSender sender;

    private long lastFullAckMicros;
    private int lastFullAckSequence = -1;
    private int packetsSinceAck;
    private long lastNakMicros;
    private int ackNumber;
    /** The last full ACKs sent and when, to time the ACKACKs that answer them. */
    private final int[] ackNumbers = new int[ACK_HISTORY];
    private final long[] ackTimes = new long[ACK_HISTORY];
    private long rtt = 100_000;
    private long rttVariance = 50_000;

    private long rateWindowStart;
    private long rateWindowPackets;
    private long rateWindowBytes;
    private long ratePackets;
    private long rateBits;

    /** @param buffer the receiver buffer whose state the reports describe; only read */
    SrtReceiverFeedback(SrtReceiveBuffer buffer, ControlSender sender, long nowMicros) {
        this.buffer = buffer;
        this.sender = sender;
        this.rateWindowStart = nowMicros;
    }

    /** Counts a data packet that arrived, usable or not, towards the receiving rate. */
    void countArrival(int payloadBytes) {
        rateWindowPackets++;
        rateWindowBytes += payloadBytes;
    }

    /** A new gap in the sequence: reports it at once. */
    void reportLoss(int first, int last, long nowMicros) {
        sendNak(List.<int[]>of(new int[] {first, last}), nowMicros);
    }

    /** A data packet went into the buffer (or was refused by it): every 64th brings a light ACK. */
    void packetHandled(long nowMicros) {
        if (++packetsSinceAck >= LIGHT_ACK_PACKETS) {
            packetsSinceAck = 0;
            sender.send(SrtControlType.ACK, 0, ByteBuffer.allocate(4).putInt(buffer.ackSequence()).array(), nowMicros);
        }
    }

    /** The sender acknowledged full ACK number {@code acknowledged}: one RTT sample. */
    void onAckAck(int acknowledged, long nowMicros) {
        for (int i = 0; i < ACK_HISTORY; i++) {
            if (ackNumbers[i] == acknowledged && ackTimes[i] != 0) {
                long sample = nowMicros - ackTimes[i];
                ackTimes[i] = 0;
                rttVariance = (3 * rttVariance + Math.abs(rtt - sample)) / 4;
                rtt = (7 * rtt + sample) / 8;
                return;
            }
        }
    }

    /** The timer, after delivery: a full ACK and a NAK of open gaps when due; the receiving rate. */
    void tick(long nowMicros) {
        int ackSequence = buffer.ackSequence();
        if (nowMicros - lastFullAckMicros >= FULL_ACK_INTERVAL && ackSequence != lastFullAckSequence) {
            sendFullAck(ackSequence, nowMicros);
        }
        long nakInterval = Math.max(MIN_NAK_INTERVAL, (rtt + 4 * rttVariance) / 2);
        if (nowMicros - lastNakMicros >= nakInterval) {
            List<int[]> losses = buffer.lossRanges(MAX_NAK_RANGES);
            if (!losses.isEmpty()) {
                sendNak(losses, nowMicros);
            }
        }
        if (nowMicros - rateWindowStart >= RATE_WINDOW) {
            long span = nowMicros - rateWindowStart;
            ratePackets = rateWindowPackets * 1_000_000 / span;
            rateBits = rateWindowBytes * 8 * 1_000_000 / span;
            rateWindowPackets = 0;
            rateWindowBytes = 0;
            rateWindowStart = nowMicros;
        }
    }

    long rtt() {
        return rtt;
    }

    long rttVariance() {
        return rttVariance;
    }

    /** Packets per second over the last whole rate window. */
    long ratePackets() {
        return ratePackets;
    }

    /** Bits per second over the last whole rate window. */
    long rateBits() {
        return rateBits;
    }

    private void sendFullAck(int ackSequence, long nowMicros) {
        ackNumber = ackNumber == Integer.MAX_VALUE ? 1 : ackNumber + 1;
        int slot = ackNumber % ACK_HISTORY;
        ackNumbers[slot] = ackNumber;
        ackTimes[slot] = nowMicros;
        lastFullAckMicros = nowMicros;
        lastFullAckSequence = ackSequence;
        packetsSinceAck = 0;
        // Last Acknowledged Packet Sequence Number, RTT, RTT Variance, Available Buffer Size,
        // Packets Receiving Rate, Estimated Link Capacity, Receiving Rate (bytes/s).
        byte[] body = ByteBuffer.allocate(28)
                .putInt(ackSequence)
                .putInt((int) rtt)
                .putInt((int) rttVariance)
                .putInt(Math.max(2, buffer.capacity() - buffer.level()))
                .putInt((int) ratePackets)
                .putInt((int) Math.max(ratePackets, 1))
                .putInt((int) (rateBits / 8))
                .array();
        sender.send(SrtControlType.ACK, ackNumber, body, nowMicros);
    }

    /** A loss report: single sequence numbers, or ranges as (first | 0x80000000, last). */
    private void sendNak(List<int[]> ranges, long nowMicros) {
        ByteBuffer body = ByteBuffer.allocate(ranges.size() * 8);
        for (int[] range : ranges) {
            if (range[0] == range[1]) {
                body.putInt(range[0]);
            } else {
                body.putInt(range[0] | 0x80000000).putInt(range[1]);
            }
        }
        byte[] cif = new byte[body.position()];
        body.flip().get(cif);
        lastNakMicros = nowMicros;
        sender.send(SrtControlType.NAK, 0, cif, nowMicros);
    }
}
