package dev.glasscast.ingest.rtp;

import java.util.ArrayList;
import java.util.List;

/**
 * The header extension block of an RTP packet (RFC 3550 5.3.1). Under the RFC 8285 profiles
 * (one-byte {@code 0xBEDE}, two-byte {@code 0x100X}) the block is parsed into
 * {@link RtpHeaderExtension} elements; any other profile is kept as opaque bytes.
 *
 * @param profile  the 16-bit "defined by profile" field
 * @param elements the RFC 8285 elements, in wire order (empty for other profiles)
 * @param opaque   the block's bytes for other profiles (empty for RFC 8285 profiles); never modified
 */
public record RtpHeaderExtensions(int profile, List<RtpHeaderExtension> elements, byte[] opaque) {

    public static final int PROFILE_ONE_BYTE = 0xBEDE;
    /** The two-byte profile with appbits 0; the low four bits are application defined. */
    public static final int PROFILE_TWO_BYTE = 0x1000;
    /** No extension block: the X bit is clear. */
    public static final RtpHeaderExtensions NONE = new RtpHeaderExtensions(-1, List.of(), new byte[0]);

    public RtpHeaderExtensions {
        elements = List.copyOf(elements);
    }

    /** RFC 8285 elements; the one-byte form is chosen when every element fits it. */
    public static RtpHeaderExtensions of(List<RtpHeaderExtension> elements) {
        boolean oneByte = elements.stream().allMatch(e -> e.id() <= 14 && e.data().length >= 1 && e.data().length <= 16);
        return new RtpHeaderExtensions(oneByte ? PROFILE_ONE_BYTE : PROFILE_TWO_BYTE, elements, new byte[0]);
    }

    public static RtpHeaderExtensions of(RtpHeaderExtension... elements) {
        return of(List.of(elements));
    }

    public boolean present() {
        return profile >= 0;
    }

    public static boolean isRfc8285(int profile) {
        return profile == PROFILE_ONE_BYTE || (profile & 0xFFF0) == PROFILE_TWO_BYTE;
    }

    /** The element with local identifier {@code id}, or null. */
    public RtpHeaderExtension find(int id) {
        for (RtpHeaderExtension element : elements) {
            if (element.id() == id) {
                return element;
            }
        }
        return null;
    }

    /** Bytes of the block after its 4-byte header, padded to a whole number of 32-bit words. */
    int bodyLength() {
        if (!isRfc8285(profile)) {
            return opaque.length;
        }
        int perElement = profile == PROFILE_ONE_BYTE ? 1 : 2;
        int length = 0;
        for (RtpHeaderExtension element : elements) {
            length += perElement + element.data().length;
        }
        return (length + 3) & ~3;
    }

    /** Writes the body into {@code out} at {@code pos}; returns the bytes written, padding included. */
    int writeBody(byte[] out, int pos) {
        if (!isRfc8285(profile)) {
            System.arraycopy(opaque, 0, out, pos, opaque.length);
            return opaque.length;
        }
        int start = pos;
        for (RtpHeaderExtension element : elements) {
            byte[] data = element.data();
            if (profile == PROFILE_ONE_BYTE) {
                if (element.id() > 14 || data.length < 1 || data.length > 16) {
                    throw new IllegalArgumentException("element does not fit the one-byte form: id " + element.id());
                }
                out[pos++] = (byte) ((element.id() << 4) | (data.length - 1));
            } else {
                out[pos++] = (byte) element.id();
                out[pos++] = (byte) data.length;
            }
            System.arraycopy(data, 0, out, pos, data.length);
            pos += data.length;
        }
        // Zero bytes are padding in both forms (RFC 8285 4.2, 4.3).
        int padded = (pos - start + 3) & ~3;
        return padded;
    }

    /** Parses a block body of {@code length} bytes at {@code offset} under {@code profile}. */
    static RtpHeaderExtensions parse(int profile, byte[] in, int offset, int length) {
        if (!isRfc8285(profile)) {
            byte[] opaque = new byte[length];
            System.arraycopy(in, offset, opaque, 0, length);
            return new RtpHeaderExtensions(profile, List.of(), opaque);
        }
        List<RtpHeaderExtension> elements = new ArrayList<>();
        int pos = offset;
        int end = offset + length;
        boolean oneByte = profile == PROFILE_ONE_BYTE;
        while (pos < end) {
            int first = in[pos] & 0xFF;
            if (first == 0) {
                pos++;
                continue;
            }
            int id;
            int size;
            if (oneByte) {
                id = first >>> 4;
                if (id == 15) {
                    // RFC 8285 4.2: 15 ends processing of the whole block.
                    break;
                }
                size = (first & 0x0F) + 1;
                pos++;
            } else {
                if (pos + 2 > end) {
                    throw new RtpFormatException("two-byte extension header truncated");
                }
                id = first;
                size = in[pos + 1] & 0xFF;
                pos += 2;
            }
            if (size > end - pos) {
                throw new RtpFormatException("extension element " + id + " runs past the block");
            }
            byte[] data = new byte[size];
            System.arraycopy(in, pos, data, 0, size);
            elements.add(new RtpHeaderExtension(id, data));
            pos += size;
        }
        return new RtpHeaderExtensions(profile, elements, new byte[0]);
    }
}
