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
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.codec.NalUnits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpH264DepacketizerTest {

    private final RtpH264Packetizer packetizer = new RtpH264Packetizer(track(90_000));
    private int sequence = 65530;

    /** Packetizes, sends each payload through the wire codec (pooled buffers, released), and returns the packets. */
    private List<RtpPacket> packets(AccessUnit unit) {
        List<RtpPacket> out = new ArrayList<>();
        RtpPacketDecoder decoder = new RtpPacketDecoder();
        for (RtpPayload payload : packetizer.packetize(unit)) {
            ByteBuf wire = RtpPacketEncoder.encode(PooledByteBufAllocator.DEFAULT,
                    payload.toPacket(102, sequence++, 0xCAFE, 12345));
            try {
                out.add(decoder.decode(wire));
            } finally {
                wire.release();
            }
        }
        return out;
    }

    private static List<RtpH264AccessUnit> feed(RtpH264Depacketizer depacketizer, List<RtpPacket> packets) {
        List<RtpH264AccessUnit> out = new ArrayList<>();
        packets.forEach(p -> out.addAll(depacketizer.push(p)));
        return out;
    }

    @Test
    void idrRoundTripsThroughStapAAndFuA() {
        RtpH264Depacketizer depacketizer = new RtpH264Depacketizer();
        assertTrue(depacketizer.keyFrameNeeded(), "nothing decodable before the first IDR");
        byte[] slice = nal(0x65, 5000, 1);
        List<RtpPacket> packets = packets(unit(3000, true, AUD, slice));
        assertEquals(6, packets.size());
        List<RtpH264AccessUnit> units = feed(depacketizer, packets);

        assertEquals(1, units.size());
        RtpH264AccessUnit au = units.get(0);
        List<byte[]> nals = NalUnits.splitLengthPrefixed(au.data());
        assertEquals(3, nals.size(), "SPS, PPS and the slice; the delimiter was not sent");
        assertArrayEquals(SPS, nals.get(0));
        assertArrayEquals(PPS, nals.get(1));
        assertArrayEquals(slice, nals.get(2));
        assertTrue(au.keyFrame());
        assertFalse(au.damaged());
        assertTrue(au.decodable());
        assertArrayEquals(SPS, au.sps().get(0));
        assertArrayEquals(PPS, au.pps().get(0));
        assertEquals(3000 + 12345, au.timestamp());
        assertFalse(depacketizer.keyFrameNeeded());
        AccessUnit media = au.toAccessUnit(7, 12345);
        assertEquals(3000, media.pts());
        assertTrue(media.keyFrame());
    }

    @Test
    void lossOfAMiddleFuAFragmentDropsTheNalAndAsksForAKeyFrame() {
        RtpH264Depacketizer depacketizer = new RtpH264Depacketizer();
        feed(depacketizer, packets(unit(0, true, nal(0x65, 3000, 2))));
        assertFalse(depacketizer.keyFrameNeeded());

        List<RtpPacket> idr = packets(unit(3000, true, nal(0x65, 5000, 3)));
        idr.remove(3);
        List<RtpH264AccessUnit> damaged = feed(depacketizer, idr);
        assertEquals(1, damaged.size());
        RtpH264AccessUnit au = damaged.get(0);
        assertTrue(au.damaged());
        assertFalse(au.decodable());
        assertFalse(au.keyFrame(), "the IDR slice itself was dropped");
        assertEquals(2, NalUnits.splitLengthPrefixed(au.data()).size(), "only the parameter sets survive");
        assertEquals(1, depacketizer.lostPackets());
        assertTrue(depacketizer.keyFrameNeeded(), "time for a PLI");

        List<RtpH264AccessUnit> next = feed(depacketizer, packets(unit(6000, false, nal(0x41, 2500, 4))));
        assertFalse(next.get(0).damaged());
        assertFalse(next.get(0).decodable(), "its reference is broken");
        assertTrue(depacketizer.keyFrameNeeded());

        List<RtpH264AccessUnit> recovered = feed(depacketizer, packets(unit(9000, true, nal(0x65, 1500, 5))));
        assertTrue(recovered.get(0).decodable());
        assertFalse(depacketizer.keyFrameNeeded());
    }

    @Test
    void aLostMarkerIsFoundAtTheNextTimestampAndALostStartDamagesBoth() {
        RtpH264Depacketizer depacketizer = new RtpH264Depacketizer();
        List<RtpPacket> first = packets(unit(0, true, nal(0x65, 500, 1), nal(0x65, 400, 2)));
        List<RtpPacket> second = packets(unit(3000, false, nal(0x41, 300, 3)));
        RtpPacket lastOfFirst = first.remove(first.size() - 1);
        assertTrue(feed(depacketizer, first).isEmpty());
        List<RtpH264AccessUnit> units = feed(depacketizer, second);
        assertEquals(2, units.size(), "the open unit ends at the new timestamp");
        assertTrue(units.get(0).damaged());
        assertTrue(units.get(1).damaged(), "the gap could have been this unit's start");
        assertTrue(depacketizer.push(lastOfFirst).isEmpty(), "late packets are dropped");
    }

    @Test
    void aMarkerlessSenderStillGetsUndamagedUnits() {
        RtpH264Depacketizer depacketizer = new RtpH264Depacketizer();
        assertTrue(depacketizer.push(1, 100, false, nal(0x65, 50, 1)).isEmpty());
        List<RtpH264AccessUnit> units = depacketizer.push(2, 200, false, nal(0x41, 50, 2));
        assertEquals(1, units.size());
        assertFalse(units.get(0).damaged());
        assertTrue(units.get(0).decodable());
    }

    @Test
    void malformedPayloadsAreDroppedAndCounted() {
        RtpH264Depacketizer depacketizer = new RtpH264Depacketizer();
        depacketizer.push(1, 0, false, new byte[0]);
        depacketizer.push(2, 0, false, new byte[] {0x78, 0x00, 0x09, 0x67});
        depacketizer.push(3, 0, false, new byte[] {0x7C, (byte) 0xC5, 1});
        depacketizer.push(4, 0, false, new byte[] {0x7C});
        depacketizer.push(5, 0, false, new byte[] {0x79, 0, 1, 0});
        depacketizer.push(6, 0, false, new byte[] {0x78, 0x00, 0x00});
        List<RtpH264AccessUnit> units = depacketizer.push(7, 0, true, new byte[] {0x65, 1, 2});
        assertEquals(6, depacketizer.malformedPackets(), "empty, STAP-A length past the end, S and E, short FU, STAP-B, zero size");
        assertEquals(1, units.size());
        assertTrue(units.get(0).damaged());
        assertEquals(1, NalUnits.splitLengthPrefixed(units.get(0).data()).size());
    }

    @Test
    void oversizedUnitsAreDroppedWhole() {
        RtpH264Depacketizer depacketizer = new RtpH264Depacketizer(4000);
        List<RtpH264AccessUnit> units = feed(depacketizer, packets(unit(0, true, nal(0x65, 5000, 1))));
        assertTrue(units.isEmpty());
        assertEquals(1, depacketizer.droppedUnits());
        assertTrue(depacketizer.keyFrameNeeded());
        assertEquals(1, feed(depacketizer, packets(unit(3000, true, nal(0x65, 3000, 2)))).size());
        assertFalse(depacketizer.keyFrameNeeded());
    }

    @Test
    void randomPayloadsNeverThrowAndStayWithinTheLimit() {
        RtpH264Depacketizer depacketizer = new RtpH264Depacketizer(64 * 1024);
        Random random = new Random(6184);
        int timestamp = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] payload = new byte[random.nextInt(200)];
            random.nextBytes(payload);
            if (payload.length > 0 && random.nextInt(3) == 0) {
                payload[0] = (byte) ((payload[0] & 0xE0) | (random.nextBoolean() ? 24 : 28));
            }
            if (random.nextInt(20) == 0) {
                timestamp += 3000;
            }
            int seq = i + (random.nextInt(50) == 0 ? random.nextInt(5) : 0);
            for (RtpH264AccessUnit au : depacketizer.push(seq, timestamp, random.nextInt(10) == 0, payload)) {
                assertTrue(au.data().length <= 64 * 1024);
                NalUnits.splitLengthPrefixed(au.data());
            }
        }
        assertTrue(depacketizer.malformedPackets() > 0);
    }
}
