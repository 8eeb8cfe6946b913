package net.lennonnet.data.scrape;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Predicate;

/**
 * Refuses hosts that resolve to addresses a scraper has no business fetching from: loopback, private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10, cloud metadata),
 * carrier-grade NAT (100.64/10), "this network" (0/8), multicast. Search results are untrusted, and a
 * URL pointing inside the user's network must not be fetched on their behalf.
 */
final class HostGuard {

    private HostGuard() {}

    /** Throws when any address of {@code host} is not allowed. */
    static void check(String host, Predicate<InetAddress> allowed) throws DownloadException {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new DownloadException("unknown host", host);
        }
        for (InetAddress a : addresses) {
            if (!allowed.test(a)) {
                throw new DownloadException("private address", host + " is " + a.getHostAddress()
                        + " (use --allow-private-hosts for a local mirror)");
            }
        }
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return first != 0 && !(first == 100 && second >= 64 && second < 128);
        }
        if (a instanceof Inet6Address) {
            return (b[0] & 0xFE) != 0xFC; // unique local fc00::/7
        }
        return true;
    }
}
