package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.sdp.SdpFingerprint;

/**
 * The SHA-256 fingerprint of the certificate our DTLS server presents, written into every SDP
 * answer's {@code a=fingerprint}. The DTLS-SRTP layer implements this with its certificate;
 * {@link WebRtcPlaceholderFingerprint} stands in until then.
 *
 * <p>Implementations are thread-safe: WHEP answers are built on HTTP event loops.
 */
public interface WebRtcFingerprintProvider {

    /** The fingerprint of the certificate DTLS handshakes of new sessions will present. */
    SdpFingerprint fingerprint();
}
