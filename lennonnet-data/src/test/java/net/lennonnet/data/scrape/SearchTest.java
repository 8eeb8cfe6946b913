package net.lennonnet.data.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SearchTest {

    static final Politeness FAST = new Politeness(Duration.ZERO, 3, Duration.ofMillis(10), Duration.ofMillis(40),
            Duration.ofSeconds(5));

    FakeWeb web;

    @BeforeEach
    void start() throws IOException {
        web = new FakeWeb();
        web.results("john lennon", FakeWeb.paths("j", 25));
    }

    @AfterEach
    void stop() throws IOException {
        web.close();
    }

    @Test
    void duckDuckGoReadsEveryVqdSpellingAndPagesThroughNext() throws SearchException {
        for (FakeWeb.Vqd style : List.of(FakeWeb.Vqd.DOUBLE_QUOTED, FakeWeb.Vqd.AMPERSAND, FakeWeb.Vqd.SINGLE_QUOTED)) {
            web.vqd = style;
            List<SearchResult> results = new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 100);
            assertThat(results).as(style.name()).hasSize(25);
            assertThat(results.get(0).imageUrl()).isEqualTo(web.url("/img/j0.jpg"));
            assertThat(results.get(24).imageUrl()).isEqualTo(web.url("/img/j24.jpg"));
            SearchResult first = results.get(0);
            assertThat(first.engine()).isEqualTo("duckduckgo");
            assertThat(first.pageUrl()).isEqualTo("https://example.org/page/0");
            assertThat(first.thumbnailUrl()).startsWith("https://tse1.mm.bing.net/");
            assertThat(first.title()).isEqualTo("john lennon result 0");
            assertThat(first.width()).isEqualTo(640);
            assertThat(first.height()).isEqualTo(480);
            assertThat(first.source()).isEqualTo("Bing");
        }
        assertThat(web.hits("/i.js")).isEqualTo(9); // three pages of ten, three times
    }

    @Test
    void aSearchRedirectIntoThePrivateNetworkIsRefusedAndOneWithinTheEngineFollowed() throws Exception {
        web.results("ringo", FakeWeb.paths("r", 12));
        // the engine (or whoever answers for it) sends the scraper to the cloud metadata address
        web.respond("/evil/images/async", () -> DownloaderTest.redirect("http://169.254.169.254/latest/meta-data/"));
        assertThatThrownBy(() -> new Bing(web.url("/evil"), FAST, 1).search("ringo", 10))
                .isInstanceOf(SearchException.class).hasMessageContaining("refused redirect")
                .hasMessageContaining("169.254.169.254");
        // to another host that resolves to a private address: refused too, however it is spelled
        web.respond("/evil2/images/async", () -> DownloaderTest.redirect("http://[::ffff:10.0.0.1]/x"));
        assertThatThrownBy(() -> new Bing(web.url("/evil2"), FAST, 1).search("ringo", 10))
                .isInstanceOf(SearchException.class).hasMessageContaining("refused redirect");
        assertThat(web.hits("/latest/meta-data/")).isZero();
        // within the engine's own origin a redirect is followed
        web.respond("/moved/images/async", () -> DownloaderTest.redirect("/images/async?q=ringo&first=0&count=35&mmasync=1"));
        assertThat(new Bing(web.url("/moved"), FAST, 1).search("ringo", 10)).hasSize(10);
        // and a loop ends
        web.respond("/loop/images/async", () -> DownloaderTest.redirect("/loop/images/async"));
        assertThatThrownBy(() -> new Bing(web.url("/loop"), FAST, 1).search("ringo", 10))
                .hasMessageContaining("redirects");
    }

    @Test
    void anAbsoluteNextPageOnAnotherHostIsNotFollowed() throws SearchException {
        web.nextPrefix = "http://169.254.169.254/";
        List<SearchResult> results = new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 100);
        assertThat(results).hasSize(10); // the first page only
        assertThat(web.hits("/i.js")).isEqualTo(1);
        web.nextPrefix = web.url() + "/";
        assertThat(new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 100)).hasSize(25); // same host: followed
        for (String other : List.of("https://evil.example/", "javascript:alert(1)//", "//evil.example/", "http://[::1/")) {
            assertThat(DuckDuckGo.sameOrigin(web.url(), other + "i.js")).as(other).isFalse();
        }
    }

    @Test
    void stopsAtTheNumberWanted() throws SearchException {
        assertThat(new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 12)).hasSize(12);
        assertThat(web.hits("/i.js")).isEqualTo(2);
    }

    @Test
    void aPageWithoutVqdIsAClearError() {
        web.vqd = FakeWeb.Vqd.NONE;
        assertThatThrownBy(() -> new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 10))
                .isInstanceOf(SearchException.class).hasMessageContaining("duckduckgo").hasMessageContaining("no vqd");
    }

    @Test
    void retriesRefusalsWithBackoffThenSucceeds() throws SearchException {
        web.duckduckgoFaults.add(429);
        web.duckduckgoFaults.add(503);
        List<SearchResult> results = new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 5);
        assertThat(results).hasSize(5);
        assertThat(web.hits("/")).isEqualTo(3);
    }

    @Test
    void givesUpAfterBoundedRetriesNamingEngineAndStatus() {
        web.duckduckgoAlways = 403;
        long start = System.nanoTime();
        assertThatThrownBy(() -> new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 5))
                .isInstanceOf(SearchException.class)
                .hasMessageContaining("duckduckgo").hasMessageContaining("HTTP 403").hasMessageContaining("3 attempts")
                .satisfies(e -> assertThat(((SearchException) e).status()).isEqualTo(403));
        assertThat(web.hits("/")).isEqualTo(3);
        // two waits of at least 10 and 20 ms: it did wait, it did not spin
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(30);
    }

    @Test
    void aNotFoundIsNotRetried() {
        web.duckduckgoAlways = 404;
        assertThatThrownBy(() -> new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 5))
                .isInstanceOf(SearchException.class).hasMessageContaining("HTTP 404");
        assertThat(web.hits("/")).isEqualTo(1);
    }

    @Test
    void invalidJsonIsAClearError() {
        web.duckduckgoBody = "<html>rate limited</html>";
        assertThatThrownBy(() -> new DuckDuckGo(web.url(), FAST, 1).search("john lennon", 5))
                .isInstanceOf(SearchException.class).hasMessageContaining("invalid JSON");
    }

    @Test
    void bingReadsItsResultPagesAndPages() throws SearchException {
        web.results("ringo", FakeWeb.paths("r", 50));
        List<SearchResult> results = new Bing(web.url(), FAST, 1).search("ringo", 100);
        assertThat(results).hasSize(50);
        assertThat(results.get(49).imageUrl()).isEqualTo(web.url("/img/r49.jpg"));
        assertThat(results.get(0).pageUrl()).isEqualTo("https://example.com/bing/0");
        assertThat(results.get(0).engine()).isEqualTo("bing");
        assertThat(web.hits("/images/async")).isEqualTo(3); // 35, 15, then an empty page ends it
    }

    @Test
    void fallsBackToBingWhenDuckDuckGoRefuses() throws SearchException {
        web.duckduckgoAlways = 418;
        var search = new FallbackSearch(List.of(new DuckDuckGo(web.url(), FAST, 1), new Bing(web.url(), FAST, 1)));
        List<SearchResult> results = search.search("john lennon", 10);
        assertThat(results).hasSize(10).allMatch(r -> r.engine().equals("bing"));
    }

    @Test
    void fallsBackToBingWhenDuckDuckGoFindsNothing() throws SearchException {
        web.duckduckgoBody = "{\"results\": []}";
        var search = new FallbackSearch(List.of(new DuckDuckGo(web.url(), FAST, 1), new Bing(web.url(), FAST, 1)));
        List<SearchResult> results = search.search("john lennon", 10);
        assertThat(results).hasSize(10).allMatch(r -> r.engine().equals("bing"));
        assertThat(web.hits("/i.js")).isEqualTo(1);
    }

    @Test
    void whenEveryEngineFailsTheMessageNamesThemAll() {
        web.duckduckgoAlways = 429;
        web.bingFaults.addAll(List.of(500, 500, 500));
        var search = new FallbackSearch(List.of(new DuckDuckGo(web.url(), FAST, 1), new Bing(web.url(), FAST, 1)));
        assertThatThrownBy(() -> search.search("john lennon", 10)).isInstanceOf(SearchException.class)
                .hasMessageContaining("duckduckgo: gave up").hasMessageContaining("HTTP 429")
                .hasMessageContaining("bing: gave up").hasMessageContaining("HTTP 500");
    }

    @Test
    void backoffDoublesWithJitterWithinTheCap() {
        var client = new PoliteClient("x", new Politeness(Duration.ZERO, 5, Duration.ofMillis(100),
                Duration.ofMillis(1000), Duration.ofSeconds(1)), 7);
        for (int attempt = 1; attempt <= 3; attempt++) {
            long base = 100L << (attempt - 1);
            assertThat(client.backoffMillis(attempt, -1)).isBetween(base, base * 3 / 2);
        }
        assertThat(client.backoffMillis(10, -1)).isEqualTo(1000);
        assertThat(client.backoffMillis(1, 700)).isEqualTo(700); // Retry-After wins when longer
        assertThat(client.backoffMillis(1, 60_000)).isEqualTo(1000); // but not past the cap
        assertThat(PoliteClient.retryAfter("3")).isEqualTo(3000);
        assertThat(PoliteClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(-1);
    }
}
