package dev.glasscast.ingest.rtp;

import java.util.Objects;

/**
 * One RTP packet (RFC 3550 5.1), version 2:
 * <pre>
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers             | (CC of them)
 * |      defined by profile       |           length              | (if X)
 * |                        header extension                       |
 * |                            payload              | padding | count |
 * </pre>
 *
 * @param marker        M: for video, the last packet of a frame
 * @param payloadType   PT, 0..127
 * @param sequence      16-bit sequence number, 0..65535
 * @param timestamp     32-bit media timestamp (wrapping; see {@link RtpTimestampUnwrapper})
 * @param ssrc          synchronization source
 * @param csrcs         contributing sources, at most 15; owned by this record
 * @param extensions    the header extension block, or {@link RtpHeaderExtensions#NONE}
 * @param payload       the payload without padding; owned by this record, never modified
 * @param paddingLength padding bytes after the payload including the count byte, 0..255
 */
public record RtpPacket(boolean marker, int payloadType, int sequence, int timestamp, int ssrc, int[] csrcs,
                        RtpHeaderExtensions extensions, byte[] payload, int paddingLength) {

    public static final int VERSION = 2;
    /** Bytes of the fixed header, before CSRCs and extensions. */
    public static final int FIXED_HEADER_SIZE = 12;
    public static final int MAX_CSRCS = 15;

    public RtpPacket {
        Objects.requireNonNull(csrcs, "csrcs");
        Objects.requireNonNull(extensions, "extensions");
        Objects.requireNonNull(payload, "payload");
        if (payloadType < 0 || payloadType > 127 || sequence < 0 || sequence > 0xFFFF) {
            throw new IllegalArgumentException("payload type or sequence out of range");
        }
        if (csrcs.length > MAX_CSRCS || paddingLength < 0 || paddingLength > 255) {
            throw new IllegalArgumentException("too many CSRCs or padding out of range");
        }
    }

    /** A packet without CSRCs, extensions or padding. */
    public static RtpPacket of(boolean marker, int payloadType, int sequence, int timestamp, int ssrc, byte[] payload) {
        return new RtpPacket(marker, payloadType, sequence, timestamp, ssrc, new int[0], RtpHeaderExtensions.NONE,
                payload, 0);
    }

    public RtpPacket withExtensions(RtpHeaderExtensions newExtensions) {
        return new RtpPacket(marker, payloadType, sequence, timestamp, ssrc, csrcs, newExtensions, payload, paddingLength);
    }

    /** The same packet under another sequence number, as a sender that switches rungs rewrites it. */
    public RtpPacket withSequence(int newSequence) {
        return new RtpPacket(marker, payloadType, newSequence & 0xFFFF, timestamp, ssrc, csrcs, extensions, payload,
                paddingLength);
    }

    /** The timestamp as an unsigned value. */
    public long unsignedTimestamp() {
        return timestamp & 0xFFFFFFFFL;
    }

    /** Bytes on the wire. */
    public int encodedLength() {
        int length = FIXED_HEADER_SIZE + 4 * csrcs.length + payload.length + paddingLength;
        return extensions.present() ? length + 4 + extensions.bodyLength() : length;
    }

    @Override
    public String toString() {
        return "RtpPacket[pt=" + payloadType + " seq=" + sequence + " ts=" + unsignedTimestamp() + " ssrc="
                + Integer.toUnsignedString(ssrc) + (marker ? " M" : "") + " " + payload.length + "B]";
    }
}
