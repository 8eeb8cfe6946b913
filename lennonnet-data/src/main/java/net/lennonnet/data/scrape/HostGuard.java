package net.lennonnet.data.scrape;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Predicate;

/**
 * Refuses hosts that resolve to addresses a scraper has no business fetching from: loopback, private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10, cloud metadata),
 * carrier-grade NAT (100.64/10), "this network" (0/8), benchmarking (198.18/15), reserved and
 * broadcast (240/4), multicast, and IPv6 addresses that carry one of those IPv4 addresses inside
 * them (IPv4-compatible ::a.b.c.d, IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d in
 * whatever notation, NAT64 64:ff9b::/96, 6to4 2002::/16). NAT64's local-use prefix 64:ff9b:1::/48 and
 * Teredo 2001::/32 are refused whole: where their IPv4 address sits depends on the network, and no image
 * host is reached through them. Search results are untrusted, and a URL pointing inside the user's
 * network must not be fetched on their behalf.
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
            return isPublicV4(b);
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xFE) == 0xFC) {
                return false; // unique local fc00::/7
            }
            if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B && b[4] == 0x00
                    && b[5] == 0x01) {
                return false; // NAT64 local use 64:ff9b:1::/48
            }
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) {
                return false; // Teredo 2001::/32
            }
            java.util.Optional<byte[]> embedded = embeddedV4(b);
            if (embedded.isPresent()) {
                try {
                    return isPublic(InetAddress.getByAddress(embedded.get()));
                } catch (UnknownHostException e) {
                    return false; // four bytes are always an address
                }
            }
        }
        return true;
    }

    private static boolean isPublicV4(byte[] b) {
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        return first != 0
                && !(first == 100 && second >= 64 && second < 128) // carrier-grade NAT
                && !(first == 198 && (second == 18 || second == 19)) // benchmarking
                && first < 240; // reserved, broadcast
    }

    /** The IPv4 address inside an IPv4-compatible, -mapped or -translated, NAT64 or 6to4 IPv6 address. */
    private static java.util.Optional<byte[]> embeddedV4(byte[] b) {
        boolean compatible = true;
        for (int i = 0; i < 12; i++) {
            compatible &= b[i] == 0;
        }
        boolean zeroTo8 = true;
        for (int i = 0; i < 8; i++) {
            zeroTo8 &= b[i] == 0;
        }
        boolean ffff10 = (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean mapped = zeroTo8 && b[8] == 0 && b[9] == 0 && ffff10; // ::ffff:a.b.c.d
        boolean translated = zeroTo8 && (b[8] & 0xFF) == 0xFF && (b[9] & 0xFF) == 0xFF && b[10] == 0 && b[11] == 0;
        compatible |= mapped || translated;
        boolean nat64 = b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (compatible || nat64) {
            return java.util.Optional.of(java.util.Arrays.copyOfRange(b, 12, 16));
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return java.util.Optional.of(java.util.Arrays.copyOfRange(b, 2, 6));
        }
        return java.util.Optional.empty();
    }
}
