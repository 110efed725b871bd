package dev.glasscast.ingest.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.TlsTimeoutException;
import org.junit.jupiter.api.Test;

class DtlsDatagramTransportTest {

    private final List<byte[]> sent = new ArrayList<>();

    private static ByteBuf datagram(int... bytes) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(bytes.length + 2);
        buf.writeByte(0xEE);
        for (int b : bytes) {
            buf.writeByte(b);
        }
        buf.readByte();
        return buf;
    }

    @Test
    void offeredDatagramsAreCopiedAndReceivedInOrder() throws IOException {
        DtlsDatagramTransport transport = new DtlsDatagramTransport(4, 1200, sent::add);
        ByteBuf one = datagram(22, 1, 2);
        ByteBuf two = datagram(22, 3);
        assertTrue(transport.offer(one));
        assertTrue(transport.offer(two));
        one.release();
        two.release();
        byte[] buf = new byte[1200];
        assertEquals(3, transport.receive(buf, 0, buf.length, 10));
        assertArrayEquals(new byte[] {22, 1, 2}, java.util.Arrays.copyOf(buf, 3));
        assertEquals(2, transport.receive(buf, 0, buf.length, 10));
        assertEquals(-1, transport.receive(buf, 0, buf.length, 10));
    }

    @Test
    void aFullQueueOrAnOversizedDatagramIsDroppedNotWaitedFor() {
        DtlsDatagramTransport transport = new DtlsDatagramTransport(1, 256, sent::add);
        ByteBuf first = datagram(22);
        ByteBuf second = datagram(22);
        ByteBuf huge = PooledByteBufAllocator.DEFAULT.buffer(300).writeZero(300);
        try {
            assertTrue(transport.offer(first));
            assertFalse(transport.offer(second));
            assertFalse(transport.offer(huge));
            assertEquals(2, transport.dropped());
        } finally {
            first.release();
            second.release();
            huge.release();
        }
    }

    @Test
    void sendsGoToTheCallbackAsCopies() throws IOException {
        DtlsDatagramTransport transport = new DtlsDatagramTransport(4, 1200, sent::add);
        byte[] record = {0, 22, 23, 24, 0};
        transport.send(record, 1, 3);
        record[1] = 0;
        assertArrayEquals(new byte[] {22, 23, 24}, sent.get(0));
        assertThrows(IOException.class, () -> transport.send(new byte[1300], 0, 1300));
    }

    @Test
    void closeAndTheDeadlineEndReceive() {
        DtlsDatagramTransport transport = new DtlsDatagramTransport(4, 1200, sent::add);
        transport.deadline(System.nanoTime() - 1);
        assertThrows(TlsTimeoutException.class, () -> transport.receive(new byte[10], 0, 10, 100));
        transport.close();
        assertTrue(transport.isClosed());
        assertThrows(IOException.class, () -> transport.receive(new byte[10], 0, 10, 100));
        ByteBuf late = datagram(22);
        assertFalse(transport.offer(late));
        late.release();
    }
}
