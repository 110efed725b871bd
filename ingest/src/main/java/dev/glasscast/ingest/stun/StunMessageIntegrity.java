package dev.glasscast.ingest.stun;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MESSAGE-INTEGRITY (RFC 8489 section 14.5) and FINGERPRINT (section 14.7) over a message's
 * wire bytes. The HMAC is the JDK's {@code HmacSHA1} and the CRC {@link CRC32}; nothing here is
 * hand-written cryptography.
 *
 * <p>Both are computed as if the header's length field already counted the attribute being
 * computed and nothing after it: so MESSAGE-INTEGRITY covers a length that stops at its own end
 * even when FINGERPRINT follows, which is what makes them checkable in either order of writing.
 *
 * <p>Buffer ownership: every method reads the buffer's readable bytes as one message, without
 * moving its indices, retaining or releasing it.
 */
public final class StunMessageIntegrity {

    /** XORed into the CRC so that a FINGERPRINT tells STUN from other protocols on the port. */
    public static final int FINGERPRINT_XOR = 0x5354554e;
    private static final int INTEGRITY_ATTRIBUTE_SIZE = 4 + StunAttribute.MessageIntegrity.LENGTH;
    private static final int FINGERPRINT_ATTRIBUTE_SIZE = 8;

    private StunMessageIntegrity() {
    }

    /**
     * The short-term credential key (RFC 8489 section 9.1.1): the password itself. ICE passwords
     * are ice-chars (RFC 8839 section 5.4), so the OpaqueString profile leaves them as they are.
     */
    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * HMAC-SHA1 of the message in {@code wire}'s first {@code end} readable bytes, with the
     * length field set to cover a MESSAGE-INTEGRITY attribute placed at {@code end}.
     */
    static byte[] hmac(ByteBuf wire, int end, byte[] key) {
        int start = wire.readerIndex();
        byte[] header = new byte[StunMessage.HEADER_SIZE];
        wire.getBytes(start, header);
        int length = end - StunMessage.HEADER_SIZE + INTEGRITY_ATTRIBUTE_SIZE;
        header[2] = (byte) (length >>> 8);
        header[3] = (byte) length;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(header);
            mac.update(wire.nioBuffer(start + StunMessage.HEADER_SIZE, end - StunMessage.HEADER_SIZE));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK must provide HmacSHA1", e);
        }
    }

    /** The FINGERPRINT value of the first {@code end} readable bytes, the length field covering it. */
    static int fingerprint(ByteBuf wire, int end) {
        int start = wire.readerIndex();
        byte[] header = new byte[StunMessage.HEADER_SIZE];
        wire.getBytes(start, header);
        int length = end - StunMessage.HEADER_SIZE + FINGERPRINT_ATTRIBUTE_SIZE;
        header[2] = (byte) (length >>> 8);
        header[3] = (byte) length;
        CRC32 crc = new CRC32();
        crc.update(header);
        crc.update(wire.nioBuffer(start + StunMessage.HEADER_SIZE, end - StunMessage.HEADER_SIZE));
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    /**
     * Whether the message in {@code wire} has a MESSAGE-INTEGRITY that {@code key} produced.
     * False when it has none, when the message is malformed or the key is empty. The comparison
     * takes the same time whatever bytes differ.
     */
    public static boolean verifyIntegrity(ByteBuf wire, byte[] key) {
        int offset = attributeOffset(wire, StunAttribute.TYPE_MESSAGE_INTEGRITY);
        if (offset < 0 || key.length == 0
                || wire.getUnsignedShort(wire.readerIndex() + offset + 2) != StunAttribute.MessageIntegrity.LENGTH) {
            return false;
        }
        byte[] received = new byte[StunAttribute.MessageIntegrity.LENGTH];
        wire.getBytes(wire.readerIndex() + offset + 4, received);
        return MessageDigest.isEqual(received, hmac(wire, offset, key));
    }

    /**
     * Whether the message in {@code wire} ends with a correct FINGERPRINT. False when it has
     * none, or one that is not the last attribute (RFC 8489 section 14.7).
     */
    public static boolean verifyFingerprint(ByteBuf wire) {
        int offset = attributeOffset(wire, StunAttribute.TYPE_FINGERPRINT);
        int start = wire.readerIndex();
        if (offset < 0 || offset + FINGERPRINT_ATTRIBUTE_SIZE != wire.readableBytes()
                || wire.getUnsignedShort(start + offset + 2) != 4) {
            return false;
        }
        return wire.getInt(start + offset + 4) == fingerprint(wire, offset);
    }

    /**
     * The offset from the reader index of the first attribute of {@code type}, or -1 when there is
     * none or the attribute list does not fit the buffer.
     */
    static int attributeOffset(ByteBuf wire, int type) {
        int length = wire.readableBytes();
        if (length < StunMessage.HEADER_SIZE) {
            return -1;
        }
        int start = wire.readerIndex();
        int offset = StunMessage.HEADER_SIZE;
        while (offset + 4 <= length) {
            int attributeType = wire.getUnsignedShort(start + offset);
            int attributeLength = wire.getUnsignedShort(start + offset + 2);
            if (offset + 4 + attributeLength > length) {
                return -1;
            }
            if (attributeType == type) {
                return offset;
            }
            offset += 4 + ((attributeLength + 3) & ~3);
        }
        return -1;
    }
}
