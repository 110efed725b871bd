package dev.glasscast.config;

import java.time.Duration;

/**
 * @param bind                  address the HTTP server listens on ({@code 0.0.0.0} for every interface)
 * @param httpPort              HTTP port; 0 picks a free one (tests)
 * @param publicUrl             the base URL viewers use, e.g. {@code https://live.example.org}; null means
 *                              the detected LAN address with {@code httpPort}
 * @param adminToken            the bearer token the dashboard, the JSON API and /metrics require; null
 *                              means one is generated on first run and kept in the data directory
 * @param tls                   the HTTPS listener
 * @param requestReadTimeout    how long an HTTP/1.1 client may take to send one whole request
 *                              (slowloris guard); HTTP/2 connections are not subject to it
 * @param playbackSecret        the HMAC key signing playback links of streams with
 *                              {@code playback: signed}; null means one is generated on first run
 *                              and kept in the data directory
 * @param playbackLinkLifetime  how long a signed playback link minted without an explicit lifetime
 *                              stays valid
 */
public record ServerConfig(String bind, int httpPort, String publicUrl, String adminToken, TlsConfig tls,
                           Duration requestReadTimeout, String playbackSecret, Duration playbackLinkLifetime) {

    /** What {@code request_read_timeout} is when a caller does not say. */
    public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(20);
    /** What {@code playback_link_lifetime} is when a caller does not say. */
    public static final Duration DEFAULT_PLAYBACK_LINK_LIFETIME = Duration.ofHours(12);

    public ServerConfig {
        if (tls == null) {
            tls = TlsConfig.OFF;
        }
        if (requestReadTimeout == null) {
            requestReadTimeout = DEFAULT_REQUEST_READ_TIMEOUT;
        }
        if (playbackLinkLifetime == null) {
            playbackLinkLifetime = DEFAULT_PLAYBACK_LINK_LIFETIME;
        }
    }

    public ServerConfig withHttpPort(int port) {
        return new ServerConfig(bind, port, publicUrl, adminToken, tls, requestReadTimeout, playbackSecret, playbackLinkLifetime);
    }

    public ServerConfig withAdminToken(String token) {
        return new ServerConfig(bind, httpPort, publicUrl, token, tls, requestReadTimeout, playbackSecret, playbackLinkLifetime);
    }

    public ServerConfig withTls(TlsConfig newTls) {
        return new ServerConfig(bind, httpPort, publicUrl, adminToken, newTls, requestReadTimeout, playbackSecret, playbackLinkLifetime);
    }

    public ServerConfig withRequestReadTimeout(Duration timeout) {
        return new ServerConfig(bind, httpPort, publicUrl, adminToken, tls, timeout, playbackSecret, playbackLinkLifetime);
    }

    public ServerConfig withPlaybackSecret(String secret) {
        return new ServerConfig(bind, httpPort, publicUrl, adminToken, tls, requestReadTimeout, secret, playbackLinkLifetime);
    }

    public ServerConfig withPlaybackLinkLifetime(Duration lifetime) {
        return new ServerConfig(bind, httpPort, publicUrl, adminToken, tls, requestReadTimeout, playbackSecret, lifetime);
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", httpPort=" + httpPort + ", publicUrl=" + publicUrl
                + ", adminToken=" + (adminToken == null ? "generated" : "<redacted>") + ", tls=" + tls
                + ", requestReadTimeout=" + requestReadTimeout
                + ", playbackSecret=" + (playbackSecret == null ? "generated" : "<redacted>")
                + ", playbackLinkLifetime=" + playbackLinkLifetime + "]";
    }
}
