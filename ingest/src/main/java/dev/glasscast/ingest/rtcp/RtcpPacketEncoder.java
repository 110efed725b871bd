package dev.glasscast.ingest.rtcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes {@link RtcpPacket}s and compound packets (RFC 3550 6.1). Lengths are computed from
 * what was written and bodies are padded to 32-bit words with zeros inside the body (SDES,
 * BYE, TWCC), never with the P bit, which RFC 3550 reserves for the last packet and SRTCP
 * encryption.
 *
 * <p>Buffer ownership: {@link #encode(ByteBufAllocator, List)} returns a buffer the caller owns
 * and must release or hand to a channel; {@link #encode(RtcpPacket, ByteBuf)} only appends to the
 * caller's buffer.
 */
public final class RtcpPacketEncoder {

    private RtcpPacketEncoder() {
    }

    public static ByteBuf encode(ByteBufAllocator alloc, List<? extends RtcpPacket> packets) {
        ByteBuf out = alloc.buffer(256);
        try {
            for (RtcpPacket packet : packets) {
                encode(packet, out);
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    public static ByteBuf encode(ByteBufAllocator alloc, RtcpPacket packet) {
        return encode(alloc, List.of(packet));
    }

    public static void encode(RtcpPacket packet, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0);
        int count = switch (packet) {
            case RtcpSenderReport sr -> {
                out.writeInt(sr.ssrc());
                out.writeLong(sr.ntpTimestamp());
                out.writeInt(sr.rtpTimestamp());
                out.writeInt(sr.packetCount());
                out.writeInt(sr.octetCount());
                writeBlocks(sr.reports(), out);
                yield header(RtcpPacket.TYPE_SR, sr.reports().size());
            }
            case RtcpReceiverReport rr -> {
                out.writeInt(rr.ssrc());
                writeBlocks(rr.reports(), out);
                yield header(RtcpPacket.TYPE_RR, rr.reports().size());
            }
            case RtcpSourceDescription sdes -> {
                for (RtcpSourceDescription.Chunk chunk : sdes.chunks()) {
                    int chunkStart = out.writerIndex();
                    out.writeInt(chunk.ssrc());
                    if (chunk.cname() != null) {
                        byte[] cname = chunk.cname().getBytes(StandardCharsets.UTF_8);
                        if (cname.length > 255) {
                            throw new IllegalArgumentException("CNAME longer than 255 bytes");
                        }
                        out.writeByte(RtcpSourceDescription.ITEM_CNAME);
                        out.writeByte(cname.length);
                        out.writeBytes(cname);
                    }
                    // At least one null octet ends the item list, then nulls to the word boundary.
                    int used = out.writerIndex() - chunkStart;
                    out.writeZero(4 - used % 4);
                }
                yield header(RtcpPacket.TYPE_SDES, sdes.chunks().size());
            }
            case RtcpBye bye -> {
                bye.ssrcs().forEach(out::writeInt);
                if (!bye.reason().isEmpty()) {
                    byte[] reason = bye.reason().getBytes(StandardCharsets.UTF_8);
                    if (reason.length > 255) {
                        throw new IllegalArgumentException("BYE reason longer than 255 bytes");
                    }
                    out.writeByte(reason.length);
                    out.writeBytes(reason);
                    padToWord(out, start);
                }
                yield header(RtcpPacket.TYPE_BYE, bye.ssrcs().size());
            }
            case RtcpGenericNack nack -> {
                out.writeInt(nack.senderSsrc());
                out.writeInt(nack.mediaSsrc());
                writeNackPairs(nack.lostSequences(), out);
                yield header(RtcpPacket.TYPE_RTPFB, RtcpPacket.FMT_NACK);
            }
            case RtcpTransportFeedback twcc -> {
                RtcpTransportFeedbackEncoder.writeBody(twcc, out);
                padToWord(out, start);
                yield header(RtcpPacket.TYPE_RTPFB, RtcpPacket.FMT_TWCC);
            }
            case RtcpPictureLossIndication pli -> {
                out.writeInt(pli.senderSsrc());
                out.writeInt(pli.mediaSsrc());
                yield header(RtcpPacket.TYPE_PSFB, RtcpPacket.FMT_PLI);
            }
            case RtcpFullIntraRequest fir -> {
                out.writeInt(fir.senderSsrc());
                out.writeInt(0);
                for (RtcpFullIntraRequest.Entry entry : fir.entries()) {
                    out.writeInt(entry.ssrc());
                    out.writeInt(entry.sequence() << 24);
                }
                yield header(RtcpPacket.TYPE_PSFB, RtcpPacket.FMT_FIR);
            }
            case RtcpRemb remb -> {
                out.writeInt(remb.senderSsrc());
                out.writeInt(0);
                out.writeInt(RtcpFeedbackDecoder.REMB_IDENTIFIER);
                int exponent = 0;
                long mantissa = remb.bitrate();
                while (mantissa > 0x3FFFF) {
                    mantissa >>>= 1;
                    exponent++;
                }
                out.writeInt((remb.ssrcs().size() << 24) | (exponent << 18) | (int) mantissa);
                remb.ssrcs().forEach(out::writeInt);
                yield header(RtcpPacket.TYPE_PSFB, RtcpPacket.FMT_AFB);
            }
            case RtcpUnknownPacket unknown -> {
                out.writeBytes(unknown.body());
                padToWord(out, start);
                yield header(unknown.packetType(), unknown.count());
            }
        };
        int words = (out.writerIndex() - start) / 4 - 1;
        out.setInt(start, (count << 16) | words);
    }

    /** The first 16 bits of the common header, shifted into place by the caller. */
    private static int header(int type, int count) {
        return (RtcpPacket.VERSION << 14) | ((count & 0x1F) << 8) | type;
    }

    private static void writeBlocks(List<RtcpReportBlock> blocks, ByteBuf out) {
        for (RtcpReportBlock block : blocks) {
            out.writeInt(block.ssrc());
            out.writeInt((block.fractionLost() << 24) | (block.cumulativeLost() & 0xFFFFFF));
            out.writeInt(block.highestSequence());
            out.writeInt(block.jitter());
            out.writeInt(block.lastSenderReport());
            out.writeInt(block.delaySinceLastSenderReport());
        }
    }

    /**
     * PID + BLP pairs: each pair starts at a lost packet and marks in its bitmask those of the
     * next sixteen that are lost too (RFC 4585 6.2.1).
     */
    static void writeNackPairs(List<Integer> lost, ByteBuf out) {
        if (lost.isEmpty()) {
            throw new IllegalArgumentException("a NACK needs at least one sequence number");
        }
        int pid = lost.get(0) & 0xFFFF;
        int blp = 0;
        for (int i = 1; i < lost.size(); i++) {
            int sequence = lost.get(i) & 0xFFFF;
            int distance = (sequence - pid) & 0xFFFF;
            if (distance >= 1 && distance <= 16) {
                blp |= 1 << (distance - 1);
            } else if (distance != 0) {
                out.writeShort(pid);
                out.writeShort(blp);
                pid = sequence;
                blp = 0;
            }
        }
        out.writeShort(pid);
        out.writeShort(blp);
    }

    private static void padToWord(ByteBuf out, int start) {
        int used = out.writerIndex() - start;
        out.writeZero((4 - used % 4) % 4);
    }
}
