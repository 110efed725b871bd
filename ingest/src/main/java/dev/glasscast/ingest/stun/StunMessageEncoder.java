package dev.glasscast.ingest.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Encodes {@link StunMessage}s (RFC 8489 sections 5 and 14). Stateless and thread-safe.
 *
 * <p>Buffer ownership: the returned buffer is allocated from the given allocator and belongs to
 * the caller, who sends it (the transport releases it) or releases it.
 */
public final class StunMessageEncoder {

    private final byte padding;

    /** Pads attributes with zero bytes, as RFC 8489 section 14 asks of senders. */
    public StunMessageEncoder() {
        this((byte) 0);
    }

    /**
     * Pads with {@code padding}. Receivers ignore padding; this exists because RFC 5769's test
     * vectors pad with spaces (0x20), and reproducing them byte for byte is the test of the
     * MESSAGE-INTEGRITY and FINGERPRINT written here.
     */
    StunMessageEncoder(byte padding) {
        this.padding = padding;
    }

    /** The message's attributes exactly as given, including any MESSAGE-INTEGRITY or FINGERPRINT in it. */
    public ByteBuf encode(ByteBufAllocator alloc, StunMessage message) {
        ByteBuf out = alloc.buffer(256);
        try {
            writeHeaderAndAttributes(out, message);
            setLength(out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * The message without any MESSAGE-INTEGRITY or FINGERPRINT it carries, followed by a
     * MESSAGE-INTEGRITY computed with {@code integrityKey} (none when null) and a FINGERPRINT
     * (when {@code fingerprint}): the order RFC 8489 section 14.7 requires.
     */
    public ByteBuf encode(ByteBufAllocator alloc, StunMessage message, byte[] integrityKey, boolean fingerprint) {
        ByteBuf out = alloc.buffer(256);
        try {
            writeHeaderAndAttributes(out, message.withoutIntegrity());
            if (integrityKey != null) {
                if (integrityKey.length == 0) {
                    throw new IllegalArgumentException("an empty MESSAGE-INTEGRITY key");
                }
                byte[] hmac = StunMessageIntegrity.hmac(out, out.writerIndex() - out.readerIndex(), integrityKey);
                writeAttribute(out, new StunAttribute.MessageIntegrity(hmac), message.transactionId());
            }
            if (fingerprint) {
                int crc = StunMessageIntegrity.fingerprint(out, out.writerIndex() - out.readerIndex());
                writeAttribute(out, new StunAttribute.Fingerprint(crc), message.transactionId());
            }
            setLength(out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private void writeHeaderAndAttributes(ByteBuf out, StunMessage message) {
        int method = message.method().code;
        int classBits = message.messageClass().bits;
        int type = (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((classBits & 0x1) << 4) | ((classBits & 0x2) << 7);
        out.writeShort(type);
        out.writeShort(0);
        out.writeInt(StunMessage.MAGIC_COOKIE);
        out.writeBytes(message.transactionId());
        for (StunAttribute attribute : message.attributes()) {
            writeAttribute(out, attribute, message.transactionId());
        }
    }

    private void writeAttribute(ByteBuf out, StunAttribute attribute, byte[] transactionId) {
        byte[] value = switch (attribute) {
            case StunAttribute.Username username -> {
                byte[] bytes = username.value().getBytes(StandardCharsets.UTF_8);
                if (bytes.length > StunAttribute.Username.MAX_BYTES) {
                    throw new IllegalArgumentException("USERNAME longer than " + StunAttribute.Username.MAX_BYTES + " bytes");
                }
                yield bytes;
            }
            case StunAttribute.MessageIntegrity integrity -> integrity.hmac();
            case StunAttribute.Fingerprint fingerprint -> intBytes(fingerprint.crc());
            case StunAttribute.XorMappedAddress mapped -> xorAddress(mapped, transactionId);
            case StunAttribute.Priority priority -> intBytes((int) priority.priority());
            case StunAttribute.UseCandidate ignored -> new byte[0];
            case StunAttribute.IceControlling controlling -> longBytes(controlling.tieBreaker());
            case StunAttribute.IceControlled controlled -> longBytes(controlled.tieBreaker());
            case StunAttribute.ErrorCode error -> {
                byte[] reason = error.reason().getBytes(StandardCharsets.UTF_8);
                if (reason.length > StunAttribute.ErrorCode.MAX_REASON_BYTES) {
                    throw new IllegalArgumentException("ERROR-CODE reason longer than 763 bytes");
                }
                byte[] bytes = new byte[4 + reason.length];
                bytes[2] = (byte) (error.code() / 100);
                bytes[3] = (byte) (error.code() % 100);
                System.arraycopy(reason, 0, bytes, 4, reason.length);
                yield bytes;
            }
            case StunAttribute.UnknownAttributes unknown -> {
                byte[] bytes = new byte[unknown.types().length * 2];
                for (int i = 0; i < unknown.types().length; i++) {
                    bytes[2 * i] = (byte) (unknown.types()[i] >>> 8);
                    bytes[2 * i + 1] = (byte) unknown.types()[i];
                }
                yield bytes;
            }
            case StunAttribute.Raw raw -> raw.value();
        };
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("attribute value longer than 65535 bytes");
        }
        out.writeShort(attribute.type());
        out.writeShort(value.length);
        out.writeBytes(value);
        for (int i = value.length; i % 4 != 0; i++) {
            out.writeByte(padding);
        }
    }

    private static byte[] xorAddress(StunAttribute.XorMappedAddress mapped, byte[] transactionId) {
        byte[] address = mapped.address().getAddress().getAddress();
        byte[] mask = StunMessageDecoder.xorMask(transactionId);
        byte[] bytes = new byte[4 + address.length];
        bytes[1] = (byte) (address.length == 4 ? 0x01 : 0x02);
        int port = mapped.address().getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16);
        bytes[2] = (byte) (port >>> 8);
        bytes[3] = (byte) port;
        for (int i = 0; i < address.length; i++) {
            bytes[4 + i] = (byte) (address[i] ^ mask[i]);
        }
        return bytes;
    }

    private static void setLength(ByteBuf out) {
        int bodyLength = out.writerIndex() - out.readerIndex() - StunMessage.HEADER_SIZE;
        if (bodyLength > 0xFFFF) {
            throw new IllegalArgumentException("message body longer than 65535 bytes: " + bodyLength);
        }
        out.setShort(out.readerIndex() + 2, bodyLength);
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (56 - 8 * i));
        }
        return bytes;
    }
}
