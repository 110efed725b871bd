package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SrtReceiveBufferTest {

    private final List<int[]> gaps = new ArrayList<>();
    private final List<Byte> delivered = new ArrayList<>();

    private SrtReceiveBuffer.Insert insert(SrtReceiveBuffer buffer, int sequence, long due) {
        return buffer.insert(sequence, new byte[] {(byte) sequence}, due, (first, last) -> gaps.add(new int[] {first, last}));
    }

    @Test
    void deliversInOrderAcrossTheSequenceWrap() {
        int first = SrtSequence.MASK - 1;
        SrtReceiveBuffer buffer = new SrtReceiveBuffer(64, first);
        insert(buffer, first, 100);
        insert(buffer, SrtSequence.add(first, 2), 120); // 0, after the wrap
        assertEquals(1, gaps.size());
        assertEquals(SrtSequence.MASK, gaps.getFirst()[0]);
        assertEquals(SrtSequence.MASK, buffer.ackSequence());
        insert(buffer, SrtSequence.add(first, 1), 110); // the retransmission
        assertEquals(1, buffer.ackSequence());
        buffer.deliver(105, b -> delivered.add(b[0]));
        assertEquals(1, delivered.size(), "only the packet that is due");
        buffer.deliver(200, b -> delivered.add(b[0]));
        assertEquals(List.of((byte) first, (byte) SrtSequence.MASK, (byte) 0), delivered);
        assertEquals(SrtReceiveBuffer.Insert.TOO_LATE, insert(buffer, first, 300));
        assertEquals(0, buffer.droppedPackets());
    }

    @Test
    void givesUpAGapWhenTheNextPacketIsDue() {
        SrtReceiveBuffer buffer = new SrtReceiveBuffer(64, 10);
        insert(buffer, 10, 100);
        insert(buffer, 14, 140);
        assertEquals(List.of(11, 13), List.of(buffer.lossRanges(10).getFirst()[0], buffer.lossRanges(10).getFirst()[1]));
        buffer.deliver(130, b -> delivered.add(b[0]));
        assertEquals(1, delivered.size(), "waits for the retransmission");
        buffer.deliver(140, b -> delivered.add(b[0]));
        assertEquals(List.of((byte) 10, (byte) 14), delivered);
        assertEquals(3, buffer.droppedPackets());
        assertEquals(SrtReceiveBuffer.Insert.TOO_LATE, insert(buffer, 12, 120));
    }

    @Test
    void dropRequestsAndLimits() {
        SrtReceiveBuffer buffer = new SrtReceiveBuffer(32, 0);
        insert(buffer, 0, 10);
        insert(buffer, 5, 50);
        buffer.drop(1, 4);
        assertEquals(0, buffer.lossRanges(10).size());
        assertEquals(6, buffer.ackSequence());
        buffer.deliver(10, b -> delivered.add(b[0]));
        assertEquals(1, delivered.size(), "only the packet due; the dropped ones are not waited for");
        buffer.deliver(50, b -> delivered.add(b[0]));
        assertEquals(List.of((byte) 0, (byte) 5), delivered);
        assertEquals(SrtReceiveBuffer.Insert.BEYOND_BUFFER, insert(buffer, 100, 0));
        assertEquals(SrtReceiveBuffer.Insert.TOO_LATE, insert(buffer, 5, 50), "already delivered");
        insert(buffer, 7, 70);
        assertEquals(SrtReceiveBuffer.Insert.DUPLICATE, insert(buffer, 7, 70));
    }
}
