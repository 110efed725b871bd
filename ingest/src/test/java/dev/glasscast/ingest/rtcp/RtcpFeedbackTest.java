package dev.glasscast.ingest.rtcp;

import static dev.glasscast.ingest.rtcp.RtcpTestSupport.decode;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.encode;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.hex;
import static dev.glasscast.ingest.rtcp.RtcpTestSupport.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpFeedbackTest {

    @Test
    void genericNackPidAndBlpAsRfc4585Describes() {
        // RFC 4585 6.2.1: PID 1000 lost; BLP bit i set means PID+i+1 lost too: bits 0 and 2 → 1001 and 1003.
        byte[] wire = hex("81cd0003" + "00000001" + "00000002" + "03e8" + "0005");
        RtcpGenericNack nack = (RtcpGenericNack) decode(wire).get(0);
        assertEquals(1, nack.senderSsrc());
        assertEquals(2, nack.mediaSsrc());
        assertEquals(List.of(1000, 1001, 1003), nack.lostSequences());
        assertEquals(hex(wire), hex(encode(nack)));
    }

    @Test
    void nackEncodingGroupsSixteenAfterEachPidAndCrossesTheWrap() {
        RtcpGenericNack nack = new RtcpGenericNack(1, 2, List.of(65534, 65535, 0, 14, 15, 40));
        // 65534 covers up to 14 (distance 16); 15 starts a pair, 40 another.
        byte[] wire = encode(nack);
        assertEquals("81cd0005" + "00000001" + "00000002" + "fffe" + "8003" + "000f" + "0000" + "0028" + "0000",
                hex(wire));
        assertEquals(nack, roundTrip(nack));
        assertThrows(IllegalArgumentException.class, () -> encode(new RtcpGenericNack(1, 2, List.of())));
        assertThrows(RtcpFormatException.class, () -> decode(hex("81cd0002" + "00000001" + "00000002")), "no FCI");
    }

    @Test
    void pliAndFirHaveTheirRfcLayouts() {
        RtcpPictureLossIndication pli = new RtcpPictureLossIndication(0xAABBCCDD, 0x11223344);
        assertEquals("81ce0002aabbccdd11223344", hex(encode(pli)));
        assertEquals(pli, roundTrip(pli));

        RtcpFullIntraRequest fir = new RtcpFullIntraRequest(5, List.of(new RtcpFullIntraRequest.Entry(0x11223344, 7)));
        // RFC 5104 4.3.1: media SSRC 0, then SSRC and sequence number with 24 reserved bits.
        assertEquals("84ce0004" + "00000005" + "00000000" + "11223344" + "07000000", hex(encode(fir)));
        assertEquals(fir, roundTrip(fir));
        assertThrows(RtcpFormatException.class, () -> decode(hex("84ce0003" + "00000005" + "00000000" + "11223344")),
                "FIR entry cut in half");
    }

    @Test
    void rembFromAChromeLikeCaptureAndRoundTrip() {
        // Num SSRC 1, exponent 6, mantissa 139487: 8 927 168 bit/s for SSRC 0x487aed16.
        byte[] wire = hex("8fce0005" + "00000001" + "00000000" + "52454d42" + "011a20df" + "4874ed16");
        RtcpRemb remb = (RtcpRemb) decode(wire).get(0);
        assertEquals(8_927_168L, remb.bitrate());
        assertEquals(List.of(0x4874ED16), remb.ssrcs());
        assertEquals(hex(wire), hex(encode(remb)));

        RtcpRemb big = new RtcpRemb(9, 2_500_000_000L, List.of(1, 2));
        RtcpRemb back = (RtcpRemb) roundTrip(big);
        assertEquals(List.of(1, 2), back.ssrcs());
        // An 18-bit mantissa keeps the top 18 bits: within 1/131072 of the value, never above it.
        long error = big.bitrate() - back.bitrate();
        assertEquals(true, error >= 0 && error < big.bitrate() / 131_072, "error " + error);
        assertEquals(1_000_000L, ((RtcpRemb) roundTrip(new RtcpRemb(9, 1_000_000L, List.of()))).bitrate());
        assertThrows(RtcpFormatException.class,
                () -> decode(hex("8fce0004" + "00000001" + "00000000" + "52454d42" + "031a20df")), "three SSRCs missing");
    }

    @Test
    void otherApplicationFeedbackStaysUnknown() {
        byte[] wire = hex("8fce0003" + "00000001" + "00000000" + "41424344");
        RtcpUnknownPacket packet = assertInstanceOf(RtcpUnknownPacket.class, decode(wire).get(0));
        assertEquals(RtcpPacket.TYPE_PSFB, packet.packetType());
        assertEquals(RtcpPacket.FMT_AFB, packet.count());
        assertInstanceOf(RtcpUnknownPacket.class, decode(hex("83cd0002" + "00000001" + "00000002")).get(0), "TMMBR");
    }
}
