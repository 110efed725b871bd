package dev.glasscast.ingest.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the feedback messages of RFC 4585 6 (common part: sender SSRC, media SSRC, then the
 * feedback control information) other than transport-wide congestion control, which
 * {@link RtcpTransportFeedbackDecoder} reads. Formats GlassCast does not act on decode to
 * {@link RtcpUnknownPacket}.
 */
final class RtcpFeedbackDecoder {

    /** Sender SSRC and media SSRC. */
    static final int COMMON_SIZE = 8;
    /** The REMB unique identifier, "REMB" in ASCII. */
    static final int REMB_IDENTIFIER = 0x52454D42;

    private RtcpFeedbackDecoder() {
    }

    static RtcpPacket transportLayer(int format, RtcpBody body) {
        body.require(COMMON_SIZE);
        if (format != RtcpPacket.FMT_NACK) {
            return new RtcpUnknownPacket(RtcpPacket.TYPE_RTPFB, format, body.copy(0, body.length()));
        }
        int fciLength = body.length() - COMMON_SIZE;
        if (fciLength == 0 || fciLength % 4 != 0) {
            throw new RtcpFormatException("generic NACK with " + fciLength + " bytes of FCI");
        }
        // Each 4-byte FCI names at most 17 packets, so the list is bounded by the compound size.
        List<Integer> lost = new ArrayList<>();
        for (int at = COMMON_SIZE; at < body.length(); at += 4) {
            int pid = body.uint16(at);
            int blp = body.uint16(at + 2);
            lost.add(pid);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    lost.add((pid + bit + 1) & 0xFFFF);
                }
            }
        }
        return new RtcpGenericNack(body.int32(0), body.int32(4), lost);
    }

    static RtcpPacket payloadSpecific(int format, RtcpBody body) {
        body.require(COMMON_SIZE);
        int sender = body.int32(0);
        int media = body.int32(4);
        switch (format) {
            case RtcpPacket.FMT_PLI:
                // RFC 4585 6.3.1: PLI has no FCI; extra bytes are tolerated, as libwebrtc does.
                return new RtcpPictureLossIndication(sender, media);
            case RtcpPacket.FMT_FIR:
                return fir(sender, body);
            case RtcpPacket.FMT_AFB:
                if (body.length() >= COMMON_SIZE + 8 && body.int32(COMMON_SIZE) == REMB_IDENTIFIER) {
                    return remb(sender, body);
                }
                break;
            default:
                break;
        }
        return new RtcpUnknownPacket(RtcpPacket.TYPE_PSFB, format, body.copy(0, body.length()));
    }

    private static RtcpFullIntraRequest fir(int sender, RtcpBody body) {
        int fciLength = body.length() - COMMON_SIZE;
        if (fciLength == 0 || fciLength % 8 != 0) {
            throw new RtcpFormatException("FIR with " + fciLength + " bytes of FCI");
        }
        List<RtcpFullIntraRequest.Entry> entries = new ArrayList<>(fciLength / 8);
        for (int at = COMMON_SIZE; at < body.length(); at += 8) {
            entries.add(new RtcpFullIntraRequest.Entry(body.int32(at), body.uint8(at + 4)));
        }
        return new RtcpFullIntraRequest(sender, entries);
    }

    /**
     * <pre>
     * |  Unique identifier 'R' 'E' 'M' 'B'                            |
     * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
     * |   SSRC feedback                                               | (Num SSRC of them)
     * </pre>
     */
    private static RtcpRemb remb(int sender, RtcpBody body) {
        int word = body.int32(COMMON_SIZE + 4);
        int count = word >>> 24;
        int exponent = (word >>> 18) & 0x3F;
        long mantissa = word & 0x3FFFF;
        body.require(COMMON_SIZE + 8 + 4 * count);
        List<Integer> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(body.int32(COMMON_SIZE + 8 + 4 * i));
        }
        // An 18-bit mantissa shifted by up to 63 overflows a long: such an estimate means "unlimited".
        long bitrate = exponent > 45 && mantissa != 0 ? Long.MAX_VALUE : mantissa << exponent;
        return new RtcpRemb(sender, bitrate, ssrcs);
    }
}
