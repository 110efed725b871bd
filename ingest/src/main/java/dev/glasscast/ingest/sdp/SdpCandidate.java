package dev.glasscast.ingest.sdp;

import java.net.InetSocketAddress;

/**
 * {@code a=candidate} (RFC 8839 section 5.1). The address is kept as written: browsers hide
 * host addresses behind mDNS names ({@code <uuid>.local}), which only the ICE layer resolves.
 *
 * @param extensions what follows the type (raddr/rport, tcptype, generation, network-id...), as written
 */
public record SdpCandidate(String foundation, int component, String transport, long priority, String address,
                           int port, String type, String extensions) {

    /** The type preference RFC 8445 section 5.1.2.2 recommends for host candidates. */
    private static final int HOST_TYPE_PREFERENCE = 126;

    /**
     * A host candidate for RTP (component 1) over UDP. {@code rank} 0 is the most preferred;
     * the local preference counts down from 65535 so that candidates keep the order given.
     */
    public static SdpCandidate host(int rank, InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("a host candidate needs an IP address: " + address);
        }
        long priority = ((long) HOST_TYPE_PREFERENCE << 24) | ((long) (65535 - rank) << 8) | (256 - 1);
        return new SdpCandidate(String.valueOf(rank + 1), 1, "udp", priority, hostAddress(address), address.getPort(),
                "host", "");
    }

    /** The literal address without an IPv6 scope ({@code %eth0}), which means nothing to the peer. */
    static String hostAddress(InetSocketAddress address) {
        String literal = address.getAddress().getHostAddress();
        int scope = literal.indexOf('%');
        return scope < 0 ? literal : literal.substring(0, scope);
    }

    static SdpCandidate parse(String value) throws SdpParseException {
        String[] parts = SdpTokens.split(value, 8, "a=candidate");
        if (!parts[6].equals("typ")) {
            throw new SdpParseException("a=candidate has no 'typ' in the seventh field: '" + SdpTokens.shorten(value) + "'");
        }
        if (parts[0].length() > 32) {
            throw new SdpParseException("a=candidate foundation longer than 32 characters");
        }
        int component = SdpTokens.parseInt(parts[1], 1, 256, "candidate component");
        long priority = SdpTokens.parseLong(parts[3], 1, 0xFFFF_FFFFL, "candidate priority");
        int port = SdpTokens.parseInt(parts[5], 0, 65535, "candidate port");
        StringBuilder extensions = new StringBuilder();
        for (int i = 8; i < parts.length; i++) {
            extensions.append(i == 8 ? "" : " ").append(parts[i]);
        }
        return new SdpCandidate(parts[0], component, parts[2], priority, parts[4], port, parts[7], extensions.toString());
    }

    /** The attribute value, without {@code candidate:}. */
    public String attributeValue() {
        return foundation + " " + component + " " + transport + " " + priority + " " + address + " " + port + " typ " + type
                + (extensions.isEmpty() ? "" : " " + extensions);
    }
}
