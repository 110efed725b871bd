package dev.glasscast.ingest.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Decodes one RTP packet (after SRTP has removed its protection) from the readable bytes of a
 * buffer. Anything that is not a well-formed version 2 packet within the limit is refused with
 * {@link RtpFormatException}, never another exception: the port is open to the internet.
 *
 * <p>Buffer ownership: {@link #decode} neither retains nor releases nor moves the reader index of
 * its argument; the caller keeps owning it. The packet holds copies, so nothing downstream holds
 * a pooled buffer.
 */
public final class RtpPacketDecoder {

    /** Default largest packet accepted: an Ethernet MTU; WebRTC senders stay near 1200. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 1500;

    private final int maxPacketSize;

    /** @param maxPacketSize largest packet decoded ({@link #DEFAULT_MAX_PACKET_SIZE}) */
    public RtpPacketDecoder(int maxPacketSize) {
        if (maxPacketSize < RtpPacket.FIXED_HEADER_SIZE) {
            throw new IllegalArgumentException("maxPacketSize below the RTP header size");
        }
        this.maxPacketSize = maxPacketSize;
    }

    public RtpPacketDecoder() {
        this(DEFAULT_MAX_PACKET_SIZE);
    }

    /**
     * Whether a datagram that arrived on a shared port looks like RTP or RTCP (RFC 7983 range
     * 128..191 for the first byte) rather than STUN or DTLS.
     */
    public static boolean isRtpOrRtcp(ByteBuf buf) {
        return buf.readableBytes() >= 2 && (buf.getUnsignedByte(buf.readerIndex()) & 0xC0) == 0x80;
    }

    /**
     * Whether an RTP or RTCP datagram is RTCP (RFC 5761 4: payload types 192..223 belong to RTCP,
     * which is what lets both share one port under rtcp-mux).
     */
    public static boolean isRtcp(ByteBuf buf) {
        int type = buf.getUnsignedByte(buf.readerIndex() + 1);
        return type >= 192 && type <= 223;
    }

    public RtpPacket decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int length = buf.readableBytes();
        if (length < RtpPacket.FIXED_HEADER_SIZE) {
            throw new RtpFormatException("RTP packet shorter than its fixed header: " + length);
        }
        if (length > maxPacketSize) {
            throw new RtpFormatException("RTP packet of " + length + " bytes over the limit of " + maxPacketSize);
        }
        int first = buf.getUnsignedByte(start);
        int second = buf.getUnsignedByte(start + 1);
        if (first >>> 6 != RtpPacket.VERSION) {
            throw new RtpFormatException("RTP version " + (first >>> 6));
        }
        boolean padding = (first & 0x20) != 0;
        boolean extension = (first & 0x10) != 0;
        int csrcCount = first & 0x0F;
        int pos = RtpPacket.FIXED_HEADER_SIZE + 4 * csrcCount;
        if (pos > length) {
            throw new RtpFormatException("CSRC list runs past the packet");
        }
        int[] csrcs = new int[csrcCount];
        for (int i = 0; i < csrcCount; i++) {
            csrcs[i] = buf.getInt(start + RtpPacket.FIXED_HEADER_SIZE + 4 * i);
        }
        RtpHeaderExtensions extensions = RtpHeaderExtensions.NONE;
        if (extension) {
            if (pos + 4 > length) {
                throw new RtpFormatException("extension header runs past the packet");
            }
            int profile = buf.getUnsignedShort(start + pos);
            int bodyLength = 4 * buf.getUnsignedShort(start + pos + 2);
            pos += 4;
            if (bodyLength > length - pos) {
                throw new RtpFormatException("extension of " + bodyLength + " bytes runs past the packet");
            }
            byte[] body = new byte[bodyLength];
            buf.getBytes(start + pos, body);
            extensions = RtpHeaderExtensions.parse(profile, body, 0, bodyLength);
            pos += bodyLength;
        }
        int paddingLength = 0;
        if (padding) {
            if (pos >= length) {
                throw new RtpFormatException("padding bit set without room for a count");
            }
            paddingLength = buf.getUnsignedByte(start + length - 1);
            if (paddingLength == 0 || paddingLength > length - pos) {
                throw new RtpFormatException("padding count " + paddingLength + " invalid");
            }
        }
        byte[] payload = new byte[length - pos - paddingLength];
        buf.getBytes(start + pos, payload);
        return new RtpPacket((second & 0x80) != 0, second & 0x7F, buf.getUnsignedShort(start + 2),
                buf.getInt(start + 4), buf.getInt(start + 8), csrcs, extensions, payload, paddingLength);
    }
}
