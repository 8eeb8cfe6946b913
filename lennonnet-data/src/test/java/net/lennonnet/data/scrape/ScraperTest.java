package net.lennonnet.data.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.io.Hashes;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScraperTest {

    @TempDir
    Path tmp;
    FakeWeb web;

    /** john: j0..j14, a copy of j0, a corrupt, a truncated and a missing image; not_john: p0..p14; paul: q0..q7. */
    static void populate(FakeWeb web) {
        DemoImages demo = new DemoImages(96);
        List<String> john = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            web.image("/img/j" + i + ".jpg", TestImages.encode(demo.john(3, i), "jpg"));
            web.image("/img/p" + i + ".jpg", TestImages.encode(demo.notJohn(3, i), "png"));
            john.add("/img/j" + i + ".jpg");
        }
        for (int i = 0; i < 8; i++) {
            web.image("/img/q" + i + ".jpg", TestImages.encode(demo.notJohn(4, 100 + i), "jpg"));
        }
        byte[] j0 = TestImages.encode(demo.john(3, 0), "jpg");
        web.image("/img/copy.jpg", j0);
        byte[] noise = new byte[3000];
        new Random(5).nextBytes(noise);
        web.image("/img/noise.jpg", noise);
        web.image("/img/half.jpg", Arrays.copyOf(TestImages.encode(demo.john(3, 99), "jpg"), 900));
        web.respond("/img/gone.jpg", () -> new MockResponse().setResponseCode(404));
        List<String> johnResults = new ArrayList<>(List.of("/img/j0.jpg", "/img/copy.jpg", "/img/noise.jpg",
                "/img/half.jpg", "/img/gone.jpg"));
        johnResults.addAll(john.subList(1, 15));
        web.results("John Lennon", johnResults);
        web.results("potato", FakeWeb.paths("p", 15));
        List<String> paul = new ArrayList<>(List.of("/img/j3.jpg")); // also a john result: skipped by URL
        paul.addAll(FakeWeb.paths("q", 8));
        web.results("Paul McCartney", paul);
    }

    static Recipe recipe(int john, int notJohn, int paul) {
        return new Recipe(Map.of("john", List.of(new Recipe.QueryGroup(List.of("John Lennon"), john)),
                "not_john", List.of(new Recipe.QueryGroup(List.of("potato"), notJohn))),
                Map.of("paul", List.of(new Recipe.QueryGroup(List.of("Paul McCartney"), paul))));
    }

    static ScrapeConfig config(Path out, Recipe recipe, FakeWeb web) {
        return ScrapeConfig.builder(out, recipe).engineUrls(web.url(), web.url()).allowPrivateHosts(true)
                .concurrency(4).maxBytes(1_000_000).downloadTimeout(Duration.ofSeconds(5)).politeness(SearchTest.FAST)
                .build();
    }

    @BeforeEach
    void start() throws IOException {
        web = new FakeWeb();
        populate(web);
    }

    @AfterEach
    void stop() throws IOException {
        web.close();
    }

    @Test
    void scrapesKeepsWhatDecodesAndRecordsEveryUrl() throws IOException {
        Path out = tmp.resolve("raw");
        ScrapeReport report = new Scraper(config(out, recipe(10, 10, 5), web)).run();

        assertThat(report.kept()).containsEntry("john", 10).containsEntry("not_john", 10)
                .containsEntry("analysis/paul", 5);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.rejected()).containsEntry("not an image format Lennonnet can read", 1).hasSize(2);
        assertThat(report.failed()).containsEntry("HTTP 404", 1);
        assertThat(report.shortfalls()).isEmpty();
        assertThat(web.hits("/img/j3.jpg")).as("paul skips a URL kept for john").isEqualTo(1);

        List<ScrapeRecord> rows = ScrapeManifest.read(out);
        assertThat(rows).hasSize(14 + 10 + 5);
        for (ScrapeRecord r : rows.stream().filter(ScrapeRecord::kept).toList()) {
            Path file = out.resolve(r.file());
            assertThat(file).isRegularFile();
            BufferedImage stored = ImageIO.read(file.toFile());
            assertThat(stored.getWidth()).isEqualTo(r.width()).isEqualTo(96);
            assertThat(r.id()).isEqualTo(r.sha256().substring(0, 16));
            assertThat(r.engine()).isEqualTo("duckduckgo");
            assertThat(r.pageUrl()).startsWith("https://example.org/page/");
            assertThat(r.folder()).isIn("john", "not_john", "analysis/paul");
        }
        // j0 and its copy download concurrently: whichever lands first is kept, the other is the duplicate
        List<ScrapeRecord> same = rows.stream()
                .filter(r -> r.imageUrl().endsWith("/copy.jpg") || r.imageUrl().endsWith("/j0.jpg")).toList();
        assertThat(same).extracting(ScrapeRecord::status).containsExactlyInAnyOrder("kept", "duplicate");
        assertThat(same).extracting(ScrapeRecord::sha256).containsOnly(
                Hashes.sha256(TestImages.encode(new DemoImages(96).john(3, 0), "jpg")));
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.filter(p -> p.toString().endsWith(".part"))).isEmpty();
        }
        assertThat(out.resolve(Scraper.REPORT)).isRegularFile();
        assertThat(new ObjectMapper().readTree(out.resolve(Scraper.REPORT).toFile()).path("keptThisRun").asInt())
                .isEqualTo(25);
    }

    @Test
    void reRunningResumesWithoutFetchingAnythingTwice() throws IOException {
        Path out = tmp.resolve("raw");
        new Scraper(config(out, recipe(4, 4, 2), web)).run();
        int j0 = web.hits("/img/j0.jpg");
        int p3 = web.hits("/img/p3.jpg");

        // a run killed mid-append leaves a torn line; the next run drops it and goes on
        Files.writeString(out.resolve(ScrapeManifest.FILE), "{\"id\":\"abc\",\"fol", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        ScrapeReport same = new Scraper(config(out, recipe(4, 4, 2), web)).run();
        assertThat(same.keptThisRun()).isZero();
        assertThat(web.hits("/img/j0.jpg")).isEqualTo(j0);

        ScrapeReport more = new Scraper(config(out, recipe(10, 10, 5), web)).run();
        assertThat(more.kept()).containsEntry("john", 10).containsEntry("not_john", 10)
                .containsEntry("analysis/paul", 5);
        assertThat(more.keptThisRun()).isEqualTo(15);
        assertThat(web.hits("/img/p3.jpg")).isEqualTo(p3);
        assertThat(Files.readString(out.resolve(ScrapeManifest.FILE))).endsWith("\n").doesNotContain("\"fol\n");
        List<ScrapeRecord> rows = ScrapeManifest.read(out);
        assertThat(rows.stream().filter(ScrapeRecord::kept).map(ScrapeRecord::file).distinct().count()).isEqualTo(25);
    }

    @Test
    void whenDuckDuckGoRefusesBingAnswersAndAQueryNobodyAnswersIsReportedNotFatal() throws IOException {
        web.duckduckgoAlways = 429;
        Path out = tmp.resolve("raw");
        ScrapeReport report = new Scraper(config(out, recipe(3, 3, 2), web)).run();
        assertThat(report.kept()).containsEntry("john", 3);
        assertThat(ScrapeManifest.read(out)).allMatch(r -> r.engine().equals("bing"));

        web.bingFaults.addAll(List.of(503, 503, 503));
        Recipe recipe = new Recipe(Map.of("john", List.of(new Recipe.QueryGroup(List.of("John Lennon"), 5)),
                "not_john", List.of(new Recipe.QueryGroup(List.of("potato"), 5))), Map.of());
        ScrapeReport partly = new Scraper(config(tmp.resolve("raw2"), recipe, web)).run();
        assertThat(partly.searchFailures()).hasSize(1).first().asString().contains("john / John Lennon")
                .contains("HTTP 429").contains("HTTP 503");
        assertThat(partly.kept()).containsEntry("not_john", 5).doesNotContainKey("john");
    }
}
