package dev.glasscast.ingest.rtp;

import static dev.glasscast.ingest.rtp.RtpH264Samples.AUD;
import static dev.glasscast.ingest.rtp.RtpH264Samples.PPS;
import static dev.glasscast.ingest.rtp.RtpH264Samples.SPS;
import static dev.glasscast.ingest.rtp.RtpH264Samples.nal;
import static dev.glasscast.ingest.rtp.RtpH264Samples.track;
import static dev.glasscast.ingest.rtp.RtpH264Samples.unit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.codec.NalUnits;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpH264PacketizerTest {

    @Test
    void idrWithFiveThousandByteSliceBecomesStapAAndFuAFragments() {
        RtpH264Packetizer packetizer = new RtpH264Packetizer(track(90_000));
        byte[] slice = nal(0x65, 5000, 1);
        List<RtpPayload> payloads = packetizer.packetize(unit(3000, true, AUD, slice));

        assertEquals(6, payloads.size(), "STAP-A and five FU-A fragments");
        byte[] stap = payloads.get(0).payload();
        assertEquals(0x78, stap[0] & 0xFF, "F=0, NRI=3 (highest of SPS and PPS), type 24");
        assertEquals(SPS.length, ((stap[1] & 0xFF) << 8) | (stap[2] & 0xFF));
        assertEquals(1 + 2 + SPS.length + 2 + PPS.length, stap.length);

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 1; i < payloads.size(); i++) {
            byte[] fu = payloads.get(i).payload();
            assertTrue(fu.length <= RtpH264Packetizer.DEFAULT_MAX_PAYLOAD_SIZE);
            assertEquals(0x7C, fu[0] & 0xFF, "FU indicator: NRI of the slice, type 28");
            int expectedHeader = (i == 1 ? 0x80 : 0) | (i == payloads.size() - 1 ? 0x40 : 0) | 5;
            assertEquals(expectedHeader, fu[1] & 0xFF, "S/E bits and the IDR type in packet " + i);
            body.write(fu, 2, fu.length - 2);
        }
        byte[] rebuilt = new byte[5000];
        rebuilt[0] = 0x65;
        System.arraycopy(body.toByteArray(), 0, rebuilt, 1, 4999);
        assertArrayEquals(slice, rebuilt);
        for (int i = 0; i < payloads.size(); i++) {
            assertEquals(i == payloads.size() - 1, payloads.get(i).marker(), "marker only on the last");
            assertEquals(3000, payloads.get(i).timestamp());
        }
        // 4999 body bytes in five fragments of 1000, 1000, 1000, 1000, 999: no runt at the end.
        assertEquals(2 + 1000, payloads.get(1).payload().length);
        assertEquals(2 + 999, payloads.get(5).payload().length);
    }

    @Test
    void nonIdrUnitsGoAsSingleNalUnitsWithoutParameterSets() {
        RtpH264Packetizer packetizer = new RtpH264Packetizer(track(1000));
        byte[] sei = nal(0x06, 20, 2);
        byte[] slice = nal(0x41, 900, 3);
        List<RtpPayload> payloads = packetizer.packetize(unit(1001, false, AUD, sei, slice));
        assertEquals(2, payloads.size());
        assertArrayEquals(sei, payloads.get(0).payload());
        assertArrayEquals(slice, payloads.get(1).payload());
        assertFalse(payloads.get(0).marker());
        assertTrue(payloads.get(1).marker());
        assertEquals(90_090, payloads.get(0).timestamp(), "1001 ms in 90 kHz");
    }

    @Test
    void inBandParameterSetsAreNotDuplicated() {
        RtpH264Packetizer packetizer = new RtpH264Packetizer(track(90_000));
        byte[] otherSps = nal(0x67, 12, 4);
        byte[] otherPps = nal(0x68, 5, 5);
        List<RtpPayload> payloads = packetizer.packetize(unit(0, true, otherSps, otherPps, nal(0x65, 300, 6)));
        assertEquals(2, payloads.size());
        byte[] stap = payloads.get(0).payload();
        assertEquals(24, stap[0] & 0x1F);
        assertEquals(1 + 2 + 12 + 2 + 5, stap.length, "only the unit's own parameter sets");
    }

    @Test
    void parameterSetsThatDoNotFitGoSingly() {
        RtpH264Packetizer packetizer = new RtpH264Packetizer(track(90_000), 64);
        byte[] bigSps = nal(0x67, 40, 7);
        byte[] bigPps = nal(0x68, 30, 8);
        List<RtpPayload> payloads = packetizer.packetize(unit(0, true, bigSps, bigPps, nal(0x65, 200, 9)));
        assertArrayEquals(bigSps, payloads.get(0).payload());
        assertArrayEquals(bigPps, payloads.get(1).payload());
        assertEquals(28, payloads.get(2).payload()[0] & 0x1F);
        payloads.forEach(p -> assertTrue(p.payload().length <= 64));
    }

    @Test
    void everyPayloadFitsTheSizeAndLargeTimestampsDoNotOverflow() {
        RtpH264Packetizer packetizer = new RtpH264Packetizer(track(1_000_000), 500);
        long pts = 40L * 24 * 3600 * 1_000_000; // forty days of microseconds
        List<RtpPayload> payloads = packetizer.packetize(unit(pts, true, nal(0x65, 100_000, 10)));
        payloads.forEach(p -> assertTrue(p.payload().length <= 500));
        assertEquals((int) (40L * 24 * 3600 * 90_000), payloads.get(0).timestamp());
        assertEquals(1 + (99_999 + 497) / 498, payloads.size(), "STAP-A plus the fragments");
    }

    @Test
    void refusesBadConfigurationAndBrokenUnits() {
        assertThrows(IllegalArgumentException.class, () -> new RtpH264Packetizer(track(90_000), 10));
        RtpH264Packetizer packetizer = new RtpH264Packetizer(track(90_000));
        byte[] truncated = NalUnits.toLengthPrefixed(List.of(nal(0x41, 50, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> packetizer.packetize(new dev.glasscast.media.AccessUnit(1, 0, 0, 0, false,
                        java.util.Arrays.copyOf(truncated, 20))));
        assertTrue(packetizer.packetize(unit(0, false, AUD)).isEmpty(), "nothing but a delimiter");
    }
}
