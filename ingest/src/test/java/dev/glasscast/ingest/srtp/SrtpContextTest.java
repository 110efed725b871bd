package dev.glasscast.ingest.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpContextTest {

    private static final byte[] KEY = HexFormat.of().parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] SALT = HexFormat.of().parseHex("0ec675ad498afeebb6960b3aabe6");
    private static final int SSRC = 0x11223344;

    private static SrtpContext context(SrtpProfile profile) {
        return new SrtpContext(profile, KEY, Arrays.copyOf(SALT, profile.saltLength()), SrtpContext.DEFAULT_MAX_SSRCS);
    }

    /** An RTP packet with a one-byte header extension, as browsers send, and {@code payload} bytes. */
    static byte[] rtp(int seq, int ssrc, int payload) {
        byte[] packet = new byte[12 + 8 + payload];
        packet[0] = (byte) 0x90;
        packet[1] = 96;
        packet[2] = (byte) (seq >>> 8);
        packet[3] = (byte) seq;
        packet[8] = (byte) (ssrc >>> 24);
        packet[9] = (byte) (ssrc >>> 16);
        packet[10] = (byte) (ssrc >>> 8);
        packet[11] = (byte) ssrc;
        packet[12] = (byte) 0xBE;
        packet[13] = (byte) 0xDE;
        packet[15] = 1;
        packet[16] = 0x10;
        packet[17] = 42;
        for (int i = 20; i < packet.length; i++) {
            packet[i] = (byte) (i * 7 + seq);
        }
        return packet;
    }

    /** A receiver report with one report block. */
    static byte[] rtcp(int ssrc) {
        byte[] packet = new byte[32];
        packet[0] = (byte) 0x81;
        packet[1] = (byte) 201;
        packet[3] = 7;
        packet[4] = (byte) (ssrc >>> 24);
        packet[5] = (byte) (ssrc >>> 16);
        packet[6] = (byte) (ssrc >>> 8);
        packet[7] = (byte) ssrc;
        for (int i = 8; i < packet.length; i++) {
            packet[i] = (byte) i;
        }
        return packet;
    }

    private static byte[] ok(SrtpResult result) {
        return assertInstanceOf(SrtpResult.Packet.class, result).packet();
    }

    private static SrtpResult.Reason refused(SrtpResult result) {
        return assertInstanceOf(SrtpResult.Refused.class, result).reason();
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripKeepsTheHeaderClearAndThePayloadSecret(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] plain = rtp(1000, SSRC, 100);
        byte[] protectedPacket = ok(sender.protectRtp(plain, 0, plain.length));
        assertEquals(plain.length + profile.tagLength(), protectedPacket.length);
        assertArrayEquals(Arrays.copyOf(plain, 20), Arrays.copyOf(protectedPacket, 20));
        assertEquals(false, Arrays.equals(plain, 20, plain.length, protectedPacket, 20, plain.length));
        assertArrayEquals(plain, ok(receiver.unprotectRtp(protectedPacket, 0, protectedPacket.length)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTrip(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        for (int i = 0; i < 3; i++) {
            byte[] plain = rtcp(SSRC);
            byte[] protectedPacket = ok(sender.protectRtcp(plain, 0, plain.length));
            assertEquals(plain.length + 4 + profile.tagLength(), protectedPacket.length);
            assertArrayEquals(plain, ok(receiver.unprotectRtcp(protectedPacket, 0, protectedPacket.length)));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aFlippedByteFailsAuthenticationAndDoesNotMoveTheWindow(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] plain = rtp(5, SSRC, 50);
        byte[] good = ok(sender.protectRtp(plain, 0, plain.length));
        for (int at : new int[] {3, 25, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x01;
            assertEquals(SrtpResult.Reason.AUTHENTICATION, refused(receiver.unprotectRtp(bad, 0, bad.length)));
        }
        assertArrayEquals(plain, ok(receiver.unprotectRtp(good, 0, good.length)));
        byte[] report = rtcp(SSRC);
        byte[] srtcp = ok(sender.protectRtcp(report, 0, report.length));
        srtcp[10] ^= 0x40;
        assertEquals(SrtpResult.Reason.AUTHENTICATION, refused(receiver.unprotectRtcp(srtcp, 0, srtcp.length)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aReplayedPacketIsRefused(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] first = ok(sender.protectRtp(rtp(7, SSRC, 20), 0, 40));
        byte[] second = ok(sender.protectRtp(rtp(8, SSRC, 20), 0, 40));
        ok(receiver.unprotectRtp(second, 0, second.length));
        ok(receiver.unprotectRtp(first, 0, first.length));
        assertEquals(SrtpResult.Reason.REPLAY, refused(receiver.unprotectRtp(first, 0, first.length)));
        assertEquals(SrtpResult.Reason.REPLAY, refused(receiver.unprotectRtp(second, 0, second.length)));
        byte[] report = rtcp(SSRC);
        byte[] srtcp = ok(sender.protectRtcp(report, 0, report.length));
        ok(receiver.unprotectRtcp(srtcp, 0, srtcp.length));
        assertEquals(SrtpResult.Reason.REPLAY, refused(receiver.unprotectRtcp(srtcp, 0, srtcp.length)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void theRolloverCounterFollowsSequence65535To0(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] late = null;
        for (int n = 0; n < 20; n++) {
            int seq = (65530 + n) & 0xFFFF;
            byte[] protectedPacket = ok(sender.protectRtp(rtp(seq, SSRC, 30), 0, 50));
            if (seq == 65534) {
                late = protectedPacket;
                continue;
            }
            assertArrayEquals(rtp(seq, SSRC, 30), ok(receiver.unprotectRtp(protectedPacket, 0, protectedPacket.length)));
        }
        assertEquals(1, sender.rolloverCounter(SSRC));
        assertEquals(1, receiver.rolloverCounter(SSRC));
        // A packet from before the wrap, arriving after it, still gets ROC 0 and authenticates.
        assertArrayEquals(rtp(65534, SSRC, 30), ok(receiver.unprotectRtp(late, 0, late.length)));
        assertEquals(1, receiver.rolloverCounter(SSRC));
    }

    @Test
    void aReceiverThatGuessesTheWrongRolloverCounterFailsAuthentication() {
        // The index is in the tag (CM) and the IV (GCM): a ROC of 1 cannot pass as 0.
        SrtpContext sender = context(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        for (int seq = 65000; seq <= 65535; seq += 500) {
            ok(sender.protectRtp(rtp(seq, SSRC, 10), 0, 30));
        }
        ok(sender.protectRtp(rtp(65535, SSRC, 10), 0, 30));
        byte[] afterWrap = ok(sender.protectRtp(rtp(3, SSRC, 10), 0, 30));
        SrtpContext freshReceiver = context(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        assertEquals(SrtpResult.Reason.AUTHENTICATION, refused(freshReceiver.unprotectRtp(afterWrap, 0, afterWrap.length)));
    }

    @Test
    void malformedAndUnencryptedPacketsAreRefusedWithoutAnException() {
        SrtpContext receiver = context(SrtpProfile.AEAD_AES_128_GCM);
        assertEquals(SrtpResult.Reason.MALFORMED, refused(receiver.unprotectRtp(new byte[5], 0, 5)));
        byte[] extensionPastTheEnd = rtp(1, SSRC, 0);
        extensionPastTheEnd[15] = 100;
        assertEquals(SrtpResult.Reason.MALFORMED, refused(receiver.unprotectRtp(extensionPastTheEnd, 0, extensionPastTheEnd.length)));
        assertEquals(SrtpResult.Reason.MALFORMED, refused(receiver.protectRtcp(new byte[4], 0, 4)));
        byte[] clear = new byte[40];
        clear[0] = (byte) 0x80;
        assertEquals(SrtpResult.Reason.UNENCRYPTED, refused(receiver.unprotectRtcp(clear, 0, clear.length)));
    }

    @Test
    void newSsrcsBeyondTheLimitAreRefused() {
        SrtpContext sender = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, KEY, Arrays.copyOf(SALT, 12), 2);
        ok(sender.protectRtp(rtp(1, 1, 10), 0, 30));
        ok(sender.protectRtp(rtp(1, 2, 10), 0, 30));
        assertEquals(SrtpResult.Reason.TOO_MANY_SSRCS, refused(sender.protectRtp(rtp(1, 3, 10), 0, 30)));
        ok(sender.protectRtp(rtp(2, 1, 10), 0, 30));
    }

    @Test
    void offsetsIntoALargerArrayAreHonoured() {
        SrtpContext sender = context(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        SrtpContext receiver = context(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        byte[] plain = rtp(9, SSRC, 16);
        byte[] padded = new byte[plain.length + 10];
        System.arraycopy(plain, 0, padded, 7, plain.length);
        byte[] protectedPacket = ok(sender.protectRtp(padded, 7, plain.length));
        byte[] framed = new byte[protectedPacket.length + 3];
        System.arraycopy(protectedPacket, 0, framed, 3, protectedPacket.length);
        assertArrayEquals(plain, ok(receiver.unprotectRtp(framed, 3, protectedPacket.length)));
    }
}
