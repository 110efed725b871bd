package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.sdp.SdpAnswer;

/** Makes the transport of each new WebRTC session, as its answer negotiated it. */
@FunctionalInterface
public interface WebRtcTransportFactory {

    /**
     * @param stream the stream the session plays
     * @param answer what the offer and answer agreed: media sections, payload types, our SSRCs,
     *               the fingerprint the peer's DTLS certificate must have
     * @param out    sends from the session's UDP port
     */
    WebRtcTransport create(String stream, SdpAnswer answer, WebRtcDatagramSender out);
}
