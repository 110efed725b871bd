package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A reader's session with a hand-driven clock: what goes out, what is sent again, when it ends. */
class SrtSenderSessionTest {

    private static final long T0 = 10_000_000;
    private static final long LATENCY = 120_000;
    private static final int ISN = 0x7FFFFFFE; // wraps after two packets
    private static final SrtSession.Connection CONNECTION = new SrtSession.Connection("main",
            new InetSocketAddress("127.0.0.1", 5000), 100, 200, SrtControlPacket.of(SrtControlType.HANDSHAKE, 0, 0, 200, new byte[48]));
    private final List<SrtPacket> sent = new ArrayList<>();
    private final AtomicBoolean feedClosed = new AtomicBoolean();

    private SrtSenderSession session() {
        SrtSenderSession session = new SrtSenderSession(CONNECTION, ISN, LATENCY, T0, 5_000_000, null, sent::add);
        session.feed(() -> feedClosed.set(true));
        return session;
    }

    private static byte[] payload(int number) {
        byte[] payload = new byte[1316];
        payload[0] = 0x47;
        payload[1] = (byte) number;
        return payload;
    }

    private List<SrtDataPacket> data() {
        return sent.stream().filter(p -> p instanceof SrtDataPacket).map(p -> (SrtDataPacket) p).toList();
    }

    private List<SrtControlPacket> control(SrtControlType type) {
        return sent.stream().filter(p -> p instanceof SrtControlPacket c && c.type() == type)
                .map(p -> (SrtControlPacket) p).toList();
    }

    private static SrtControlPacket fullAck(int ackNumber, int nextExpected) {
        byte[] body = ByteBuffer.allocate(28).putInt(nextExpected).putInt(3_000).putInt(1_000).putInt(8192)
                .putInt(100).putInt(100).putInt(100_000).array();
        return SrtControlPacket.of(SrtControlType.ACK, ackNumber, 0, 100, body);
    }

    @Test
    void sendsWhatTheFeedQueuedInSequenceFromTheCallersInitialNumberStampedWithTheSendTime() {
        SrtSenderSession session = session();
        for (int i = 0; i < 4; i++) {
            assertTrue(session.sink().send(payload(i)));
        }
        assertTrue(data().isEmpty(), "nothing leaves before the event loop's tick");
        session.tick(T0 + 10_000);
        List<SrtDataPacket> out = data();
        assertEquals(List.of(ISN, ISN + 1, 0, 1), out.stream().map(SrtDataPacket::sequence).toList(), "31-bit wrap");
        for (int i = 0; i < 4; i++) {
            SrtDataPacket packet = out.get(i);
            assertEquals(200, packet.destinationSocket());
            assertEquals(SrtDataPacket.POSITION_SOLO, packet.position());
            assertEquals(10_000, packet.timestamp(), "microseconds since the connection started");
            assertEquals(i + 1, packet.messageNumber());
            assertFalse(packet.retransmitted());
            assertEquals(0, packet.keyFlags());
            assertArrayEquals(payload(i), packet.payload());
        }
    }

    @Test
    void sendsAgainWhatTheReaderReportsLostAndForgetsWhatItAcknowledged() {
        SrtSenderSession session = session();
        for (int i = 0; i < 6; i++) {
            session.sink().send(payload(i));
        }
        session.tick(T0 + 10_000);
        sent.clear();

        // One packet and a range: ISN + 1, and 1..2 (after the wrap).
        byte[] loss = ByteBuffer.allocate(12).putInt(ISN + 1).putInt(1 | 0x80000000).putInt(2).array();
        session.onPacket(SrtControlPacket.of(SrtControlType.NAK, 0, 0, 100, loss), T0 + 20_000);
        List<SrtDataPacket> again = data();
        assertEquals(List.of(ISN + 1, 1, 2), again.stream().map(SrtDataPacket::sequence).toList());
        assertTrue(again.stream().allMatch(SrtDataPacket::retransmitted), "marked as sent again");
        assertEquals(10_000, again.getFirst().timestamp(), "with the time it was first sent");
        assertArrayEquals(payload(1), again.getFirst().payload());

        // The reader has everything up to 2: a full ACK is answered with its ACKACK, and what it
        // acknowledged is never sent again.
        sent.clear();
        session.onPacket(fullAck(7, 2), T0 + 30_000);
        assertEquals(7, control(SrtControlType.ACKACK).getFirst().typeInfo());
        session.onPacket(SrtControlPacket.of(SrtControlType.NAK, 0, 0, 100, loss), T0 + 40_000);
        assertEquals(List.of(2), data().stream().map(SrtDataPacket::sequence).toList());

        // A light ACK (no ACK number) wants no ACKACK.
        sent.clear();
        session.onPacket(SrtControlPacket.of(SrtControlType.ACK, 0, 0, 100, ByteBuffer.allocate(4).putInt(4).array()),
                T0 + 50_000);
        assertTrue(control(SrtControlType.ACKACK).isEmpty());
    }

    @Test
    void forgetsWhatIsTooOldToBePlayedAndKeepsTheConnectionAlive() {
        SrtSenderSession session = session();
        session.sink().send(payload(0));
        session.tick(T0 + 10_000);
        long later = T0 + 10_000 + LATENCY + 1_000_001;
        session.onPacket(SrtControlPacket.of(SrtControlType.KEEPALIVE, 0, 0, 100, new byte[4]), later);
        sent.clear();
        session.tick(later);
        assertEquals(1, control(SrtControlType.KEEPALIVE).size(), "a keep-alive after a silent second");
        session.onPacket(SrtControlPacket.of(SrtControlType.NAK, 0, 0, 100, ByteBuffer.allocate(4).putInt(ISN).array()),
                later + 1);
        assertTrue(data().isEmpty(), "a packet older than latency + 1 s is not sent again");
    }

    @Test
    void aReaderThatTakesNothingFillsTheQueueAndTheFeedIsTold() {
        SrtSenderSession session = session();
        int accepted = 0;
        while (session.sink().send(payload(accepted)) && accepted < SrtSenderSession.MAX_QUEUED + 10) {
            accepted++;
        }
        assertEquals(SrtSenderSession.MAX_QUEUED, accepted, "the queue is bounded; send says no beyond it");
        session.tick(T0 + 10_000);
        assertTrue(session.sink().send(payload(0)), "room again once the loop sent the queue");
    }

    @Test
    void endsWhenTheFeedEndsOrTheReaderGoesSilentOrLeaves() {
        SrtSenderSession ended = session();
        ended.sink().send(payload(0));
        ended.sink().end("the rendition ended");
        ended.tick(T0 + 10_000);
        assertEquals(1, data().size(), "what was queued goes out before the end");
        assertEquals(1, control(SrtControlType.SHUTDOWN).size());
        assertTrue(ended.isClosed());
        assertTrue(feedClosed.get(), "the feed is closed with the session");
        assertFalse(ended.sink().send(payload(1)), "a closed session takes nothing");

        sent.clear();
        SrtSenderSession silent = session();
        silent.tick(T0 + 5_000_001);
        assertTrue(silent.isClosed());
        assertEquals(1, control(SrtControlType.SHUTDOWN).size());

        sent.clear();
        SrtSenderSession left = session();
        left.onPacket(SrtControlPacket.of(SrtControlType.SHUTDOWN, 0, 0, 100, new byte[4]), T0 + 1);
        assertTrue(left.isClosed());
        assertTrue(control(SrtControlType.SHUTDOWN).isEmpty(), "no shutdown sent back to a reader that left");
    }

    @Test
    void encryptsWithTheCallersKeyMaterial() throws Exception {
        byte[] key = new byte[16];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 3);
        }
        SrtKeyMaterialMessage km = SrtKeyMaterialMessage.parse(SrtCryptoTest.keyMaterial("passphrase-123", 1, key));
        SrtCrypto ours = new SrtCrypto("passphrase-123");
        ours.apply(km);
        SrtSenderSession session = new SrtSenderSession(CONNECTION, 5, LATENCY, T0, 5_000_000, ours, sent::add);
        session.sink().send(payload(9));
        session.tick(T0 + 10_000);
        SrtDataPacket packet = data().getFirst();
        assertTrue(packet.keyFlags() == 1 || packet.keyFlags() == 2, "marked with the key used");
        assertFalse(java.util.Arrays.equals(payload(9), packet.payload()), "not sent in the clear");
        SrtCrypto theirs = new SrtCrypto("passphrase-123");
        theirs.apply(km);
        byte[] received = packet.payload().clone();
        assertTrue(theirs.decrypt(packet.sequence(), packet.keyFlags(), received));
        assertArrayEquals(payload(9), received);
    }
}
