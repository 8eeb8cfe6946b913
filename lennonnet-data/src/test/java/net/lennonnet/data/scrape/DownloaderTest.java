package net.lennonnet.data.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DownloaderTest {

    FakeWeb web;
    /** Reaches the test server on loopback, refuses every other non-public address. */
    Downloader downloader;

    @BeforeEach
    void start() throws IOException {
        web = new FakeWeb();
        downloader = new Downloader(1000, Duration.ofMillis(1500), a -> a.isLoopbackAddress() || HostGuard.isPublic(a));
    }

    @AfterEach
    void stop() throws IOException {
        web.close();
    }

    static MockResponse redirect(String to) {
        return new MockResponse().setResponseCode(302).setHeader("Location", to);
    }

    @Test
    void downloadsAndFollowsRedirects() throws DownloadException {
        web.image("/img/a.jpg", new byte[] {1, 2, 3});
        web.respond("/r1", () -> redirect("/r2"));
        web.respond("/r2", () -> redirect("/img/a.jpg"));
        assertThat(downloader.download(web.url("/r1"))).containsExactly(1, 2, 3);
    }

    @Test
    void urlsWithSpacesAndOtherRawCharactersAreFetchedAsABrowserWould() throws DownloadException {
        web.image("/img/john%20lennon%20%C3%A9t%C3%A9.jpg", new byte[] {4, 5});
        assertThat(downloader.download(web.url("/img/john lennon été.jpg"))).containsExactly(4, 5);
        web.image("/img/two%20words.jpg", new byte[] {6});
        web.respond("/moved", () -> redirect("/img/two words.jpg"));
        assertThat(downloader.download(web.url("/moved"))).containsExactly(6);
        assertThat(Downloader.encodeIllegal("http://h/a b%20c\"d")).isEqualTo("http://h/a%20b%20c%22d");
    }

    @Test
    void failuresHaveAKind() {
        web.respond("/gone", () -> new MockResponse().setResponseCode(404));
        web.respond("/loop", () -> redirect("/loop"));
        web.respond("/big", () -> new MockResponse().setBody(new Buffer().write(new byte[5000])));
        web.respond("/big-chunked", () -> new MockResponse().setChunkedBody(new Buffer().write(new byte[5000]), 512));
        web.respond("/empty", () -> new MockResponse().setBody(""));
        web.respond("/drip", () -> new MockResponse().setBody(new Buffer().write(new byte[600]))
                .throttleBody(20, 200, TimeUnit.MILLISECONDS));
        web.respond("/to-private", () -> redirect("http://10.20.30.40/inside.jpg"));
        web.respond("/to-metadata", () -> redirect("http://169.254.169.254/latest/meta-data/"));
        web.respond("/to-file", () -> redirect("file:///etc/passwd"));

        assertKind("/gone", "HTTP 404");
        assertKind("/loop", "too many redirects");
        assertKind("/big", "too large");
        assertKind("/big-chunked", "too large");
        assertKind("/empty", "empty body");
        assertKind("/drip", "timeout");
        assertKind("/to-private", "private address");
        assertKind("/to-metadata", "private address");
        assertKind("/to-file", "bad url");
    }

    @Test
    void theSlowDripIsCutAtTheTotalTimeout() {
        web.respond("/drip", () -> new MockResponse().setBody(new Buffer().write(new byte[600]))
                .throttleBody(10, 300, TimeUnit.MILLISECONDS));
        long start = System.nanoTime();
        assertKind("/drip", "timeout");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void byDefaultLoopbackAndPrivateHostsAreRefusedBeforeConnecting() {
        web.image("/img/a.jpg", new byte[] {1});
        Downloader strict = new Downloader(1000, Duration.ofSeconds(1), false);
        assertThatThrownBy(() -> strict.download(web.url("/img/a.jpg"))).isInstanceOf(DownloadException.class)
                .hasMessageContaining("private address").hasMessageContaining("--allow-private-hosts");
        assertThat(web.hits("/img/a.jpg")).isZero();
        assertThatThrownBy(() -> strict.download("ftp://example.org/a.jpg")).hasMessageContaining("bad url");
        assertThatThrownBy(() -> strict.download("not a url")).hasMessageContaining("bad url");
    }

    @Test
    void knowsWhichAddressesArePublic() throws IOException {
        for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fd00::1",
            // benchmarking, reserved and broadcast; IPv6 forms that carry a private IPv4 address
            "198.18.0.1", "198.19.255.255", "240.0.0.1", "255.255.255.255", "::10.0.0.1", "::127.0.0.1",
            "64:ff9b::a9fe:a9fe", "64:ff9b::10.1.2.3", "2002:0a00:0001::1", "2002:7f00:0001::",
            // NAT64 local use, IPv4-translated, Teredo (issue 19)
            "64:ff9b:1::a00:1", "64:ff9b:1:ffff::808:808", "::ffff:0:a00:1", "::ffff:0:127.0.0.1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::1"}) {
            assertThat(HostGuard.isPublic(InetAddress.getByName(a))).as(a).isFalse();
        }
        // IPv4-mapped bytes kept as an IPv6 address object (as a resolver may hand them over)
        for (byte[] mapped : new byte[][] {
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1},
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 169, (byte) 254, (byte) 169, (byte) 254}}) {
            InetAddress a = java.net.Inet6Address.getByAddress(null, mapped, -1);
            assertThat(HostGuard.isPublic(a)).as(a.toString()).isFalse();
        }
        for (String a : new String[] {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
            "198.20.0.1", "64:ff9b::808:808", "2002:0808:0808::1"}) {
            assertThat(HostGuard.isPublic(InetAddress.getByName(a))).as(a).isTrue();
        }
    }

    private void assertKind(String path, String kind) {
        assertThatThrownBy(() -> downloader.download(web.url(path))).as(path).isInstanceOf(DownloadException.class)
                .satisfies(e -> assertThat(((DownloadException) e).kind()).as(path + ": " + e.getMessage())
                        .isEqualTo(kind));
    }
}
