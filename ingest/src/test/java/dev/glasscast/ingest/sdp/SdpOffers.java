package dev.glasscast.ingest.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The test offers, stored with LF line ends and sent with CRLF as clients do.
 * {@code chromium-whep-offer.sdp}: what Chromium's RTCPeerConnection offers for two recvonly
 * transceivers (video, then audio) once ICE gathering is complete, with mDNS host candidates.
 * {@code obs-whip-offer.sdp}: what OBS's WHIP output (libdatachannel) offers: sendonly Opus
 * then H.264, session-level ICE credentials, fingerprint and setup, a=ssrc lines.
 */
final class SdpOffers {

    private SdpOffers() {
    }

    static String chromiumWhep() {
        return load("chromium-whep-offer.sdp");
    }

    static String obsWhip() {
        return load("obs-whip-offer.sdp");
    }

    static String load(String name) {
        try (InputStream in = SdpOffers.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\n", "\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
