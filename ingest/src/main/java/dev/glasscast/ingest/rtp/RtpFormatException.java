package dev.glasscast.ingest.rtp;

/**
 * RTP input that is malformed or exceeds a limit. The only exception the decoders of this
 * package throw for what a peer sends.
 *
 * <p>No stack trace is captured: the media port is open to the internet, and a flood of junk
 * must not cost a stack walk per datagram.
 */
public final class RtpFormatException extends RuntimeException {

    public RtpFormatException(String message) {
        super(message, null, false, false);
    }
}
