package dev.glasscast.ingest.rtcp;

/**
 * RTCP input that is malformed or exceeds a limit: the only exception the decoders of this
 * package throw for what a peer sends. Without a stack trace, as junk from the network is
 * expected and must stay cheap to refuse.
 */
public final class RtcpFormatException extends RuntimeException {

    public RtcpFormatException(String message) {
        super(message, null, false, false);
    }
}
