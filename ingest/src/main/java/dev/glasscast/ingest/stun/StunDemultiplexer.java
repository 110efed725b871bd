package dev.glasscast.ingest.stun;

import io.netty.buffer.ByteBuf;

/**
 * Tells apart the protocols that share a WebRTC 5-tuple by the first byte of each datagram
 * (RFC 7983 section 7, which updates RFC 5764 section 5.1.2), and RTCP from RTP by the second
 * (RFC 5761 section 4, because rtcp-mux puts both on one port). One UDP port serves every
 * viewer and publisher, so this is the first thing done with each datagram.
 *
 * <p>Reading needs no state: stateless, and {@code classify} does not move the buffer's indices.
 */
public final class StunDemultiplexer {

    /** What a datagram is. */
    public enum PacketKind {
        /** First byte 0..3: STUN (ICE checks, consent freshness). */
        STUN,
        /** 16..19: ZRTP, never negotiated here. */
        ZRTP,
        /** 20..63: DTLS records (the handshake, alerts). */
        DTLS,
        /** 64..79: TURN ChannelData, never used with a lite agent's host candidates. */
        TURN_CHANNEL,
        /** 128..191 with a second byte outside 192..223: SRTP. */
        RTP,
        /** 128..191 with a second byte (RTCP packet type) 192..223: SRTCP. */
        RTCP,
        /** Empty, or a first byte no WebRTC protocol uses: drop it. */
        UNKNOWN
    }

    private StunDemultiplexer() {
    }

    /** The kind of the datagram whose first readable bytes {@code datagram} holds. */
    public static PacketKind classify(ByteBuf datagram) {
        if (!datagram.isReadable()) {
            return PacketKind.UNKNOWN;
        }
        int first = datagram.getUnsignedByte(datagram.readerIndex());
        int second = datagram.readableBytes() > 1 ? datagram.getUnsignedByte(datagram.readerIndex() + 1) : -1;
        return classify(first, second);
    }

    /**
     * The kind from the first byte and the second ({@code -1} when the datagram has one byte).
     * A one-byte datagram that starts like RTP is UNKNOWN: no RTP header is that short.
     */
    public static PacketKind classify(int first, int second) {
        if (first >= 0 && first <= 3) {
            return PacketKind.STUN;
        }
        if (first >= 16 && first <= 19) {
            return PacketKind.ZRTP;
        }
        if (first >= 20 && first <= 63) {
            return PacketKind.DTLS;
        }
        if (first >= 64 && first <= 79) {
            return PacketKind.TURN_CHANNEL;
        }
        if (first >= 128 && first <= 191 && second >= 0) {
            return second >= 192 && second <= 223 ? PacketKind.RTCP : PacketKind.RTP;
        }
        return PacketKind.UNKNOWN;
    }
}
