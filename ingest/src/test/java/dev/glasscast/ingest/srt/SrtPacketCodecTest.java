package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SrtPacketCodecTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4200);

    @Test
    void dataPacketRoundTripsThroughTheChannel() {
        EmbeddedChannel channel = new EmbeddedChannel(new SrtPacketDecoder(), new SrtPacketEncoder());
        SrtDataPacket data = new SrtDataPacket(0x7FFFFFFE, SrtDataPacket.POSITION_SOLO, false, 2, true, 0x3FFFFFF,
                -5, 1234, new byte[] {1, 2, 3, 4, 5});
        assertTrue(channel.writeOutbound(new SrtEnvelope(PEER, data)));
        DatagramPacket datagram = channel.readOutbound();
        assertEquals(PEER, datagram.recipient());
        ByteBuf wire = datagram.content();
        assertEquals(0x7FFFFFFE, wire.getInt(0));
        assertEquals(0xD7FFFFFF, wire.getInt(4), "PP=11 O=0 KK=10 R=1 msgno all ones");

        assertTrue(channel.writeInbound(new DatagramPacket(wire.retain(), PEER, PEER)));
        datagram.release();
        SrtEnvelope decoded = channel.readInbound();
        SrtDataPacket back = (SrtDataPacket) decoded.packet();
        assertEquals(data.sequence(), back.sequence());
        assertEquals(data.position(), back.position());
        assertEquals(data.keyFlags(), back.keyFlags());
        assertTrue(back.retransmitted());
        assertFalse(back.inOrder());
        assertEquals(data.messageNumber(), back.messageNumber());
        assertEquals(-5, back.timestamp());
        assertEquals(1234, back.destinationSocket());
        assertArrayEquals(data.payload(), back.payload());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void controlPacketRoundTrips() {
        EmbeddedChannel channel = new EmbeddedChannel(new SrtPacketDecoder(), new SrtPacketEncoder());
        SrtControlPacket nak = new SrtControlPacket(SrtControlType.USER_DEFINED, SrtControlType.SUBTYPE_KMRSP, 7, 99, 42,
                new byte[] {9, 8, 7, 6});
        channel.writeOutbound(new SrtEnvelope(PEER, nak));
        DatagramPacket datagram = channel.readOutbound();
        assertEquals(0xFFFF0004, datagram.content().getInt(0));
        channel.writeInbound(new DatagramPacket(datagram.content().retain(), PEER, PEER));
        datagram.release();
        SrtControlPacket back = (SrtControlPacket) ((SrtEnvelope) channel.readInbound()).packet();
        assertEquals(nak.type(), back.type());
        assertEquals(nak.subtype(), back.subtype());
        assertEquals(7, back.typeInfo());
        assertArrayEquals(nak.body(), back.body());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void garbageIsDroppedAndCountedNeverThrown() {
        SrtPacketDecoder decoder = new SrtPacketDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        Random random = new Random(5);
        int decoded = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(i % 10 == 0 ? 3000 : 64)];
            random.nextBytes(junk);
            channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(junk), PEER, PEER));
            Object out;
            while ((out = channel.readInbound()) != null) {
                decoded++;
                assertTrue(out instanceof SrtEnvelope);
            }
        }
        assertTrue(decoder.dropped() > 0);
        assertEquals(2000, decoded + decoder.dropped());
        assertNull(SrtPacketDecoder.decode(Unpooled.wrappedBuffer(new byte[15])));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void handshakeRoundTripsWithStreamIdInLibsrtByteOrder() {
        byte[] sid = SrtHandshakeMessage.encodeStreamId("#!::r=live/abc,m=publish");
        // libsrt swaps every 32-bit word: "#!::" goes on the wire as "::!#".
        assertArrayEquals(new byte[] {':', ':', '!', '#'}, java.util.Arrays.copyOf(sid, 4));
        assertEquals(0, sid.length % 4);
        assertEquals("#!::r=live/abc,m=publish", SrtHandshakeMessage.decodeStreamId(sid));
        assertEquals("abcde", SrtHandshakeMessage.decodeStreamId(SrtHandshakeMessage.encodeStreamId("abcde")));

        SrtHandshakeExtension hsreq = new SrtHandshakeExtension(0x010504, 0xBF, 200, 120);
        SrtHandshakeMessage message = new SrtHandshakeMessage(5, 2, SrtHandshakeMessage.FLAG_HSREQ, 12345, 1500, 8192,
                SrtHandshakeMessage.TYPE_CONCLUSION, 777, 0xCAFE, new byte[16],
                List.of(new SrtHandshakeMessage.Extension(SrtHandshakeMessage.EXT_HSREQ, hsreq.toBytes()),
                        new SrtHandshakeMessage.Extension(SrtHandshakeMessage.EXT_SID, sid)));
        SrtHandshakeMessage parsed = SrtHandshakeMessage.parse(message.toBytes());
        assertEquals(SrtHandshakeMessage.TYPE_CONCLUSION, parsed.type());
        assertEquals(2, parsed.encryption());
        assertEquals(12345, parsed.initialSequence());
        assertEquals(hsreq, SrtHandshakeExtension.parse(parsed.extension(SrtHandshakeMessage.EXT_HSREQ).content()));
        assertEquals("#!::r=live/abc,m=publish",
                SrtHandshakeMessage.decodeStreamId(parsed.extension(SrtHandshakeMessage.EXT_SID).content()));

        byte[] truncated = java.util.Arrays.copyOf(message.toBytes(), message.toBytes().length - 2);
        assertNull(SrtHandshakeMessage.parse(truncated), "an extension running past the end");
        assertNull(SrtHandshakeMessage.parse(new byte[47]));
        assertEquals(2401, SrtRejectReason.UNAUTHORIZED.handshakeType());
        assertEquals(1010, SrtRejectReason.BAD_SECRET.handshakeType());
    }
}
