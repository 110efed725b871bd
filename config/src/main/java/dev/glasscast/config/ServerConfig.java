package dev.glasscast.config;

/**
 * @param bind       address the HTTP server listens on ({@code 0.0.0.0} for every interface)
 * @param httpPort   HTTP port; 0 picks a free one (tests)
 * @param publicUrl  the base URL viewers use, e.g. {@code https://live.example.org}; null means
 *                   the detected LAN address with {@code httpPort}
 * @param adminToken the bearer token the dashboard, the JSON API and /metrics require; null
 *                   means one is generated on first run and kept in the data directory
 * @param tls        the HTTPS listener
 */
public record ServerConfig(String bind, int httpPort, String publicUrl, String adminToken, TlsConfig tls) {

    public ServerConfig {
        if (tls == null) {
            tls = TlsConfig.OFF;
        }
    }

    public ServerConfig withHttpPort(int port) {
        return new ServerConfig(bind, port, publicUrl, adminToken, tls);
    }

    public ServerConfig withAdminToken(String token) {
        return new ServerConfig(bind, httpPort, publicUrl, token, tls);
    }

    public ServerConfig withTls(TlsConfig newTls) {
        return new ServerConfig(bind, httpPort, publicUrl, adminToken, newTls);
    }
}
