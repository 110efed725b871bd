package dev.glasscast.ingest.rtcp;

import static dev.glasscast.ingest.rtcp.RtcpTestSupport.decode;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.encode;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.hex;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpTransportFeedbackTest {

    private static RtcpTransportFeedback.PacketStatus received(int sequence, long arrivalMicros) {
        return new RtcpTransportFeedback.PacketStatus(sequence, true, arrivalMicros);
    }

    private static RtcpTransportFeedback.PacketStatus lost(int sequence) {
        return new RtcpTransportFeedback.PacketStatus(sequence, false, 0);
    }

    @Test
    void decodesABrowserCaptureWithRtcpPadding() {
        // One packet, a run-length chunk "received, small delta" of 1, delta 148 (37 ms), then one
        // byte of RTCP padding announced by the P bit.
        byte[] wire = hex("afcd0005" + "fa17fa17" + "43032fa0" + "00990001" + "3de80217" + "2001" + "94" + "01");
        RtcpTransportFeedback twcc = (RtcpTransportFeedback) decode(wire).get(0);
        assertEquals(0xFA17FA17, twcc.senderSsrc());
        assertEquals(0x43032FA0, twcc.mediaSsrc());
        assertEquals(153, twcc.baseSequence());
        assertEquals(4_057_090, twcc.referenceTime());
        assertEquals(23, twcc.feedbackCount());
        assertEquals(List.of(received(153, 4_057_090L * 64_000 + 148 * 250)), twcc.packets());
    }

    @Test
    void decodesRunLengthAndBothStatusVectorForms() {
        // Base 65534, 20 packets, reference time -1 (-64 ms), feedback count 9. Chunks:
        //  0003: run length, "not received" x 3            → 65534, 65535, 0 lost
        //  b003: 1-bit vector 1 0 11000000000011           → 1, 2 received; 3..12 lost; 13, 14 received
        //  d900: 2-bit vector 1 1 01 10 01 00 00 00        → 15 small, 16 large, 17 small (the rest unused)
        String chunks = "0003" + "b003" + "d900";
        String deltas = "04" + "04" + "ff" + "01" + "01" + "fffc" + "02";
        byte[] body = hex("00000001" + "00000002" + "fffe0014" + "ffffff09" + chunks + deltas);
        int padding = 4 - (4 + body.length) % 4;
        byte[] wire = new byte[4 + body.length + padding];
        wire[0] = (byte) 0xAF;
        wire[1] = (byte) RtcpPacket.TYPE_RTPFB;
        wire[3] = (byte) (wire.length / 4 - 1);
        System.arraycopy(body, 0, wire, 4, body.length);
        wire[wire.length - 1] = (byte) padding;
        RtcpTransportFeedback twcc = (RtcpTransportFeedback) decode(wire).get(0);
        assertEquals(-1, twcc.referenceTime());
        assertEquals(9, twcc.feedbackCount());
        List<RtcpTransportFeedback.PacketStatus> packets = twcc.packets();
        assertEquals(20, packets.size());
        assertEquals(lost(65534), packets.get(0));
        assertEquals(lost(0), packets.get(2));
        long t = -64_000 + 4 * 250;
        assertEquals(received(1, t), packets.get(3));
        assertEquals(received(2, t += 4 * 250), packets.get(4));
        assertEquals(lost(3), packets.get(5));
        assertEquals(received(13, t += 255 * 250), packets.get(15));
        assertEquals(received(14, t += 250), packets.get(16));
        assertEquals(received(15, t += 250), packets.get(17), "2-bit small");
        assertEquals(received(16, t -= 4 * 250), packets.get(18), "2-bit large, negative: reordered arrival");
        assertEquals(received(17, t + 2 * 250), packets.get(19));
        assertEquals(7, twcc.receivedCount());
    }

    @Test
    void encodesWhatItDecodesWithRunsVectorsAndLargeDeltas() {
        List<RtcpTransportFeedback.PacketStatus> packets = new ArrayList<>();
        long t = 1000L * 64_000;
        int sequence = 65500;
        for (int i = 0; i < 40; i++) {
            packets.add(received(sequence++ & 0xFFFF, t += 1000));
        }
        for (int i = 0; i < 9; i++) {
            packets.add(lost(sequence++ & 0xFFFF));
        }
        packets.add(received(sequence++ & 0xFFFF, t += 100_000));
        packets.add(received(sequence++ & 0xFFFF, t -= 2_000));
        packets.add(lost(sequence++ & 0xFFFF));
        packets.add(received(sequence++ & 0xFFFF, t += 250));
        RtcpTransportFeedback twcc = new RtcpTransportFeedback(3, 4, 65500, 1000, 255, packets);
        byte[] wire = encode(twcc);
        assertEquals(0x8F, wire[0] & 0xFF, "FMT 15 and no P bit: zero padding is inside the body");
        assertEquals(twcc, roundTrip(twcc));
        assertTrue(wire.length < 20 + 2 * 6 + 40 + 2 * 2 + 1 + 4, "runs compress: " + wire.length);

        RtcpTransportFeedback far = new RtcpTransportFeedback(3, 4, 1, 0, 0, List.of(received(1, 9_000_000)));
        assertThrows(IllegalArgumentException.class, () -> encode(far), "9 s does not fit a delta");
    }

    @Test
    void malformedFeedbackIsRefused() {
        String header = "00000001" + "00000002";
        String[] bad = {
            "8fcd0003" + header + "00000000",                               // fixed part cut short
            "8fcd0004" + header + "00000001" + "00000000",                  // a status but no chunk
            "8fcd0005" + header + "00000002" + "00000000" + "6002" + "0000", // reserved symbol 3
            "afcd0005" + header + "00000001" + "00000000" + "4001" + "0002", // large delta lost to the padding
            "8fcd0005" + header + "00000001" + "00000000" + "0000" + "0000", // run of length 0
        };
        for (String packet : bad) {
            assertThrows(RtcpFormatException.class, () -> decode(hex(packet)), packet);
        }
        // Four bytes of run-length chunks claim 65535 packets; the limit keeps that from becoming objects.
        byte[] flood = hex("8fcd0006" + header + "0000ffff" + "00000000" + "1fff1fff" + "1fff1fff");
        assertThrows(RtcpFormatException.class, () -> new RtcpPacketDecoder(1500, 32, 1000).decode(Unpooled.wrappedBuffer(flood)));
        assertThrows(RtcpFormatException.class, () -> decode(flood), "over the default limit too");
        RtcpTransportFeedback none = (RtcpTransportFeedback) decode(hex("8fcd0004" + header + "00000000" + "00000000")).get(0);
        assertTrue(none.packets().isEmpty(), "no packets at all is harmless");
    }
}
