/**
 * DTLS-SRTP for WebRTC playback (WHEP) and ingest (WHIP): the DTLS 1.2 handshake that
 * authenticates the peer by the certificate fingerprint of its SDP and exports the SRTP master
 * keys for {@code dev.glasscast.ingest.srtp}.
 *
 * <ul>
 *   <li>RFC 5763: fingerprint-authenticated DTLS-SRTP; the peer's certificate must hash to its
 *       {@code a=fingerprint} (RFC 8122), and both sides present one.</li>
 *   <li>RFC 5764: the use_srtp extension (section 4.1) and the "EXTRACTOR-dtls_srtp" exporter
 *       and its key layout (section 4.2, {@link dev.glasscast.ingest.dtls.DtlsSrtpKeys}); RFC
 *       7714 section 14.2 for the GCM profile.</li>
 *   <li>RFC 8842: {@code a=setup} roles; GlassCast answers passive, so it is the DTLS server.</li>
 *   <li>RFC 8827 section 6.5: DTLS 1.2, ECDHE with AES-128-GCM, self-signed certificates.</li>
 *   <li>RFC 6347: DTLS 1.2 itself, from Bouncy Castle's bctls (1.87, with bcprov, bcutil and
 *       bcpkix for the certificate builder: about 10.4 MB of jars, no further dependencies).
 *       bctls is the only maintained pure-Java DTLS 1.2 with use_srtp and an exporter; the JDK's
 *       SSLEngine does DTLS but has neither.</li>
 * </ul>
 *
 * <p>Threads: bctls is blocking, so {@link dev.glasscast.ingest.dtls.DtlsEndpoint} runs it on a
 * virtual thread per association, fed through {@link dev.glasscast.ingest.dtls.DtlsDatagramTransport}'s
 * bounded queue; the UDP channel's event loop only copies datagrams in and never waits, and
 * the handshake has a deadline. Buffer ownership: datagrams are copied on the way in (the
 * caller releases its buffer) and sent as new arrays through a callback. Not in scope: the UDP
 * socket, the ICE/STUN demultiplexing (RFC 7983, in {@code stun}), session lookup by address,
 * DTLS 1.3, SCTP data channels (application data is read and discarded), and renegotiation.
 */
package dev.glasscast.ingest.dtls;
