package dev.glasscast.ingest.rtcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an RTCP compound packet (RFC 3550 6.1), after SRTCP has removed its protection, into
 * its {@link RtcpPacket}s. A compound packet is refused whole with {@link RtcpFormatException}
 * (never another exception) if any packet's header is not version 2, any length runs past the
 * datagram, a padding count is impossible, a body is shorter than its counts require, or a limit
 * is exceeded. Reduced-size RTCP (RFC 5506, what browsers send with {@code a=rtcp-rsize}) is
 * accepted: a compound need not start with a report.
 *
 * <p>Buffer ownership: {@link #decode} reads the readable bytes of its argument without
 * retaining, releasing or moving its reader index; the caller keeps owning it. Packets hold
 * copies.
 */
public final class RtcpPacketDecoder {

    /** Default largest compound packet: an Ethernet MTU. */
    public static final int DEFAULT_MAX_COMPOUND_SIZE = 1500;
    /** Default most packets in one compound; browsers send fewer than ten. */
    public static final int DEFAULT_MAX_PACKETS = 32;
    /** Default most packets one transport-wide feedback may report (its count field allows 65535). */
    public static final int DEFAULT_MAX_TWCC_PACKETS = 8192;

    private final int maxCompoundSize;
    private final int maxPackets;
    private final RtcpTransportFeedbackDecoder transportFeedback;

    /**
     * @param maxCompoundSize largest compound packet in bytes ({@link #DEFAULT_MAX_COMPOUND_SIZE})
     * @param maxPackets      most packets in a compound ({@link #DEFAULT_MAX_PACKETS})
     * @param maxTwccPackets  most packets a transport-wide feedback may report ({@link #DEFAULT_MAX_TWCC_PACKETS})
     */
    public RtcpPacketDecoder(int maxCompoundSize, int maxPackets, int maxTwccPackets) {
        if (maxCompoundSize < RtcpPacket.HEADER_SIZE || maxPackets < 1 || maxTwccPackets < 1) {
            throw new IllegalArgumentException("invalid RTCP limits");
        }
        this.maxCompoundSize = maxCompoundSize;
        this.maxPackets = maxPackets;
        this.transportFeedback = new RtcpTransportFeedbackDecoder(maxTwccPackets);
    }

    public RtcpPacketDecoder() {
        this(DEFAULT_MAX_COMPOUND_SIZE, DEFAULT_MAX_PACKETS, DEFAULT_MAX_TWCC_PACKETS);
    }

    public List<RtcpPacket> decode(ByteBuf buf) {
        int length = buf.readableBytes();
        if (length < RtcpPacket.HEADER_SIZE) {
            throw new RtcpFormatException("RTCP packet shorter than its header: " + length);
        }
        if (length > maxCompoundSize) {
            throw new RtcpFormatException("RTCP compound of " + length + " bytes over the limit of " + maxCompoundSize);
        }
        byte[] data = new byte[length];
        buf.getBytes(buf.readerIndex(), data);
        List<RtcpPacket> packets = new ArrayList<>();
        int pos = 0;
        while (pos < length) {
            if (packets.size() == maxPackets) {
                throw new RtcpFormatException("more than " + maxPackets + " packets in one compound");
            }
            if (length - pos < RtcpPacket.HEADER_SIZE) {
                throw new RtcpFormatException("trailing bytes after the last RTCP packet");
            }
            int first = data[pos] & 0xFF;
            if (first >>> 6 != RtcpPacket.VERSION) {
                throw new RtcpFormatException("RTCP version " + (first >>> 6));
            }
            int type = data[pos + 1] & 0xFF;
            int size = 4 * ((((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF)) + 1);
            if (size > length - pos) {
                throw new RtcpFormatException("RTCP packet of " + size + " bytes runs past the compound");
            }
            int bodyEnd = pos + size;
            if ((first & 0x20) != 0) {
                int padding = data[bodyEnd - 1] & 0xFF;
                if (padding == 0 || padding > size - RtcpPacket.HEADER_SIZE) {
                    throw new RtcpFormatException("RTCP padding count " + padding + " invalid");
                }
                bodyEnd -= padding;
            }
            RtcpBody body = new RtcpBody(data, pos + RtcpPacket.HEADER_SIZE, bodyEnd);
            packets.add(decodeOne(type, first & 0x1F, body));
            pos += size;
        }
        return packets;
    }

    private RtcpPacket decodeOne(int type, int count, RtcpBody body) {
        return switch (type) {
            case RtcpPacket.TYPE_SR -> senderReport(count, body);
            case RtcpPacket.TYPE_RR -> new RtcpReceiverReport(body.int32(0), reportBlocks(count, body, 4));
            case RtcpPacket.TYPE_SDES -> sourceDescription(count, body);
            case RtcpPacket.TYPE_BYE -> bye(count, body);
            case RtcpPacket.TYPE_RTPFB -> count == RtcpPacket.FMT_TWCC
                    ? transportFeedback.decode(body)
                    : RtcpFeedbackDecoder.transportLayer(count, body);
            case RtcpPacket.TYPE_PSFB -> RtcpFeedbackDecoder.payloadSpecific(count, body);
            default -> new RtcpUnknownPacket(type, count, body.copy(0, body.length()));
        };
    }

    private static RtcpSenderReport senderReport(int count, RtcpBody body) {
        return new RtcpSenderReport(body.int32(0), ((long) body.int32(4) << 32) | (body.int32(8) & 0xFFFFFFFFL),
                body.int32(12), body.int32(16), body.int32(20), reportBlocks(count, body, 24));
    }

    /** Extra bytes after the blocks are profile-specific extensions (RFC 3550 6.4.1) and are skipped. */
    private static List<RtcpReportBlock> reportBlocks(int count, RtcpBody body, int offset) {
        body.require(offset + count * RtcpReportBlock.SIZE);
        List<RtcpReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = offset + i * RtcpReportBlock.SIZE;
            int lost = body.int32(at + 4);
            blocks.add(new RtcpReportBlock(body.int32(at), lost >>> 24, (lost << 8) >> 8, body.int32(at + 8),
                    body.int32(at + 12), body.int32(at + 16), body.int32(at + 20)));
        }
        return blocks;
    }

    private static RtcpSourceDescription sourceDescription(int count, RtcpBody body) {
        List<RtcpSourceDescription.Chunk> chunks = new ArrayList<>(count);
        int pos = 0;
        for (int i = 0; i < count; i++) {
            body.require(pos + 4);
            int ssrc = body.int32(pos);
            pos += 4;
            String cname = null;
            while (true) {
                body.require(pos + 1);
                int item = body.uint8(pos);
                if (item == RtcpSourceDescription.ITEM_END) {
                    // The item list ends with a null octet, then nulls up to the next 32-bit boundary.
                    pos = (pos + 4) & ~3;
                    break;
                }
                body.require(pos + 2);
                int itemLength = body.uint8(pos + 1);
                body.require(pos + 2 + itemLength);
                if (item == RtcpSourceDescription.ITEM_CNAME) {
                    cname = new String(body.copy(pos + 2, itemLength), StandardCharsets.UTF_8);
                }
                pos += 2 + itemLength;
            }
            chunks.add(new RtcpSourceDescription.Chunk(ssrc, cname));
        }
        return new RtcpSourceDescription(chunks);
    }

    private static RtcpBye bye(int count, RtcpBody body) {
        body.require(4 * count);
        List<Integer> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(body.int32(4 * i));
        }
        String reason = "";
        int pos = 4 * count;
        if (pos < body.length()) {
            int reasonLength = body.uint8(pos);
            body.require(pos + 1 + reasonLength);
            reason = new String(body.copy(pos + 1, reasonLength), StandardCharsets.UTF_8);
        }
        return new RtcpBye(ssrcs, reason);
    }
}
