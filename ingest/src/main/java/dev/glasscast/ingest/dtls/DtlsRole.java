package dev.glasscast.ingest.dtls;

/**
 * Which end of the DTLS handshake we are. GlassCast answers WHEP and WHIP offers with
 * {@code a=setup:passive} (RFC 8842 section 5.3), so in service it is always the server; the
 * client exists for tests and for a future outbound WHIP push.
 */
public enum DtlsRole {
    SERVER,
    CLIENT
}
