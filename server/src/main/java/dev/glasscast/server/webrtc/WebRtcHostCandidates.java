package dev.glasscast.server.webrtc;

import dev.glasscast.config.WebRtcConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which address the SDP answers announce as our one ICE host candidate, in this order:
 * {@code webrtc.public_address}; else the host of {@code server.public_url}; else this machine's
 * LAN address, the one the start-up banner prints. A host name is resolved once, here, at
 * start-up (a candidate must be an IP address); one that does not resolve is logged and the
 * next choice used.
 */
public final class WebRtcHostCandidates {

    private static final Logger log = LoggerFactory.getLogger(WebRtcHostCandidates.class);

    private WebRtcHostCandidates() {
    }

    /**
     * @param publicUrl  {@code server.public_url}, or null
     * @param lanAddress the machine's LAN address as text (NetworkAddresses::lanAddress)
     * @param udpPort    the bound UDP port
     */
    public static List<InetSocketAddress> announced(WebRtcConfig config, String publicUrl, Supplier<String> lanAddress,
                                                    int udpPort) {
        InetAddress address = resolve(config.publicAddress(), "webrtc.public_address");
        if (address == null && publicUrl != null) {
            address = resolve(hostOf(publicUrl), "the host of server.public_url");
        }
        if (address == null) {
            address = resolve(lanAddress.get(), "the LAN address");
        }
        if (address == null) {
            address = InetAddress.getLoopbackAddress();
        }
        return List.of(new InetSocketAddress(address, udpPort));
    }

    static String hostOf(String url) {
        try {
            String host = URI.create(url).getHost();
            // An IPv6 literal comes bracketed; InetAddress wants it bare.
            return host != null && host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InetAddress resolve(String host, String what) {
        if (host == null || host.isBlank()) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress()) {
                log.warn("WebRTC: {} {} is the wildcard address; browsers cannot send to it", what, host);
                return null;
            }
            return address;
        } catch (UnknownHostException e) {
            log.warn("WebRTC: {} {} does not resolve; announcing another address", what, host);
            return null;
        }
    }
}
