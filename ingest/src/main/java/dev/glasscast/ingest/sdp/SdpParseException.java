package dev.glasscast.ingest.sdp;

/**
 * An SDP body that is malformed or over a limit. The message says where and why, and is safe
 * to send back in a 400 response: it quotes at most a short prefix of the offending line.
 */
public final class SdpParseException extends Exception {

    public SdpParseException(String message) {
        super(message);
    }
}
