package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.lennonnet.app.LennonnetCliTest.Run;
import net.lennonnet.data.scrape.FakeWeb;
import net.lennonnet.data.scrape.ScrapeManifest;
import net.lennonnet.data.scrape.ScrapeRecord;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lennonnet scrape} then {@code lennonnet dataset}, as a user types them, against a local web. */
class ScrapeCommandTest {

    @TempDir
    Path tmp;

    static FakeWeb web() throws IOException {
        FakeWeb web = new FakeWeb();
        DemoImages demo = new DemoImages(96);
        List<String> john = new ArrayList<>();
        List<String> potato = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            web.image("/img/j" + i + ".jpg", TestImages.encode(demo.john(11, i), "jpg"));
            web.image("/img/n" + i + ".jpg", TestImages.encode(demo.notJohn(11, i), "jpg"));
            john.add("/img/j" + i + ".jpg");
            potato.add("/img/n" + i + ".jpg");
        }
        return web.results("John Lennon", john).results("potato", potato);
    }

    @Test
    void quickQueriesScrapeThenBuildADataset() throws IOException {
        try (FakeWeb web = web()) {
            Path raw = tmp.resolve("raw");
            Run scrape = LennonnetCliTest.run("scrape", "--query", "john=John Lennon", "--query", "not_john=potato",
                    "--per-query", "6", "--out", raw.toString(), "--duckduckgo-url", web.url(), "--bing-url", web.url(),
                    "--allow-private-hosts", "--delay-ms", "0");
            assertThat(scrape.exit()).as(scrape.err()).isZero();
            assertThat(ScrapeManifest.read(raw)).filteredOn(ScrapeRecord::kept).hasSize(12);

            Run dataset = LennonnetCliTest.run("dataset", "--raw", raw.toString(), "--out", tmp.resolve("ds").toString(),
                    "--test-per-class", "2");
            assertThat(dataset.exit()).as(dataset.err()).isZero();
            assertThat(tmp.resolve("ds/test/john")).isDirectory();
            assertThat(tmp.resolve("ds/report.html")).isRegularFile();
        }
    }

    @Test
    void withoutPermissionLocalHostsAreRefusedAndTheRunSaysSo() throws IOException {
        try (FakeWeb web = web()) {
            Path raw = tmp.resolve("raw");
            Run scrape = LennonnetCliTest.run("scrape", "--query", "john=John Lennon", "--query", "not_john=potato",
                    "--per-query", "3", "--out", raw.toString(), "--duckduckgo-url", web.url(), "--bing-url", web.url(),
                    "--delay-ms", "0");
            assertThat(scrape.exit()).isEqualTo(1);
            assertThat(ScrapeManifest.read(raw)).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.reason()).startsWith("private address"));
            assertThat(web.hits("/img/j0.jpg")).isZero();
        }
    }

    @Test
    void badQueriesAreUsageErrors() {
        Run r = LennonnetCliTest.run("scrape", "--query", "ringo=Ringo", "--out", tmp.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("classes must be exactly [john, not_john]");
        Run both = LennonnetCliTest.run("scrape", "--query", "john=x", "--recipe", "default", "--out", tmp.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }
}
