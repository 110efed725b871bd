/**
 * STUN (RFC 8489, which obsoletes RFC 5389) as an ICE-lite agent needs it (RFC 8445 section 2.5
 * and 7.3): the Binding request a WebRTC peer (Chromium, Firefox, Safari, OBS's libdatachannel)
 * sends to the one UDP port that carries WHEP playback and WHIP ingest, and the answer it expects.
 *
 * <p>Layers: {@link dev.glasscast.ingest.stun.StunDemultiplexer} tells STUN from DTLS, RTP and
 * RTCP by the first byte (RFC 7983, RFC 5761 section 4) so one socket can serve them all;
 * {@link dev.glasscast.ingest.stun.StunMessageDecoder} and
 * {@link dev.glasscast.ingest.stun.StunMessageEncoder} are the datagram codec;
 * {@link dev.glasscast.ingest.stun.StunMessageIntegrity} computes and checks MESSAGE-INTEGRITY
 * (HMAC-SHA1 with the short-term password, RFC 8489 section 14.5) and FINGERPRINT (CRC-32 XOR
 * 0x5354554e, section 14.7); {@link dev.glasscast.ingest.stun.StunBindingResponder} checks a
 * Binding request against one session's ICE credentials and answers it (RFC 8445 section 7.3,
 * RFC 8489 section 9.1.3).
 *
 * <p>Only the Binding method is understood: a lite agent never allocates (TURN) or sends
 * checks of its own. MESSAGE-INTEGRITY-SHA256 and long-term credentials are not implemented,
 * as no browser uses them for ICE. Nothing here opens a socket or keeps state between datagrams
 * beyond what the caller passes in; the test vectors are those of RFC 5769.
 */
package dev.glasscast.ingest.stun;
