package dev.glasscast.ingest.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.ingest.stun.StunDemultiplexer.PacketKind;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class StunDemultiplexerTest {

    @Test
    void firstByteRangesFollowRfc7983() {
        for (int first = 0; first < 256; first++) {
            PacketKind expected;
            if (first <= 3) {
                expected = PacketKind.STUN;
            } else if (first >= 16 && first <= 19) {
                expected = PacketKind.ZRTP;
            } else if (first >= 20 && first <= 63) {
                expected = PacketKind.DTLS;
            } else if (first >= 64 && first <= 79) {
                expected = PacketKind.TURN_CHANNEL;
            } else if (first >= 128 && first <= 191) {
                expected = PacketKind.RTP;
            } else {
                expected = PacketKind.UNKNOWN;
            }
            assertEquals(expected, StunDemultiplexer.classify(first, 96), "first byte " + first);
        }
    }

    @Test
    void realDatagramsAreTold() {
        assertEquals(PacketKind.STUN, StunDemultiplexer.classify(Unpooled.wrappedBuffer(StunVectors.REQUEST)));
        // A DTLS 1.2 ClientHello record: content type 22, version 0xFEFD.
        assertEquals(PacketKind.DTLS, StunDemultiplexer.classify(Unpooled.wrappedBuffer(new byte[] {22, (byte) 0xFE, (byte) 0xFD})));
        // RTP version 2, H.264 payload type 102 with the marker bit set.
        assertEquals(PacketKind.RTP, StunDemultiplexer.classify(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0xE6})));
        // RTP with payload type 111 (Opus), no marker.
        assertEquals(PacketKind.RTP, StunDemultiplexer.classify(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 111})));
        // RTCP receiver report (201) and transport-wide feedback (205, FMT 15).
        assertEquals(PacketKind.RTCP, StunDemultiplexer.classify(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, (byte) 201})));
        assertEquals(PacketKind.RTCP, StunDemultiplexer.classify(Unpooled.wrappedBuffer(new byte[] {(byte) 0x8F, (byte) 205})));
        assertEquals(PacketKind.UNKNOWN, StunDemultiplexer.classify(Unpooled.EMPTY_BUFFER));
        assertEquals(PacketKind.UNKNOWN, StunDemultiplexer.classify(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80})));
        assertEquals(PacketKind.UNKNOWN, StunDemultiplexer.classify(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, 0})));
    }
}
