package dev.glasscast.ingest.srt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The receiver buffer of one live connection: packets by sequence number in a ring, released
 * in order at their TSBPD time (sender timestamp + base + latency), with too-late packet drop:
 * a gap still open when the packet after it is due is given up (counted) rather than stalling
 * the stream. The loss list is simply the empty slots between the delivery point and the
 * highest sequence received.
 *
 * <p>Not thread-safe: driven by its session on the event loop.
 */
final class SrtReceiveBuffer {

    /** What {@link #insert} did with a packet. */
    enum Insert { STORED, DUPLICATE, TOO_LATE, BEYOND_BUFFER }

    private static final byte[] DROPPED = new byte[0];

    private final int capacity;
    private final byte[][] payloads;
    private final long[] deliveryTimes;
    private int deliverSeq;
    private int highestSeq;
    private int stored;

    private long droppedPackets;

    /**
     * @param capacity     slots; packets further than this ahead of the delivery point are refused
     * @param firstSequence the caller's initial sequence number from the handshake
     */
    SrtReceiveBuffer(int capacity, int firstSequence) {
        this.capacity = capacity;
        this.payloads = new byte[capacity][];
        this.deliveryTimes = new long[capacity];
        this.deliverSeq = firstSequence;
        this.highestSeq = SrtSequence.add(firstSequence, -1);
    }

    private int slot(int sequence) {
        return Math.floorMod(sequence, capacity);
    }

    /**
     * Stores a packet due at {@code deliveryTimeUs}.
     *
     * @param gaps receives (first, last) of each new gap this packet reveals, for an immediate NAK
     */
    Insert insert(int sequence, byte[] payload, long deliveryTimeUs, GapConsumer gaps) {
        int ahead = SrtSequence.diff(sequence, deliverSeq);
        if (ahead < 0) {
            return Insert.TOO_LATE;
        }
        if (ahead >= capacity) {
            return Insert.BEYOND_BUFFER;
        }
        int index = slot(sequence);
        if (payloads[index] != null) {
            return Insert.DUPLICATE;
        }
        int beyondHighest = SrtSequence.diff(sequence, highestSeq);
        if (beyondHighest > 1) {
            gaps.gap(SrtSequence.next(highestSeq), SrtSequence.add(sequence, -1));
        }
        if (beyondHighest > 0) {
            highestSeq = sequence;
        }
        payloads[index] = payload;
        deliveryTimes[index] = deliveryTimeUs;
        stored++;
        return Insert.STORED;
    }

    /** Marks {@code [first, last]} as given up by the sender (DROPREQ): delivery skips them. */
    void drop(int first, int last) {
        int count = SrtSequence.diff(last, first) + 1;
        if (count <= 0 || count > capacity) {
            return;
        }
        for (int i = 0; i < count; i++) {
            int sequence = SrtSequence.add(first, i);
            int ahead = SrtSequence.diff(sequence, deliverSeq);
            if (ahead < 0 || ahead >= capacity) {
                continue;
            }
            int index = slot(sequence);
            if (payloads[index] == null) {
                payloads[index] = DROPPED;
                deliveryTimes[index] = Long.MIN_VALUE;
                stored++;
                if (SrtSequence.diff(sequence, highestSeq) > 0) {
                    highestSeq = sequence;
                }
            }
        }
    }

    /** Hands every packet due at {@code nowUs} to {@code out}, in sequence order, skipping expired gaps. */
    void deliver(long nowUs, Consumer<byte[]> out) {
        while (SrtSequence.diff(highestSeq, deliverSeq) >= 0) {
            int index = slot(deliverSeq);
            byte[] payload = payloads[index];
            if (payload == DROPPED) {
                release(index);
                droppedPackets++;
                continue;
            }
            if (payload != null) {
                if (deliveryTimes[index] > nowUs) {
                    return;
                }
                release(index);
                out.accept(payload);
                continue;
            }
            // A gap: give it up only when the next packet we do have is due.
            int next = nextStored();
            if (next < 0 || deliveryTimes[slot(next)] > nowUs) {
                return;
            }
            int skipped = SrtSequence.diff(next, deliverSeq);
            droppedPackets += skipped;
            deliverSeq = next;
        }
    }

    private int nextStored() {
        int sequence = deliverSeq;
        int span = SrtSequence.diff(highestSeq, deliverSeq);
        for (int i = 0; i <= span; i++) {
            if (payloads[slot(sequence)] != null) {
                return sequence;
            }
            sequence = SrtSequence.next(sequence);
        }
        return -1;
    }

    private void release(int index) {
        payloads[index] = null;
        stored--;
        deliverSeq = SrtSequence.next(deliverSeq);
    }

    /** The ACK point: the first sequence not yet received (everything before it is in or gone). */
    int ackSequence() {
        int sequence = deliverSeq;
        int span = SrtSequence.diff(highestSeq, deliverSeq);
        for (int i = 0; i <= span; i++) {
            if (payloads[slot(sequence)] == null) {
                return sequence;
            }
            sequence = SrtSequence.next(sequence);
        }
        return sequence;
    }

    /** The missing ranges, {first, last} each, at most {@code maxRanges} of them, oldest first. */
    List<int[]> lossRanges(int maxRanges) {
        List<int[]> ranges = new ArrayList<>();
        int span = SrtSequence.diff(highestSeq, deliverSeq);
        int sequence = deliverSeq;
        int rangeStart = -1;
        for (int i = 0; i <= span && ranges.size() < maxRanges; i++) {
            boolean missing = payloads[slot(sequence)] == null;
            if (missing && rangeStart < 0) {
                rangeStart = sequence;
            } else if (!missing && rangeStart >= 0) {
                ranges.add(new int[] {rangeStart, SrtSequence.add(sequence, -1)});
                rangeStart = -1;
            }
            sequence = SrtSequence.next(sequence);
        }
        if (rangeStart >= 0 && ranges.size() < maxRanges) {
            ranges.add(new int[] {rangeStart, highestSeq});
        }
        return ranges;
    }

    /** Packets held (received, not yet delivered). */
    int level() {
        return stored;
    }

    int capacity() {
        return capacity;
    }

    /** Packets given up: gaps skipped at delivery time plus sender drop requests. */
    long droppedPackets() {
        return droppedPackets;
    }

    @FunctionalInterface
    interface GapConsumer {
        void gap(int first, int last);
    }
}
