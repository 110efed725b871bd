package dev.glasscast.config;

/**
 * @param bind       address the HTTP server listens on ({@code 0.0.0.0} for every interface)
 * @param httpPort   HTTP port; 0 picks a free one (tests)
 * @param publicUrl  the base URL viewers use, e.g. {@code https://live.example.org}; null means
 *                   the detected LAN address with {@code httpPort}
 */
public record ServerConfig(String bind, int httpPort, String publicUrl) {

    public ServerConfig withHttpPort(int port) {
        return new ServerConfig(bind, port, publicUrl);
    }
}
