package dev.glasscast.config;

/**
 * HTTPS, with HTTP/2 negotiated by ALPN, on a port of its own beside plain HTTP.
 *
 * @param enabled     whether the HTTPS listener runs
 * @param port        its TCP port; 0 picks a free one (tests)
 * @param certificate path of the PEM certificate chain
 * @param privateKey  path of the PEM private key (PKCS#8)
 */
public record TlsConfig(boolean enabled, int port, String certificate, String privateKey) {

    public static final TlsConfig OFF = new TlsConfig(false, 8443, null, null);
}
