package dev.glasscast.ingest.srtp;

/**
 * What protecting or unprotecting one packet gave: the packet, or why there is none. A refusal
 * is an answer, not an exception, so a forged or replayed datagram costs the pipeline a counter
 * increment and nothing more.
 */
public sealed interface SrtpResult permits SrtpResult.Packet, SrtpResult.Refused {

    /** Why a packet was refused. */
    enum Reason {
        /** Too short, not RTP/RTCP version 2, or a header that runs past the datagram. */
        MALFORMED,
        /** The authentication tag does not match: corrupted, forged, or the wrong keys. */
        AUTHENTICATION,
        /** The index was already seen or is older than the replay window (RFC 3711 3.3.2). */
        REPLAY,
        /** A new SSRC beyond the context's limit. */
        TOO_MANY_SSRCS,
        /** An SRTCP packet with the E flag clear, which no WebRTC peer sends and we do not accept. */
        UNENCRYPTED
    }

    /** @param packet a new array the caller owns: the SRTP/SRTCP packet, or the plain RTP/RTCP one */
    record Packet(byte[] packet) implements SrtpResult {
    }

    /** @param reason why; {@code detail} is for logs */
    record Refused(Reason reason, String detail) implements SrtpResult {
    }
}
