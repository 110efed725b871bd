package dev.glasscast.ingest.sdp;

/**
 * A well-formed offer that GlassCast cannot answer: no usable codec, no DTLS fingerprint, no
 * rtcp-mux, media in the wrong direction... The message names the reason in words a WHIP or
 * WHEP client's user can act on (WHEP and WHIP answer such offers with 406 or 400).
 */
public final class SdpNegotiationException extends Exception {

    public SdpNegotiationException(String message) {
        super(message);
    }
}
