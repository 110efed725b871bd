/**
 * SDP offer/answer for WebRTC as WHEP (draft-ietf-wish-whep) playback and WHIP (RFC 9725)
 * ingest use it: the client offers, GlassCast answers once, with no renegotiation.
 *
 * <p>Standards: SDP itself (RFC 8866), offer/answer (RFC 3264) as JSEP (RFC 8829) applies it,
 * BUNDLE (RFC 8843), ICE in SDP (RFC 8839) with GlassCast as an ICE-lite agent (RFC 8445),
 * DTLS-SRTP's {@code a=fingerprint} and {@code a=setup} (RFC 5763, RFC 8842), rtcp-mux
 * (RFC 5761), RTCP feedback (RFC 4585), H.264 payload parameters (RFC 6184) and Opus
 * (RFC 7587), RTP header extensions in SDP (RFC 8285), msid (RFC 8830).
 *
 * <p>Layers: {@link dev.glasscast.ingest.sdp.SdpParser} turns the body of a {@code POST} into an
 * {@link dev.glasscast.ingest.sdp.SdpSessionDescription} (limits on size, lines and media
 * sections; malformed input is an {@link dev.glasscast.ingest.sdp.SdpParseException});
 * {@link dev.glasscast.ingest.sdp.SdpAnswerBuilder} negotiates H.264 (packetization-mode=1) and
 * Opus, with {@link dev.glasscast.ingest.sdp.SdpCodecSelector} choosing among what was offered,
 * and refuses an offer it cannot serve with an
 * {@link dev.glasscast.ingest.sdp.SdpNegotiationException} whose message can go back to the
 * client; {@link dev.glasscast.ingest.sdp.SdpSerializer} writes the answer with CRLF line ends.
 *
 * <p>Not here: sockets, ICE, DTLS, SRTP, RTP and HTTP, which use what
 * {@link dev.glasscast.ingest.sdp.SdpAnswer} reports (payload types, extension ids, SSRCs,
 * the remote credentials and fingerprint).
 */
package dev.glasscast.ingest.sdp;
