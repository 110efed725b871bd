package dev.glasscast.ingest.rtcp;

import static dev.glasscast.ingest.rtcp.RtcpTestSupport.decode;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.encode;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.hex;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtcpPacketCodecTest {

    private static final RtcpReportBlock BLOCK = new RtcpReportBlock(0x11223344, 25, -3, 0x0001FFFF, 120,
            0xB7052000, 0x00054000);

    @Test
    void senderReportWithABlockMatchesTheRfc3550Layout() {
        RtcpSenderReport sr = new RtcpSenderReport(0x01020304, 0x83AA7E8080000000L, 90_000, 10, 1000, List.of(BLOCK));
        byte[] wire = encode(sr);
        assertEquals(28 + 24, wire.length);
        assertEquals("81c8000c" + "01020304" + "83aa7e8080000000" + "00015f90" + "0000000a" + "000003e8"
                + "11223344" + "19fffffd" + "0001ffff" + "00000078" + "b7052000" + "00054000", hex(wire));
        assertEquals(sr, roundTrip(sr));
    }

    @Test
    void receiverReportsRoundTripWithAndWithoutBlocks() {
        RtcpReceiverReport rr = new RtcpReceiverReport(7, List.of(BLOCK, new RtcpReportBlock(9, 255, 0x7FFFFF, 1, 2, 0, 0)));
        assertEquals(rr, roundTrip(rr));
        RtcpReceiverReport empty = new RtcpReceiverReport(7, List.of());
        assertEquals("80c9000100000007", hex(encode(empty)));
        assertEquals(empty, roundTrip(empty));
        assertEquals(25 / 256.0, BLOCK.lossRatio());
    }

    @Test
    void sdesCnameIsNullTerminatedAndPaddedToAWord() {
        byte[] wire = encode(RtcpSourceDescription.cname(0x0A0B0C0D, "glass"));
        // ssrc, CNAME(1) length 5 "glass", then one null ends the list: 4 + 7 + 1 = 12 bytes.
        assertEquals("81ca0003" + "0a0b0c0d" + "0105676c617373" + "00", hex(wire));
        RtcpSourceDescription back = (RtcpSourceDescription) decode(wire).get(0);
        assertEquals("glass", back.chunks().get(0).cname());
        // A four-byte name needs a whole word of nulls after it.
        byte[] aligned = encode(RtcpSourceDescription.cname(1, "ab"));
        assertEquals("81ca0003" + "00000001" + "01026162" + "00000000", hex(aligned));
        assertEquals("ab", ((RtcpSourceDescription) decode(aligned).get(0)).chunks().get(0).cname());
    }

    @Test
    void sdesItemsOtherThanCnameAreSkipped() {
        // Two chunks: NAME(2) then CNAME; and one with no items at all.
        byte[] wire = hex("82ca0006" + "00000001" + "02026869" + "01027878" + "00000000" + "00000002" + "00000000");
        RtcpSourceDescription sdes = (RtcpSourceDescription) decode(wire).get(0);
        assertEquals("xx", sdes.chunks().get(0).cname());
        assertNull(sdes.chunks().get(1).cname());
    }

    @Test
    void byeWithReasonAndCompoundPacketsRoundTrip() {
        RtcpBye bye = new RtcpBye(List.of(1, 2), "gone");
        assertEquals("82cb0004" + "00000001" + "00000002" + "04676f6e" + "65000000", hex(encode(bye)));
        assertEquals(bye, roundTrip(bye));
        RtcpSenderReport sr = new RtcpSenderReport(5, 1L << 40, 3, 4, 5, List.of());
        List<RtcpPacket> compound = decode(encode(sr, RtcpSourceDescription.cname(5, "x"), new RtcpBye(List.of(5), "")));
        assertEquals(3, compound.size());
        assertEquals(sr, compound.get(0));
        assertEquals(new RtcpBye(List.of(5), ""), compound.get(2));
    }

    @Test
    void unknownTypesAreKeptAndPaddingIsRemoved() {
        // APP packet, then an RR with the P bit and 4 bytes of padding (as SRTCP senders may add).
        byte[] wire = hex("80cc0002" + "00000001" + "41424344" + "a0c90002" + "00000007" + "00000004");
        List<RtcpPacket> packets = decode(wire);
        RtcpUnknownPacket app = assertInstanceOf(RtcpUnknownPacket.class, packets.get(0));
        assertEquals(RtcpPacket.TYPE_APP, app.packetType());
        assertArrayEquals(hex("0000000141424344"), app.body());
        assertEquals(new RtcpReceiverReport(7, List.of()), packets.get(1));
        assertArrayEquals(hex("80cc0002" + "00000001" + "41424344"), encode(app));
    }

    @Test
    void malformedCompoundsAreRefusedWithTheDocumentedExceptionOnly() {
        String[] bad = {
            "80c9",                             // shorter than a header
            "40c9000100000007",                 // version 1
            "80c9000200000007",                 // length runs past the datagram
            "80c900010000000700",               // trailing byte
            "a0c9000100000000",                 // padding count 0
            "a0c9000100000009",                 // padding larger than the body
            "81c9000100000007",                 // RR claims a block it lacks
            "81c8000100000007",                 // SR too short for its sender info
            "81ca000200000001" + "010a6162",    // SDES item runs past the packet
            "81ca000100000001",                 // SDES chunk without its terminator
            "81cb0000",                         // BYE without its SSRC
            "80cb0001" + "05616200",            // BYE reason past the end
        };
        for (String packet : bad) {
            assertThrows(RtcpFormatException.class, () -> decode(hex(packet)), packet);
        }
        RtcpPacketDecoder strict = new RtcpPacketDecoder(1500, 2, 100);
        byte[] three = encode(new RtcpReceiverReport(1, List.of()), new RtcpReceiverReport(2, List.of()),
                new RtcpReceiverReport(3, List.of()));
        assertThrows(RtcpFormatException.class, () -> strict.decode(Unpooled.wrappedBuffer(three)), "packet count limit");
        assertThrows(RtcpFormatException.class,
                () -> new RtcpPacketDecoder(8, 2, 100).decode(Unpooled.wrappedBuffer(three)), "size limit");
    }

    @Test
    void randomCompoundsNeverThrowAnythingElseAndDecodedOnesReencodeStably() {
        Random random = new Random(3550);
        RtcpPacketDecoder decoder = new RtcpPacketDecoder();
        int decoded = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] junk = new byte[4 * random.nextInt(16)];
            random.nextBytes(junk);
            if (junk.length >= 4) {
                // Mostly plausible headers, so the body parsers are exercised and not just the version check.
                junk[0] = (byte) (0x80 | (junk[0] & 0x3F));
                junk[1] = (byte) (200 + random.nextInt(7));
                junk[2] = 0;
                junk[3] = (byte) (junk.length / 4 - 1);
            }
            ByteBuf buf = Unpooled.wrappedBuffer(junk);
            try {
                List<RtcpPacket> packets = decoder.decode(buf);
                decoded++;
                try {
                    byte[] once = encode(packets.toArray(RtcpPacket[]::new));
                    assertArrayEquals(once, encode(decode(once).toArray(RtcpPacket[]::new)));
                } catch (IllegalArgumentException notEncodable) {
                    // e.g. a TWCC delta over 8 s apart or a NACK without entries: legal to receive, refused to send
                }
            } catch (RtcpFormatException expected) {
                // refused, as documented
            }
        }
        assertTrue(decoded > 1000, "decoded " + decoded);
    }
}
