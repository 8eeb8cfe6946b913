package net.lennonnet.data.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.DatasetReport;
import net.lennonnet.data.ManifestEntry;
import net.lennonnet.data.Split;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole data path against a local web: search, download, clean, de-duplicate, split, report. */
class ScrapeToDatasetTest {

    @TempDir
    Path tmp;

    @Test
    void scrapeThenDatasetGivesCleanDisjointSplitsWithProvenance() throws IOException {
        try (FakeWeb web = new FakeWeb()) {
            DemoImages demo = new DemoImages(128);
            List<String> john = new ArrayList<>();
            List<String> potato = new ArrayList<>();
            List<String> paul = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                web.image("/img/j" + i + ".jpg", TestImages.encode(demo.john(7, i), "jpg"));
                web.image("/img/n" + i + ".jpg", TestImages.encode(demo.notJohn(7, i), "jpg"));
                john.add("/img/j" + i + ".jpg");
                potato.add("/img/n" + i + ".jpg");
            }
            for (int i = 0; i < 6; i++) {
                web.image("/img/p" + i + ".jpg", TestImages.encode(demo.notJohn(8, 500 + i), "jpg"));
                paul.add("/img/p" + i + ".jpg");
            }
            // a near-duplicate of j0 (the same picture as PNG: other bytes, nearly the same pixels)
            web.image("/img/j0-again.png", TestImages.encode(demo.john(7, 0), "png"));
            john.add("/img/j0-again.png");
            // a label conflict: a not_john picture that a john search also returns, under another URL
            web.image("/img/mislabelled.jpg", TestImages.encode(demo.notJohn(7, 3), "jpg"));
            john.add("/img/mislabelled.jpg");
            // an analysis image that is also a training image (same bytes, other URL): analysis loses it
            web.image("/img/paul-copy-of-j5.jpg", TestImages.encode(demo.john(7, 5), "jpg"));
            paul.add("/img/paul-copy-of-j5.jpg");
            web.results("John Lennon", john).results("potato", potato).results("Paul McCartney", paul);

            Recipe recipe = new Recipe(Map.of("john", List.of(new Recipe.QueryGroup(List.of("John Lennon"), 100)),
                    "not_john", List.of(new Recipe.QueryGroup(List.of("potato"), 100))),
                    Map.of("paul", List.of(new Recipe.QueryGroup(List.of("Paul McCartney"), 100))));
            Path raw = tmp.resolve("raw");
            ScrapeReport scrape = new Scraper(ScraperTest.config(raw, recipe, web)).run();
            assertThat(scrape.kept()).containsEntry("john", 26).containsEntry("not_john", 24)
                    .containsEntry("analysis/paul", 7);

            Path ds = tmp.resolve("ds");
            DatasetReport report = new DatasetBuilder(new DatasetConfig(raw, ds, 5, 0.2, 3, Images.DEFAULT_MAX_PIXELS,
                    DatasetConfig.DEFAULT_NEAR_DUPLICATE_DISTANCE, Preparation.WHOLE)).build();

            assertThat(report.leakage()).isZero();
            assertThat(report.labelConflicts()).isEqualTo(2);
            assertThat(report.nearDuplicates()).isGreaterThanOrEqualTo(1);
            assertThat(report.analysis()).containsEntry("paul", 6);
            int keptJohn = report.count(Split.TRAIN, "john") + report.count(Split.VALIDATION, "john")
                    + report.count(Split.TEST, "john");
            assertThat(report.count(Split.TEST, "john")).isEqualTo(5);
            assertThat(report.count(Split.TEST, "not_john")).isEqualTo(5);
            assertThat(keptJohn).isLessThanOrEqualTo(24); // 26 minus the conflict and the near-duplicate
            assertThat(report.byEngine()).containsOnlyKeys("duckduckgo");
            assertThat(report.byQuery()).containsKeys("john / John Lennon", "not_john / potato");

            List<ManifestEntry> manifest = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(ds.resolve(net.lennonnet.data.Dataset.MANIFEST))) {
                manifest.add(json.readValue(line, ManifestEntry.class));
            }
            assertThat(manifest).hasSize(26 + 24 + 7);
            for (ManifestEntry e : manifest.stream().filter(ManifestEntry::kept).toList()) {
                assertThat(e.imageUrl()).startsWith(web.url("/img/"));
                assertThat(e.query()).isIn("John Lennon", "potato", "Paul McCartney");
                assertThat(e.phash()).hasSize(16);
                Path file = e.split().equals("analysis") ? ds.resolve(e.label()).resolve(e.id() + ".png")
                        : ds.resolve(e.split()).resolve(e.label()).resolve(e.id() + ".png");
                assertThat(file).isRegularFile();
            }
            ManifestEntry copy = manifest.stream().filter(e -> e.imageUrl().endsWith("paul-copy-of-j5.jpg"))
                    .findFirst().orElseThrow();
            assertThat(copy.status()).isEqualTo("rejected");
            assertThat(copy.reason()).startsWith("duplicate: of john/");
            assertThat(manifest.stream().filter(e -> e.imageUrl().endsWith("mislabelled.jpg")).findFirst()
                    .orElseThrow().reason()).contains("label conflict");

            // every file is in exactly one place, and no content appears in two places
            Set<String> ids = new HashSet<>();
            try (Stream<Path> files = Files.walk(ds)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".png") && !p.getFileName().toString()
                        .startsWith("contact-")).toList()) {
                    assertThat(ids.add(p.getFileName().toString())).as(p.toString()).isTrue();
                }
            }
            assertThat(ids).hasSize((int) manifest.stream().filter(ManifestEntry::kept).count());
            assertThat(ds.resolve("report.html")).content().contains("Leakage check").contains("John Lennon")
                    .contains("contact-analysis-paul.png");
            assertThat(ds.resolve("contact-john.png")).isRegularFile();
            assertThat(ds.resolve(".staging")).doesNotExist();

            // a second build over the same raw folder changes nothing
            DatasetReport again = new DatasetBuilder(new DatasetConfig(raw, ds, 5, 0.2, 3, Images.DEFAULT_MAX_PIXELS,
                    DatasetConfig.DEFAULT_NEAR_DUPLICATE_DISTANCE, Preparation.WHOLE)).build();
            assertThat(again).isEqualTo(report);
        }
    }
}
