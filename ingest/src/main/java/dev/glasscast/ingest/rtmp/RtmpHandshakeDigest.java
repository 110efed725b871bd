package dev.glasscast.ingest.rtmp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 digests of the "complex" RTMP handshake that Flash Player 9+ introduced and
 * FFmpeg, librtmp and OBS still send. The RTMP 1.0 specification leaves it out; the scheme below is
 * the one every interoperable implementation (FFmpeg's rtmpproto.c, librtmp, nginx-rtmp, SRS) uses:
 *
 * <ul>
 *   <li>A 1536-byte C1/S1 carries a 32-byte digest at an offset derived from four bytes of the
 *       packet: schema 0 sums bytes 8..11, digest at {@code sum % 728 + 12}; schema 1 sums bytes
 *       772..775, digest at {@code sum % 728 + 776}.</li>
 *   <li>The digest is HMAC-SHA256 over the packet without those 32 bytes, keyed with the first 30
 *       bytes of the player key (C1) or the first 36 bytes of the server key (S1).</li>
 *   <li>S2's last 32 bytes are HMAC-SHA256 over its first 1504, keyed with
 *       HMAC-SHA256(full 68-byte server key, C1's digest).</li>
 * </ul>
 * Nothing here is secret or secure: it only proves to old clients that they talk to a "genuine"
 * server.
 */
final class RtmpHandshakeDigest {

    static final int PACKET_SIZE = 1536;
    static final int DIGEST_LENGTH = 32;

    private static final byte[] KEY_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE
    };
    /** "Genuine Adobe Flash Player 001": keys C1 digests. */
    static final byte[] PLAYER_KEY = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    /** "Genuine Adobe Flash Media Server 001": keys S1 digests. */
    static final byte[] SERVER_KEY = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
    /** The server key followed by the 32 constant bytes: keys the S2 signature key. */
    static final byte[] SERVER_FULL_KEY = concat(SERVER_KEY, KEY_TAIL);

    private RtmpHandshakeDigest() {
    }

    /** Where the digest of {@code packet} sits under {@code schema} (0 or 1). */
    static int digestOffset(byte[] packet, int schema) {
        int base = schema == 0 ? 8 : 772;
        int sum = (packet[base] & 0xFF) + (packet[base + 1] & 0xFF) + (packet[base + 2] & 0xFF) + (packet[base + 3] & 0xFF);
        return sum % 728 + base + 4;
    }

    /** HMAC-SHA256 of the packet without the 32 bytes at {@code digestOffset}. */
    static byte[] packetDigest(byte[] packet, int digestOffset, byte[] key) {
        Mac mac = hmac(key);
        mac.update(packet, 0, digestOffset);
        mac.update(packet, digestOffset + DIGEST_LENGTH, packet.length - digestOffset - DIGEST_LENGTH);
        return mac.doFinal();
    }

    /**
     * The schema (0 or 1) under which {@code c1} carries a valid player digest, or -1 when it has
     * none (a plain handshake).
     */
    static int findClientSchema(byte[] c1) {
        for (int schema = 0; schema <= 1; schema++) {
            int offset = digestOffset(c1, schema);
            byte[] expected = packetDigest(c1, offset, PLAYER_KEY);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(c1, offset, offset + DIGEST_LENGTH))) {
                return schema;
            }
        }
        return -1;
    }

    /** Writes the digest of {@code packet} into it under {@code schema}, keyed with {@code key}. */
    static void imprint(byte[] packet, int schema, byte[] key) {
        int offset = digestOffset(packet, schema);
        System.arraycopy(packetDigest(packet, offset, key), 0, packet, offset, DIGEST_LENGTH);
    }

    /** Signs a response packet (S2 or C2) to the peer's {@code peerDigest}: its last 32 bytes. */
    static void signResponse(byte[] packet, byte[] peerDigest, byte[] fullKey) {
        byte[] key = hmac(fullKey).doFinal(peerDigest);
        Mac mac = hmac(key);
        mac.update(packet, 0, packet.length - DIGEST_LENGTH);
        System.arraycopy(mac.doFinal(), 0, packet, packet.length - DIGEST_LENGTH, DIGEST_LENGTH);
    }

    static byte[] digestAt(byte[] packet, int schema) {
        int offset = digestOffset(packet, schema);
        return Arrays.copyOfRange(packet, offset, offset + DIGEST_LENGTH);
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
