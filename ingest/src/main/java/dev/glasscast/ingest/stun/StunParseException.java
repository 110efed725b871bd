package dev.glasscast.ingest.stun;

/**
 * A datagram that is not a well-formed STUN message this codec accepts. The port is open to
 * the internet, so this is an expected outcome: callers drop the datagram and count it.
 */
public final class StunParseException extends Exception {

    public StunParseException(String message) {
        super(message);
    }
}
