package dev.glasscast.ingest.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes {@link RtpPacket}s. Stateless: sequence numbers, SSRCs and timestamps are the
 * sender's business.
 *
 * <p>Buffer ownership: {@link #encode(ByteBufAllocator, RtpPacket)} returns a buffer the caller
 * owns and must release (or hand to a channel, which releases it once written);
 * {@link #encode(RtpPacket, ByteBuf)} only writes into the caller's buffer.
 */
public final class RtpPacketEncoder {

    private RtpPacketEncoder() {
    }

    public static ByteBuf encode(ByteBufAllocator alloc, RtpPacket packet) {
        ByteBuf out = alloc.buffer(packet.encodedLength());
        try {
            encode(packet, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Appends the wire form of {@code packet} at the writer index of {@code out}. */
    public static void encode(RtpPacket packet, ByteBuf out) {
        RtpHeaderExtensions extensions = packet.extensions();
        out.writeByte((RtpPacket.VERSION << 6) | (packet.paddingLength() > 0 ? 0x20 : 0)
                | (extensions.present() ? 0x10 : 0) | packet.csrcs().length);
        out.writeByte((packet.marker() ? 0x80 : 0) | packet.payloadType());
        out.writeShort(packet.sequence());
        out.writeInt(packet.timestamp());
        out.writeInt(packet.ssrc());
        for (int csrc : packet.csrcs()) {
            out.writeInt(csrc);
        }
        if (extensions.present()) {
            int bodyLength = extensions.bodyLength();
            if (bodyLength % 4 != 0 || bodyLength / 4 > 0xFFFF) {
                throw new IllegalArgumentException("extension block is not a whole number of 32-bit words");
            }
            byte[] body = new byte[bodyLength];
            extensions.writeBody(body, 0);
            out.writeShort(extensions.profile());
            out.writeShort(bodyLength / 4);
            out.writeBytes(body);
        }
        out.writeBytes(packet.payload());
        int padding = packet.paddingLength();
        if (padding > 0) {
            out.writeZero(padding - 1);
            out.writeByte(padding);
        }
    }
}
