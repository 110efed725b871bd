/**
 * WebRTC: WHEP playback from the ladder and WHIP ingest into the hub, on one UDP port for every
 * session.
 *
 * <ul>
 *   <li>Signalling: {@link dev.glasscast.server.webrtc.WhepEndpoint} and
 *       {@link dev.glasscast.server.webrtc.WhipEndpoint} (an SDP offer in, a {@code 201 Created}
 *       answer out, DELETE ends the session; CORS for pages on other origins), sharing
 *       {@link dev.glasscast.server.webrtc.WebRtcSignalling}.</li>
 *   <li>{@link dev.glasscast.server.webrtc.WebRtcSessions} holds the sessions, found by id (HTTP),
 *       by our ICE ufrag (STUN) and by the bound remote address (DTLS, SRTP); a session without
 *       STUN consent for 30 s (RFC 7675) is reaped.</li>
 *   <li>{@link dev.glasscast.server.webrtc.WebRtcUdpListener} is the Netty NIO UDP port: each
 *       datagram is classified (RFC 7983), STUN Binding requests are answered as an ICE-lite
 *       agent, and DTLS and RTP/RTCP from a bound address go to that session's transport.</li>
 *   <li>{@link dev.glasscast.server.webrtc.WebRtcPeerTransport} (WHEP): DTLS-SRTP as the
 *       passive side, then one encoded H.264 rung ({@link dev.glasscast.server.webrtc.WebRtcVideoSender},
 *       NACKs from a packet history, a key frame asked of the rung's encoder at PLI/FIR) and the
 *       stream's sound as Opus ({@link dev.glasscast.server.webrtc.WebRtcOpusFeeds}, once per
 *       stream), sender reports from one media clock; the rung follows the browser's REMB and
 *       losses ({@link dev.glasscast.server.webrtc.WebRtcRungAdaptation}), switching at the
 *       ladder's aligned key frames.</li>
 *   <li>{@link dev.glasscast.server.webrtc.WebRtcIngestTransport} (WHIP): H.264 reassembled and
 *       Opus turned into AAC, published into the hub like SRT and RTMP.</li>
 * </ul>
 *
 * <p>Off by default ({@code webrtc.enabled}); nothing here runs until it is on.
 */
package dev.glasscast.server.webrtc;
