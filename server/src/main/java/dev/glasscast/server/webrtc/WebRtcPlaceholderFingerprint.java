package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.sdp.SdpFingerprint;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A PLACEHOLDER {@link WebRtcFingerprintProvider}: the SHA-256 of random bytes, NOT of any
 * certificate. There is no DTLS server yet, so no certificate to fingerprint; an answer carrying
 * this is well formed and lets signalling and ICE be tested, but a browser's DTLS handshake can
 * never succeed against it. Replace it with the DTLS-SRTP layer's provider; it exists only while
 * {@code webrtc.enabled} is off by default.
 *
 * <p>Immutable and thread-safe: one value per instance.
 */
public final class WebRtcPlaceholderFingerprint implements WebRtcFingerprintProvider {

    private final SdpFingerprint fingerprint;

    public WebRtcPlaceholderFingerprint(SecureRandom random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed);
            fingerprint = SdpFingerprint.sha256(HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public SdpFingerprint fingerprint() {
        return fingerprint;
    }
}
