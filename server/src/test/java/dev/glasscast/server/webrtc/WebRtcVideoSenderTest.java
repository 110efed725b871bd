package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.rtcp.RtcpPacketDecoder;
import dev.glasscast.ingest.rtcp.RtcpSenderReport;
import dev.glasscast.ingest.rtp.RtpPacket;
import dev.glasscast.ingest.rtp.RtpPacketDecoder;
import dev.glasscast.ingest.srtp.SrtpContext;
import dev.glasscast.ingest.srtp.SrtpProfile;
import dev.glasscast.ingest.srtp.SrtpResult;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.NalUnits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What one viewer's video sender puts on the wire, read back as the browser reads it: SRTP
 * unprotected with the same keys, RTP decoded. It starts at a key frame with the parameter sets
 * in front, counts sequence numbers on from a random start, stamps pts in 90 kHz plus the
 * offset, resends from its history what a NACK names, and reports its clock.
 */
class WebRtcVideoSenderTest {

    private static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1F, (byte) 0xDA, 0x01, 0x40, 0x16, (byte) 0xE8};
    private static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = new byte[14];
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 50000);
    private static final int SSRC = 0x1234_5678;
    private static final int ABS_SEND_TIME_ID = 3;
    private static final int PAYLOAD_TYPE = 102;

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i * 7 + 1);
        }
        for (int i = 0; i < SALT.length; i++) {
            SALT[i] = (byte) (i * 13 + 5);
        }
    }

    private final List<byte[]> wire = new ArrayList<>();
    private final WebRtcDatagramSender out = (datagram, to) -> {
        assertEquals(VIEWER, to);
        wire.add(ByteBufUtil.getBytes(datagram));
        datagram.release();
    };
    private final SrtpContext browser = new SrtpContext(SrtpProfile.AES128_CM_HMAC_SHA1_80, KEY, SALT, 4);
    private final WebRtcVideoSender sender = new WebRtcVideoSender("test", PAYLOAD_TYPE, SSRC,
            new SrtpContext(SrtpProfile.AES128_CM_HMAC_SHA1_80, KEY, SALT, 4), out, () -> VIEWER, 65534, 1000,
            ABS_SEND_TIME_ID);

    private static TrackInfo track() {
        byte[] avcC = AvcDecoderConfig.of(List.of(SPS), List.of(PPS)).toBytes();
        return TrackInfo.video(1, Codec.H264, 1000, 426, 240, 25, 0, avcC);
    }

    private static AccessUnit unit(long ptsMillis, boolean key, int size) {
        byte[] nal = new byte[size];
        nal[0] = (byte) (key ? 0x65 : 0x41);
        for (int i = 1; i < size; i++) {
            nal[i] = (byte) (i * 31);
        }
        return new AccessUnit(1, ptsMillis, ptsMillis, 40, key, NalUnits.toLengthPrefixed(List.of(nal)));
    }

    private RtpPacket received(byte[] srtp) {
        SrtpResult result = browser.unprotectRtp(srtp, 0, srtp.length);
        byte[] plain = assertInstanceOf(SrtpResult.Packet.class, result, String.valueOf(result)).packet();
        ByteBuf buf = Unpooled.wrappedBuffer(plain);
        return new RtpPacketDecoder().decode(buf);
    }

    @Test
    void startsAtAKeyFrameWithItsParameterSetsAndCountsOnFromTheRandomStart() {
        sender.track(track());
        sender.send(unit(0, false, 100));
        assertTrue(wire.isEmpty(), "nothing before the first key frame");

        sender.send(unit(40, true, 3000));
        sender.send(unit(80, false, 500));
        List<RtpPacket> packets = wire.stream().map(this::received).toList();
        // STAP-A (SPS, PPS), three FU-As of the 3000-byte IDR, then the P-frame.
        assertEquals(5, packets.size(), packets.toString());
        assertEquals(24, packets.get(0).payload()[0] & 0x1F, "STAP-A first");
        assertEquals(28, packets.get(1).payload()[0] & 0x1F, "then FU-A");
        int[] sequences = packets.stream().mapToInt(RtpPacket::sequence).toArray();
        assertArrayEquals(new int[] {65534, 65535, 0, 1, 2}, sequences, "wrapping at 65536");
        for (RtpPacket packet : packets) {
            assertEquals(SSRC, packet.ssrc());
            assertEquals(PAYLOAD_TYPE, packet.payloadType());
            // The send time the browser's bandwidth estimate (REMB) is made from.
            assertEquals(3, packet.extensions().find(ABS_SEND_TIME_ID).data().length, packet.toString());
        }
        assertEquals(40 * 90 + 1000, packets.get(0).timestamp(), "pts in 90 kHz plus the offset");
        assertEquals(80 * 90 + 1000, packets.get(4).timestamp());
        assertFalse(packets.get(2).marker());
        assertTrue(packets.get(3).marker(), "the IDR's last packet ends the access unit");
        assertTrue(packets.get(4).marker());
        assertEquals(2, sender.stats().units());
    }

    @Test
    void aNackGetsTheSamePacketsAgainAndTheHistoryForgetsWhatLeftIt() {
        sender.track(track());
        sender.send(unit(0, true, 500));
        sender.send(unit(40, false, 500));
        List<byte[]> first = List.copyOf(wire);
        wire.clear();
        sender.retransmit(List.of(65535, 0, 4242));
        assertEquals(2, wire.size(), "the two it still has; 4242 was never sent");
        assertArrayEquals(first.get(1), wire.get(0));
        assertArrayEquals(first.get(2), wire.get(1));
        assertEquals(2, sender.stats().retransmitted());

        for (int i = 0; i < WebRtcPacketHistory.DEFAULT_CAPACITY; i++) {
            sender.send(unit(80 + 40L * i, false, 100));
        }
        wire.clear();
        sender.retransmit(List.of(65535));
        assertTrue(wire.isEmpty(), "older than the history");
    }

    @Test
    void aTrackChangeWaitsForTheNextKeyFrame() {
        sender.track(track());
        sender.send(unit(0, true, 100));
        TrackInfo bigger = TrackInfo.video(1, Codec.H264, 1000, 640, 360, 25, 0, track().codecConfig());
        sender.track(bigger);
        wire.clear();
        sender.send(unit(40, false, 100));
        assertTrue(wire.isEmpty());
        sender.send(unit(80, true, 100));
        assertFalse(wire.isEmpty());
    }

    @Test
    void anIdrMadeForAViewersPliStartsTheStreamThoughItIsNoRandomAccessPoint() {
        sender.track(track());
        AccessUnit refresh = unit(40, true, 100);
        sender.send(new AccessUnit(1, 40, 40, 40, false, refresh.data()));
        List<RtpPacket> packets = wire.stream().map(this::received).toList();
        assertEquals(2, packets.size(), "parameter sets, then the IDR: " + packets);
        assertEquals(5, packets.get(1).payload()[0] & 0x1F);
    }

    @Test
    void theSenderReportTiesTheRtpClockToTheWallClock() {
        sender.report(0, 42);
        assertTrue(wire.isEmpty(), "no report before anything was sent");
        sender.track(track());
        sender.send(unit(1000, true, 100));
        wire.clear();
        sender.report(1.5, 0xE000_0000_8000_0000L);
        assertEquals(1, wire.size());
        byte[] srtcp = wire.getFirst();
        SrtpResult result = browser.unprotectRtcp(srtcp, 0, srtcp.length);
        byte[] plain = assertInstanceOf(SrtpResult.Packet.class, result, String.valueOf(result)).packet();
        RtcpSenderReport report = assertInstanceOf(RtcpSenderReport.class,
                new RtcpPacketDecoder().decode(Unpooled.wrappedBuffer(plain)).getFirst());
        assertEquals(SSRC, report.ssrc());
        assertEquals(0xE000_0000_8000_0000L, report.ntpTimestamp());
        assertEquals(1000 + 135_000, report.rtpTimestamp(), "media time 1.5 s in 90 kHz, plus the offset");
        assertEquals(2, report.packetCount(), "the STAP-A and the IDR");
    }

    @Test
    void theHistoryFindsOnlyWhatItHolds() {
        WebRtcPacketHistory history = new WebRtcPacketHistory(4);
        history.add(65535, new byte[] {1});
        history.add(0, new byte[] {2});
        assertArrayEquals(new byte[] {1}, history.find(65535));
        assertArrayEquals(new byte[] {2}, history.find(0));
        assertNull(history.find(4), "same slot as 0, another number");
        history.add(4, new byte[] {3});
        assertNull(history.find(0), "overwritten");
    }
}
