/**
 * The WebRTC endpoint's signalling and transport skeleton (issue 15, step 2): WHEP over HTTP and
 * one UDP port for every session.
 *
 * <ul>
 *   <li>{@link dev.glasscast.server.webrtc.WhepEndpoint} answers the WHEP resource
 *       (draft-ietf-wish-whep): an SDP offer in, a {@code 201 Created} answer out, DELETE ends the
 *       session; CORS for pages on other origins.</li>
 *   <li>{@link dev.glasscast.server.webrtc.WebRtcSessions} holds the sessions, found by id (HTTP),
 *       by our ICE ufrag (STUN) and by the bound remote address (DTLS, SRTP).</li>
 *   <li>{@link dev.glasscast.server.webrtc.WebRtcUdpListener} is the Netty NIO UDP port: each
 *       datagram is classified (RFC 7983), STUN Binding requests are answered as an ICE-lite agent
 *       and bind the nominated remote address to its session, and DTLS and RTP/RTCP datagrams
 *       from a bound address go to that session's {@link dev.glasscast.server.webrtc.WebRtcTransport}.
 *       Sessions without STUN consent for 30 s (RFC 7675) are reaped.</li>
 * </ul>
 *
 * <p>Not here yet: DTLS-SRTP (another engineer's {@code WebRtcTransport} and
 * {@code WebRtcFingerprintProvider}), the RTP media path, trickle ICE. Until media flows,
 * {@code webrtc.enabled} is false by default and none of this runs.
 */
package dev.glasscast.server.webrtc;
