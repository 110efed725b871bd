package dev.glasscast.ingest.stun;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one STUN message from a datagram's bytes (RFC 8489 sections 5, 6.3 and 14). Anything
 * malformed is refused with a {@link StunParseException} naming what was wrong; nothing else is
 * thrown for any input, since the port is open to the internet.
 *
 * <p>Checks: the two leading zero bits, the magic cookie (so RFC 3489 messages are refused),
 * a length field that is a multiple of 4 and matches the datagram, a known method, attributes
 * that fit, the known attributes' lengths and values, and nothing after FINGERPRINT.
 * Attributes after MESSAGE-INTEGRITY other than FINGERPRINT and MESSAGE-INTEGRITY-SHA256 are
 * dropped, as section 14.5 says a receiver must ignore them.
 *
 * <p>Integrity and fingerprint are not checked here: that needs the session's password, see
 * {@link StunMessageIntegrity}. Stateless and thread-safe.
 *
 * <p>Buffer ownership: {@link #decode} reads {@code wire}'s readable bytes without moving its
 * indices, retaining or releasing it; the message holds copies.
 */
public final class StunMessageDecoder {

    /**
     * Default largest message: the IPv6 minimum MTU less its IP and UDP headers. Browsers' checks
     * are about 100 bytes; RFC 8489 section 6.1 keeps STUN over UDP below the path MTU.
     */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1232;
    /** Default most attributes: a Chromium check has eight; a few unknown ones are allowed. */
    public static final int DEFAULT_MAX_ATTRIBUTES = 32;

    private final int maxMessageLength;
    private final int maxAttributes;

    /**
     * @param maxMessageLength largest message, header included ({@link #DEFAULT_MAX_MESSAGE_LENGTH})
     * @param maxAttributes    most attributes in one message ({@link #DEFAULT_MAX_ATTRIBUTES})
     */
    public StunMessageDecoder(int maxMessageLength, int maxAttributes) {
        if (maxMessageLength < StunMessage.HEADER_SIZE || maxMessageLength > StunMessage.HEADER_SIZE + 0xFFFC) {
            throw new IllegalArgumentException("maxMessageLength must be 20..65552: " + maxMessageLength);
        }
        if (maxAttributes < 1) {
            throw new IllegalArgumentException("maxAttributes must be positive: " + maxAttributes);
        }
        this.maxMessageLength = maxMessageLength;
        this.maxAttributes = maxAttributes;
    }

    public StunMessageDecoder() {
        this(DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_ATTRIBUTES);
    }

    /** Decodes the readable bytes of {@code wire} as one STUN message. */
    public StunMessage decode(ByteBuf wire) throws StunParseException {
        int length = wire.readableBytes();
        if (length < StunMessage.HEADER_SIZE) {
            throw new StunParseException("shorter than a STUN header: " + length + " bytes");
        }
        if (length > maxMessageLength) {
            throw new StunParseException("longer than " + maxMessageLength + " bytes: " + length);
        }
        int start = wire.readerIndex();
        int messageType = wire.getUnsignedShort(start);
        if ((messageType & 0xC000) != 0) {
            throw new StunParseException("the two leading bits are not zero");
        }
        if (wire.getInt(start + 4) != StunMessage.MAGIC_COOKIE) {
            throw new StunParseException("no magic cookie (an RFC 3489 message, or not STUN)");
        }
        int bodyLength = wire.getUnsignedShort(start + 2);
        if (bodyLength % 4 != 0 || bodyLength != length - StunMessage.HEADER_SIZE) {
            throw new StunParseException("length field " + bodyLength + " does not match the " + length
                    + "-byte datagram");
        }
        int methodCode = (messageType & 0x000F) | ((messageType & 0x00E0) >>> 1) | ((messageType & 0x3E00) >>> 2);
        StunMethod method = StunMethod.of(methodCode);
        if (method == null) {
            throw new StunParseException(String.format("unsupported method 0x%03X", methodCode));
        }
        StunMessageClass messageClass = StunMessageClass.of(((messageType >>> 4) & 0x1) | ((messageType >>> 7) & 0x2));
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_SIZE];
        wire.getBytes(start + 8, transactionId);

        List<StunAttribute> attributes = new ArrayList<>();
        boolean afterIntegrity = false;
        boolean afterFingerprint = false;
        int offset = StunMessage.HEADER_SIZE;
        int count = 0;
        while (offset < length) {
            if (length - offset < 4) {
                throw new StunParseException("a truncated attribute header at offset " + offset);
            }
            if (++count > maxAttributes) {
                throw new StunParseException("more than " + maxAttributes + " attributes");
            }
            int type = wire.getUnsignedShort(start + offset);
            int valueLength = wire.getUnsignedShort(start + offset + 2);
            if (offset + 4 + valueLength > length) {
                throw new StunParseException(String.format("attribute 0x%04X of %d bytes overruns the message",
                        type, valueLength));
            }
            if (afterFingerprint) {
                throw new StunParseException(String.format("attribute 0x%04X after FINGERPRINT", type));
            }
            byte[] value = new byte[valueLength];
            wire.getBytes(start + offset + 4, value);
            offset += 4 + ((valueLength + 3) & ~3);
            boolean kept = !afterIntegrity || type == StunAttribute.TYPE_FINGERPRINT
                    || type == StunAttribute.TYPE_MESSAGE_INTEGRITY_SHA256;
            if (kept) {
                attributes.add(attribute(type, value, transactionId));
            }
            afterIntegrity |= type == StunAttribute.TYPE_MESSAGE_INTEGRITY;
            afterFingerprint |= type == StunAttribute.TYPE_FINGERPRINT;
        }
        return new StunMessage(messageClass, method, transactionId, attributes);
    }

    private static StunAttribute attribute(int type, byte[] value, byte[] transactionId) throws StunParseException {
        return switch (type) {
            case StunAttribute.TYPE_USERNAME -> {
                if (value.length > StunAttribute.Username.MAX_BYTES) {
                    throw new StunParseException("USERNAME longer than " + StunAttribute.Username.MAX_BYTES + " bytes");
                }
                yield new StunAttribute.Username(utf8(value, "USERNAME"));
            }
            case StunAttribute.TYPE_MESSAGE_INTEGRITY ->
                    new StunAttribute.MessageIntegrity(exactly(value, StunAttribute.MessageIntegrity.LENGTH, "MESSAGE-INTEGRITY"));
            case StunAttribute.TYPE_FINGERPRINT ->
                    new StunAttribute.Fingerprint(ByteBuffer.wrap(exactly(value, 4, "FINGERPRINT")).getInt());
            case StunAttribute.TYPE_XOR_MAPPED_ADDRESS -> new StunAttribute.XorMappedAddress(xorAddress(value, transactionId));
            case StunAttribute.TYPE_PRIORITY ->
                    new StunAttribute.Priority(ByteBuffer.wrap(exactly(value, 4, "PRIORITY")).getInt() & 0xFFFF_FFFFL);
            case StunAttribute.TYPE_USE_CANDIDATE -> {
                exactly(value, 0, "USE-CANDIDATE");
                yield new StunAttribute.UseCandidate();
            }
            case StunAttribute.TYPE_ICE_CONTROLLING ->
                    new StunAttribute.IceControlling(ByteBuffer.wrap(exactly(value, 8, "ICE-CONTROLLING")).getLong());
            case StunAttribute.TYPE_ICE_CONTROLLED ->
                    new StunAttribute.IceControlled(ByteBuffer.wrap(exactly(value, 8, "ICE-CONTROLLED")).getLong());
            case StunAttribute.TYPE_ERROR_CODE -> errorCode(value);
            case StunAttribute.TYPE_UNKNOWN_ATTRIBUTES -> {
                if (value.length % 2 != 0) {
                    throw new StunParseException("UNKNOWN-ATTRIBUTES of odd length " + value.length);
                }
                int[] types = new int[value.length / 2];
                ByteBuffer in = ByteBuffer.wrap(value);
                for (int i = 0; i < types.length; i++) {
                    types[i] = in.getShort() & 0xFFFF;
                }
                yield new StunAttribute.UnknownAttributes(types);
            }
            default -> new StunAttribute.Raw(type, value);
        };
    }

    private static StunAttribute.ErrorCode errorCode(byte[] value) throws StunParseException {
        if (value.length < 4 || value.length > 4 + StunAttribute.ErrorCode.MAX_REASON_BYTES) {
            throw new StunParseException("ERROR-CODE of " + value.length + " bytes");
        }
        int errorClass = value[2] & 0x7;
        int number = value[3] & 0xFF;
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            throw new StunParseException("ERROR-CODE class " + errorClass + " number " + number);
        }
        byte[] reason = new byte[value.length - 4];
        System.arraycopy(value, 4, reason, 0, reason.length);
        return new StunAttribute.ErrorCode(errorClass * 100 + number, utf8(reason, "ERROR-CODE reason"));
    }

    /** Port XOR the cookie's top half; address XOR the cookie (IPv4) or cookie and transaction id (IPv6). */
    private static InetSocketAddress xorAddress(byte[] value, byte[] transactionId) throws StunParseException {
        if (value.length < 4) {
            throw new StunParseException("XOR-MAPPED-ADDRESS of " + value.length + " bytes");
        }
        int family = value[1] & 0xFF;
        int addressLength = switch (family) {
            case 0x01 -> 4;
            case 0x02 -> 16;
            default -> throw new StunParseException("XOR-MAPPED-ADDRESS family " + family);
        };
        exactly(value, 4 + addressLength, "XOR-MAPPED-ADDRESS");
        int port = (((value[2] & 0xFF) << 8) | (value[3] & 0xFF)) ^ (StunMessage.MAGIC_COOKIE >>> 16);
        byte[] address = new byte[addressLength];
        byte[] mask = xorMask(transactionId);
        for (int i = 0; i < addressLength; i++) {
            address[i] = (byte) (value[4 + i] ^ mask[i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new StunParseException("XOR-MAPPED-ADDRESS: " + e.getMessage());
        }
    }

    /** The 16 bytes XORed into an address: the magic cookie then the transaction id. */
    static byte[] xorMask(byte[] transactionId) {
        byte[] mask = new byte[16];
        ByteBuffer.wrap(mask).putInt(StunMessage.MAGIC_COOKIE).put(transactionId);
        return mask;
    }

    private static byte[] exactly(byte[] value, int length, String name) throws StunParseException {
        if (value.length != length) {
            throw new StunParseException(name + " must be " + length + " bytes, not " + value.length);
        }
        return value;
    }

    private static String utf8(byte[] value, String name) throws StunParseException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new StunParseException(name + " is not UTF-8");
        }
    }
}
