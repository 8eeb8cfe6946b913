package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.lennonnet.data.scrape.FakeWeb;
import net.lennonnet.data.scrape.ScrapeManifest;
import net.lennonnet.data.scrape.ScrapeRecord;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at random moments, several times, during scraping and during training (feature
 * caching and the head's solve), each time followed by the same command again: the final result must be complete,
 * with no duplicate, no partial file, no torn manifest row, and a model that loads.
 */
class KillNineIT {

    @TempDir
    Path dir;

    final Random random = new Random(20261129);

    /** Starts the jar, lets it run for {@code millis}, then kills it with SIGKILL; false if it ended first. */
    private boolean killAfter(long millis, String... args) throws IOException, InterruptedException {
        Process p = start(args);
        if (p.waitFor(millis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        p.destroyForcibly(); // SIGKILL on Linux
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return true;
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx2g", "-jar", DemoJarIT.JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
    }

    private int runToEnd(String... args) throws IOException, InterruptedException {
        Process p = start(args);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        return p.exitValue();
    }

    private static List<Path> files(Path root, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).toList();
        }
    }

    @Test
    void scrapingSurvivesRepeatedKillNine() throws Exception {
        try (FakeWeb web = new FakeWeb()) {
            DemoImages demo = new DemoImages(96);
            List<String> john = new ArrayList<>();
            List<String> potato = new ArrayList<>();
            for (int i = 0; i < 130; i++) {
                web.image("/img/j" + i + ".jpg", TestImages.encode(demo.john(21, i), "jpg"));
                web.image("/img/n" + i + ".jpg", TestImages.encode(demo.notJohn(21, i), "jpg"));
                john.add("/img/j" + i + ".jpg");
                potato.add("/img/n" + i + ".jpg");
            }
            web.results("John Lennon", john).results("potato", potato);
            web.imageLatencyMillis = 200; // about 5 s of downloads in all: the kills land mid-run
            Path raw = dir.resolve("raw");
            String[] scrape = {"scrape", "--query", "john=John Lennon", "--query", "not_john=potato", "--per-query",
                "100", "--out", raw.toString(), "--duckduckgo-url", web.url(), "--bing-url", web.url(),
                "--allow-private-hosts", "--delay-ms", "0"};
            int killed = 0;
            for (int round = 0; round < 4; round++) {
                killed += killAfter(1500 + random.nextInt(2000), scrape) ? 1 : 0;
            }
            assertThat(killed).as("runs killed mid-way").isGreaterThanOrEqualTo(2);
            assertThat(runToEnd(scrape)).isZero();

            List<ScrapeRecord> rows = ScrapeManifest.read(raw);
            Set<String> seen = new HashSet<>();
            for (ScrapeRecord r : rows) {
                assertThat(seen.add(r.folder() + " " + r.imageUrl())).as("URL tried twice: " + r.imageUrl()).isTrue();
            }
            assertThat(rows.stream().filter(r -> r.kept() && r.folder().equals("john")).count()).isEqualTo(100);
            assertThat(rows.stream().filter(r -> r.kept() && r.folder().equals("not_john")).count()).isEqualTo(100);
            assertThat(Files.readString(raw.resolve(ScrapeManifest.FILE))).endsWith("\n");
            assertThat(files(raw, ".part")).isEmpty();
            for (Path image : files(raw, ".jpg")) {
                assertThat(Images.decode(image, Images.DEFAULT_MAX_PIXELS).getWidth()).as(image.toString()).isEqualTo(96);
            }
        }
    }

    @Test
    void trainingSurvivesRepeatedKillNine() throws Exception {
        Path raw = dir.resolve("raw");
        new DemoImages(128).write(raw, 80, 4);
        Path data = dir.resolve("data");
        assertThat(runToEnd("dataset", "--raw", raw.toString(), "--out", data.toString(), "--test-per-class", "10"))
                .isZero();
        Path model = dir.resolve("model");
        String[] train = {"train", "--data", data.toString(), "--out", model.toString(), "--random-backbone",
            "--input-size", "128", "--no-dashboard"};
        int killed = 0;
        for (int round = 0; round < 3; round++) {
            killed += killAfter(3000 + random.nextInt(5000), train) ? 1 : 0;
        }
        assertThat(killed).as("runs killed mid-way").isGreaterThanOrEqualTo(2);
        assertThat(runToEnd(train)).as(Files.readString(dir.resolve("log.txt"))).isZero();

        assertThat(files(model, ".part")).isEmpty();
        assertThat(files(data, ".part")).isEmpty();
        List<String> history = Files.readAllLines(model.resolve("history.jsonl"));
        assertThat(history).isNotEmpty();
        for (int i = 0; i < history.size(); i++) {
            assertThat(history.get(i)).contains("\"epoch\":" + (i + 1) + ",");
        }
        try (LennonNet net = LennonNet.load(model)) {
            Path image = files(data.resolve("test/john"), ".png").get(0);
            assertThat(net.predict(image).probabilityJohn()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void datasetBuildingSurvivesRepeatedKillNine() throws Exception {
        Path raw = dir.resolve("raw");
        new DemoImages(200).write(raw, 300, 8);
        Path data = dir.resolve("data");
        String[] dataset = {"dataset", "--raw", raw.toString(), "--out", data.toString(), "--test-per-class", "20"};
        int killed = 0;
        for (int round = 0; round < 3; round++) {
            killed += killAfter(1500 + random.nextInt(2500), dataset) ? 1 : 0;
        }
        assertThat(killed).as("runs killed mid-way").isGreaterThanOrEqualTo(2);
        assertThat(runToEnd(dataset)).isZero();

        assertThat(files(data, ".part")).isEmpty();
        assertThat(data.resolve(".staging")).doesNotExist();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Set<Path> expected = new HashSet<>();
        for (String line : Files.readAllLines(data.resolve("manifest.jsonl"))) {
            var row = json.readValue(line, net.lennonnet.data.ManifestEntry.class);
            if (row.kept()) {
                Path png = data.resolve(row.split()).resolve(row.label()).resolve(row.id() + ".png");
                assertThat(png).isRegularFile();
                expected.add(png);
            }
        }
        Set<Path> onDisk = new HashSet<>();
        for (String split : List.of("train", "val", "test")) {
            onDisk.addAll(files(data.resolve(split), ".png"));
        }
        assertThat(onDisk).isEqualTo(expected);
        assertThat(json.readTree(data.resolve("report.json").toFile()).get("leakage").asInt()).isZero();
    }
}
