package dev.glasscast.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Finds the address other machines on the LAN reach this one at, for the URLs we print. */
public final class NetworkAddresses {

    private NetworkAddresses() {
    }

    /**
     * A site-local IPv4 address of an interface that is up (preferring 192.168/16, then 10/8,
     * then 172.16/12, as home and office networks use them), else any non-loopback IPv4
     * address, else {@code 127.0.0.1}.
     */
    public static String lanAddress() {
        try {
            List<Inet4Address> candidates = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(NetworkAddresses::isUsable)
                    .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                    .map(a -> (Inet4Address) a)
                    .sorted(Comparator.comparingInt(NetworkAddresses::preference))
                    .toList();
            Optional<Inet4Address> best = candidates.stream().findFirst();
            return best.map(InetAddress::getHostAddress).orElse("127.0.0.1");
        } catch (SocketException e) {
            return "127.0.0.1";
        }
    }

    private static boolean isUsable(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback() && !nic.isVirtual() && !nic.getName().startsWith("docker");
        } catch (SocketException e) {
            return false;
        }
    }

    private static int preference(Inet4Address address) {
        byte[] b = address.getAddress();
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        if (first == 192 && second == 168) {
            return 0;
        }
        if (first == 10) {
            return 1;
        }
        if (first == 172 && second >= 16 && second < 32) {
            return 2;
        }
        return 3;
    }
}
