package dev.glasscast.config;

/**
 * The WebRTC endpoint: WHEP playback signalling over HTTP, and one UDP port that carries STUN,
 * DTLS and SRTP for every WebRTC session (ICE-lite, host candidates only).
 *
 * @param enabled       whether the WHEP routes and the UDP listener run; false for now, as media
 *                      does not flow over WebRTC yet
 * @param bind          address the UDP listener binds ({@code 0.0.0.0} for every interface)
 * @param udpPort       the one UDP port of every session, 8189 by default; 0 picks a free one (tests)
 * @param publicAddress host name or IP announced as the ICE host candidate (for NAT); null means
 *                      the host of {@code server.public_url} if set, else the machine's addresses
 * @param maxSessions   the most WebRTC sessions at once; a WHEP offer beyond it is answered 503
 */
public record WebRtcConfig(boolean enabled, String bind, int udpPort, String publicAddress, int maxSessions) {

    /** The usual WHEP/WebRTC UDP port of other servers (MediaMTX, OvenMediaEngine's ICE range). */
    public static final int DEFAULT_UDP_PORT = 8189;
    /** What {@code max_sessions} is when a caller does not say. */
    public static final int DEFAULT_MAX_SESSIONS = 100;
    /** The most {@code max_sessions} may be: each session holds queues and a UDP path. */
    public static final int MAX_MAX_SESSIONS = 10_000;
    /** What {@code webrtc} is when a caller does not say: off. */
    public static final WebRtcConfig OFF = new WebRtcConfig(false, "0.0.0.0", DEFAULT_UDP_PORT, null, DEFAULT_MAX_SESSIONS);

    public WebRtcConfig withEnabled(boolean newEnabled) {
        return new WebRtcConfig(newEnabled, bind, udpPort, publicAddress, maxSessions);
    }

    public WebRtcConfig withBind(String newBind) {
        return new WebRtcConfig(enabled, newBind, udpPort, publicAddress, maxSessions);
    }

    public WebRtcConfig withUdpPort(int newPort) {
        return new WebRtcConfig(enabled, bind, newPort, publicAddress, maxSessions);
    }

    public WebRtcConfig withPublicAddress(String newAddress) {
        return new WebRtcConfig(enabled, bind, udpPort, newAddress, maxSessions);
    }

    public WebRtcConfig withMaxSessions(int newMax) {
        return new WebRtcConfig(enabled, bind, udpPort, publicAddress, newMax);
    }
}
