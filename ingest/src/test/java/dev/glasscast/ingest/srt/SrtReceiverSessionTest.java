package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The data path with a hand-driven clock: no sockets, no timing assumptions. */
class SrtReceiverSessionTest {

    private static final long T0 = 10_000_000;
    private static final long LATENCY = 500_000;
    private final List<SrtPacket> sent = new ArrayList<>();
    private final StreamHub hub = new StreamHub();

    private SrtReceiverSession session() throws Exception {
        return new SrtReceiverSession("live", new InetSocketAddress("127.0.0.1", 5000), 100, 200, 1000, LATENCY, 0, T0,
                5_000_000, 256, null, hub.publish(StreamPath.source("live")), sent::add,
                SrtControlPacket.of(SrtControlType.HANDSHAKE, 0, 0, 200, new byte[48]));
    }

    private static SrtDataPacket data(int sequence, long timestampMicros, boolean retransmitted) {
        byte[] payload = new byte[188];
        payload[0] = 0x47;
        payload[1] = 0x1F;
        payload[2] = (byte) 0xFF; // null packets: the demuxer ignores them
        return new SrtDataPacket(sequence, SrtDataPacket.POSITION_SOLO, false, 0, retransmitted, sequence, (int) timestampMicros,
                100, payload);
    }

    private <T extends SrtPacket> List<SrtControlPacket> sentOf(SrtControlType type) {
        return sent.stream().filter(p -> p instanceof SrtControlPacket c && c.type() == type)
                .map(p -> (SrtControlPacket) p).toList();
    }

    @Test
    void reportsLossAcknowledgesAndMeasuresRtt() throws Exception {
        SrtReceiverSession session = session();
        for (int i = 0; i < 6; i++) {
            if (i != 3) {
                session.onPacket(data(1000 + i, i * 1000L, false), T0 + i * 1000L);
            }
        }
        List<SrtControlPacket> naks = sentOf(SrtControlType.NAK);
        assertEquals(1, naks.size(), "an immediate loss report for the gap");
        assertArrayEquals(ByteBuffer.allocate(4).putInt(1003).array(), naks.getFirst().body());

        session.tick(T0 + 10_000);
        SrtControlPacket ack = sentOf(SrtControlType.ACK).getLast();
        assertEquals(1003, ByteBuffer.wrap(ack.body()).getInt(), "acknowledged up to the hole");
        assertEquals(28, ack.body().length);

        // Before any RTT sample the periodic interval is (100 ms + 4 x 50 ms) / 2.
        session.tick(T0 + 160_000);
        assertEquals(2, sentOf(SrtControlType.NAK).size(), "the periodic report repeats the loss");

        session.onPacket(data(1003, 3000, true), T0 + 161_000);
        session.tick(T0 + 170_000);
        assertEquals(1006, ByteBuffer.wrap(sentOf(SrtControlType.ACK).getLast().body()).getInt());
        session.onPacket(SrtControlPacket.of(SrtControlType.ACKACK, sentOf(SrtControlType.ACK).getLast().typeInfo(), 0, 100,
                new byte[0]), T0 + 172_000);
        for (int tick = 18; tick <= 60; tick++) {
            session.tick(T0 + tick * 10_000L);
        }
        SrtSessionStats stats = session.stats();
        assertEquals(6, stats.packetsReceived());
        assertEquals(1, stats.packetsLost());
        assertEquals(1, stats.packetsRetransmitted());
        assertEquals(0, stats.packetsDropped());
        assertEquals(0, stats.bufferPackets(), "all delivered once their time came");
        assertTrue(stats.rttMicros() < 100_000, "the 2 ms ACKACK sample pulled the RTT down: " + stats.rttMicros());
    }

    @Test
    void givesUpLostPacketsAtTheirDeadlineAndHandlesDropRequests() throws Exception {
        SrtReceiverSession session = session();
        session.onPacket(data(1000, 0, false), T0);
        session.onPacket(data(1002, 2000, false), T0 + 2000);
        for (int tick = 1; tick <= 10; tick++) {
            session.tick(T0 + LATENCY + 10_000L * tick);
        }
        assertEquals(1, session.stats().packetsDropped(), "1001 never came and its time passed");

        long later = T0 + LATENCY + 200_000;
        session.onPacket(new SrtControlPacket(SrtControlType.DROPREQ, 0, 7, 0, 100,
                ByteBuffer.allocate(8).putInt(1003).putInt(1004).array()), later);
        session.onPacket(data(1005, 5000, false), later);
        for (int tick = 1; tick <= 10; tick++) {
            session.tick(later + 10_000L * tick);
        }
        assertEquals(3, session.stats().packetsDropped());
        assertEquals(0, session.stats().bufferPackets());
    }

    @Test
    void closesOnSilenceAndOnShutdown() throws Exception {
        SrtReceiverSession silent = session();
        silent.onPacket(data(1000, 0, false), T0);
        silent.tick(T0 + 4_000_000);
        assertFalse(silent.isClosed());
        silent.tick(T0 + 5_100_000);
        assertTrue(silent.isClosed());
        assertEquals(1, sentOf(SrtControlType.SHUTDOWN).size(), "the caller is told");
        assertFalse(hub.isLive(StreamPath.source("live")));

        sent.clear();
        SrtReceiverSession leaving = session();
        leaving.onPacket(data(1000, 0, false), T0);
        leaving.onPacket(SrtControlPacket.of(SrtControlType.SHUTDOWN, 0, 0, 100, new byte[4]), T0 + 1000);
        assertTrue(leaving.isClosed());
        assertEquals(0, sentOf(SrtControlType.SHUTDOWN).size());
        assertEquals(1, leaving.stats().packetsReceived());
        assertEquals(0, leaving.stats().bufferPackets(), "what was buffered was handed over, not dropped");
        assertFalse(hub.isLive(StreamPath.source("live")));
    }

    @Test
    void keepsAliveAndRepeatsTheHandshakeAnswer() throws Exception {
        SrtReceiverSession session = session();
        session.tick(T0 + 10_000); // the first ACK
        session.onPacket(SrtControlPacket.of(SrtControlType.KEEPALIVE, 0, 0, 100, new byte[0]), T0 + 500_000);
        session.tick(T0 + 1_020_000);
        assertEquals(1, sentOf(SrtControlType.KEEPALIVE).size(), "a second without traffic from us");
        session.onPacket(SrtControlPacket.of(SrtControlType.HANDSHAKE, 0, 0, 100, new byte[48]), T0 + 1_100_000);
        assertEquals(1, sentOf(SrtControlType.HANDSHAKE).size());
    }
}
