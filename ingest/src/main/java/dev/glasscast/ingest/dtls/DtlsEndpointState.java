package dev.glasscast.ingest.dtls;

/**
 * Where a {@link DtlsEndpoint} is. Moves only forward: HANDSHAKING to CONNECTED or FAILED, and
 * any state to CLOSED when the endpoint is closed (CLOSED after CONNECTED also when the peer sent
 * close_notify).
 */
public enum DtlsEndpointState {
    /** The handshake thread runs; SRTP keys are not known yet. */
    HANDSHAKING,
    /** The handshake finished and the SRTP keys are exported. */
    CONNECTED,
    /** The handshake failed: timeout, a fatal alert, a wrong fingerprint, or no common SRTP profile. */
    FAILED,
    /** Closed by us or by the peer's close_notify. */
    CLOSED
}
