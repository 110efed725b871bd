package dev.glasscast.ingest.srtp;

import java.util.HashMap;
import java.util.Map;

/**
 * One direction of an SRTP session (RFC 3711 section 3.2): protects what we send with our keys,
 * or unprotects what the peer sends with theirs, so a DTLS-SRTP association has two, one built
 * from the client's write keys and one from the server's. Each SSRC gets its own rollover
 * counter, highest sequence number and replay window (the crypto context is per SSRC, section
 * 3.2.3), created on its first packet.
 *
 * <p>The rollover counter is estimated from the sequence number as Appendix A does, on both
 * sides: a sender whose sequence numbers run on from 65535 to 0 gets ROC + 1, and a receiver
 * guesses the same from the packet alone. State moves only after a packet authenticated, so a
 * forged packet can neither advance the ROC nor close the replay window.
 *
 * <p>Not thread-safe: one thread (the session's) protects or unprotects. Buffer ownership: the
 * input arrays are only read; a {@link SrtpResult.Packet} holds a new array. Nothing here
 * throws on peer input: refusals are {@link SrtpResult.Refused}.
 */
public final class SrtpContext {

    /** Default for {@code maxSsrcs}: a WebRTC session carries a few (audio, video, RTX, FEC). */
    public static final int DEFAULT_MAX_SSRCS = 32;

    private static final int RTP_HEADER = 12;

    private final SrtpCipher cipher;
    private final int maxSsrcs;
    private final Map<Integer, SsrcState> ssrcs = new HashMap<>();

    /** Per SSRC: section 3.2.1's ROC and s_l, the replay lists, and our SRTCP index when sending. */
    private static final class SsrcState {
        long roc;
        int highestSeq;
        final SrtpReplayWindow rtpWindow = new SrtpReplayWindow();
        final SrtpReplayWindow rtcpWindow = new SrtpReplayWindow();
        int rtcpIndex;
        boolean started;
    }

    /**
     * @param profile    the negotiated profile
     * @param masterKey  this direction's master key, as the DTLS exporter split it
     * @param masterSalt this direction's master salt
     * @param maxSsrcs   how many SSRCs this direction may carry before new ones are refused
     *                   (default {@value #DEFAULT_MAX_SSRCS}); bounds the state a peer can make us keep
     */
    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, int maxSsrcs) {
        if (maxSsrcs < 1) {
            throw new IllegalArgumentException("maxSsrcs must be positive");
        }
        this.cipher = new SrtpCipher(profile, masterKey, masterSalt);
        this.maxSsrcs = maxSsrcs;
    }

    public SrtpProfile profile() {
        return cipher.profile();
    }

    /** The SRTP packet for the RTP packet {@code packet[off, off+len)}. */
    public SrtpResult protectRtp(byte[] packet, int off, int len) {
        int header = rtpHeaderLength(packet, off, len);
        if (header < 0) {
            return new SrtpResult.Refused(SrtpResult.Reason.MALFORMED, "not an RTP packet");
        }
        int ssrc = readInt(packet, off + 8);
        SsrcState state = state(ssrc);
        if (state == null) {
            return tooMany();
        }
        int seq = readUnsignedShort(packet, off + 2);
        // A sender that resent a packet from before the first one would get ROC -1; it cannot.
        long index = Math.max(estimateIndex(state, seq), seq);
        advance(state, index);
        return sealed(cipher.sealRtp(packet, off, len, header, ssrc, index), index);
    }

    /** The RTP packet inside the SRTP packet {@code packet[off, off+len)}, or why not. */
    public SrtpResult unprotectRtp(byte[] packet, int off, int len) {
        int header = rtpHeaderLength(packet, off, len - cipher.profile().tagLength());
        if (header < 0) {
            return new SrtpResult.Refused(SrtpResult.Reason.MALFORMED, "not an SRTP packet");
        }
        int ssrc = readInt(packet, off + 8);
        SsrcState known = ssrcs.get(ssrc);
        if (known == null && ssrcs.size() >= maxSsrcs) {
            return tooMany();
        }
        SsrcState state = known != null ? known : new SsrcState();
        long index = estimateIndex(state, readUnsignedShort(packet, off + 2));
        if (index < 0 || !state.rtpWindow.check(index)) {
            return new SrtpResult.Refused(SrtpResult.Reason.REPLAY, "SRTP index " + index + " of SSRC "
                    + Integer.toUnsignedString(ssrc) + " was seen or is too old");
        }
        byte[] plain = cipher.openRtp(packet, off, len, header, ssrc, index);
        if (plain == null) {
            return new SrtpResult.Refused(SrtpResult.Reason.AUTHENTICATION, "SRTP tag mismatch");
        }
        if (known == null) {
            ssrcs.put(ssrc, state);
        }
        state.rtpWindow.accept(index);
        advance(state, index);
        return new SrtpResult.Packet(plain);
    }

    /** The SRTCP packet for the (compound) RTCP packet {@code packet[off, off+len)}. */
    public SrtpResult protectRtcp(byte[] packet, int off, int len) {
        if (len < 8 || (packet[off] & 0xC0) != 0x80) {
            return new SrtpResult.Refused(SrtpResult.Reason.MALFORMED, "not an RTCP packet");
        }
        int ssrc = readInt(packet, off + 4);
        SsrcState state = state(ssrc);
        if (state == null) {
            return tooMany();
        }
        int index = state.rtcpIndex;
        // The 31-bit index wraps to 0; RFC 3711 3.3.1 wants a rekey before, which DTLS-SRTP
        // would do with a new handshake, and 2^31 reports is decades at 5 a second.
        state.rtcpIndex = (index + 1) & 0x7FFF_FFFF;
        return sealed(cipher.sealRtcp(packet, off, len, ssrc, index), index);
    }

    /** The RTCP packet inside the SRTCP packet {@code packet[off, off+len)}, or why not. */
    public SrtpResult unprotectRtcp(byte[] packet, int off, int len) {
        if (len < 8 + 4 + cipher.profile().tagLength() || (packet[off] & 0xC0) != 0x80) {
            return new SrtpResult.Refused(SrtpResult.Reason.MALFORMED, "not an SRTCP packet");
        }
        int word = readInt(packet, off + cipher.rtcpIndexOffset(len));
        if ((word & SrtpCipher.SRTCP_E_FLAG) == 0) {
            return new SrtpResult.Refused(SrtpResult.Reason.UNENCRYPTED, "SRTCP with the E flag clear");
        }
        int index = word & 0x7FFF_FFFF;
        int ssrc = readInt(packet, off + 4);
        SsrcState known = ssrcs.get(ssrc);
        if (known == null && ssrcs.size() >= maxSsrcs) {
            return tooMany();
        }
        SsrcState state = known != null ? known : new SsrcState();
        if (!state.rtcpWindow.check(index)) {
            return new SrtpResult.Refused(SrtpResult.Reason.REPLAY, "SRTCP index " + index + " was seen or is too old");
        }
        byte[] plain = cipher.openRtcp(packet, off, len, ssrc, index);
        if (plain == null) {
            return new SrtpResult.Refused(SrtpResult.Reason.AUTHENTICATION, "SRTCP tag mismatch");
        }
        if (known == null) {
            ssrcs.put(ssrc, state);
        }
        state.rtcpWindow.accept(index);
        return new SrtpResult.Packet(plain);
    }

    /** The rollover counter of {@code ssrc}, or -1 when it has not been seen. */
    public long rolloverCounter(int ssrc) {
        SsrcState state = ssrcs.get(ssrc);
        return state == null || !state.started ? -1 : state.roc;
    }

    private SsrcState state(int ssrc) {
        SsrcState state = ssrcs.get(ssrc);
        if (state == null && ssrcs.size() < maxSsrcs) {
            state = new SsrcState();
            ssrcs.put(ssrc, state);
        }
        return state;
    }

    /** RFC 3711 Appendix A: the index closest to s_l, or -1 when it would need ROC -1. */
    private static long estimateIndex(SsrcState state, int seq) {
        if (!state.started) {
            return seq;
        }
        long roc = state.roc;
        long v;
        if (state.highestSeq < 32768) {
            v = seq - state.highestSeq > 32768 ? roc - 1 : roc;
        } else {
            v = state.highestSeq - 32768 > seq ? roc + 1 : roc;
        }
        // The ROC is 32 bits; past 2^32 rollovers the index wraps with it (section 3.3.1).
        return v < 0 ? -1 : ((v & 0xFFFF_FFFFL) << 16) | seq;
    }

    private static void advance(SsrcState state, long index) {
        long v = index >>> 16;
        int seq = (int) (index & 0xFFFF);
        if (!state.started) {
            state.started = true;
            state.roc = v;
            state.highestSeq = seq;
        } else if (v != state.roc && v == ((state.roc + 1) & 0xFFFF_FFFFL)) {
            state.roc = v;
            state.highestSeq = seq;
        } else if (v == state.roc && seq > state.highestSeq) {
            state.highestSeq = seq;
        }
    }

    /** RFC 3550 5.1 header length (CSRCs and the extension), or -1 when {@code len} cannot hold it. */
    static int rtpHeaderLength(byte[] packet, int off, int len) {
        if (len < RTP_HEADER || (packet[off] & 0xC0) != 0x80) {
            return -1;
        }
        int header = RTP_HEADER + 4 * (packet[off] & 0x0F);
        if ((packet[off] & 0x10) != 0) {
            if (len < header + 4) {
                return -1;
            }
            header += 4 + 4 * readUnsignedShort(packet, off + header + 2);
        }
        return header <= len ? header : -1;
    }

    private static SrtpResult sealed(byte[] packet, long index) {
        // GCM must never encrypt twice under one IV: a resent sequence number is refused, not sent.
        return packet != null ? new SrtpResult.Packet(packet)
                : new SrtpResult.Refused(SrtpResult.Reason.REPLAY, "index " + index + " was just encrypted");
    }

    private static SrtpResult tooMany() {
        return new SrtpResult.Refused(SrtpResult.Reason.TOO_MANY_SSRCS, "more SSRCs than the context allows");
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static int readUnsignedShort(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }
}
