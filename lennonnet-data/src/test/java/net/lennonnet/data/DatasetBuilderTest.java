package net.lennonnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBuilderTest {

    @TempDir
    Path tmp;

    private DatasetReport build(Path raw, Path out, int test) throws IOException {
        return new DatasetBuilder(new DatasetConfig(raw, out, test, 0.2, 9, Images.DEFAULT_MAX_PIXELS)).build();
    }

    static Set<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void cleansDeduplicatesAndSplitsWithoutLeakage() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(64).write(raw, 20, 1);
        // an exact duplicate within a class, a label conflict across classes, and a broken file
        Files.copy(raw.resolve("john/john_00000.png"), raw.resolve("john/copy.png"));
        Files.copy(raw.resolve("john/john_00001.png"), raw.resolve("not_john/conflict.png"));
        Files.writeString(raw.resolve("not_john/page.jpg"), "<html>404</html>");

        DatasetReport report = build(raw, tmp.resolve("ds"), 5);

        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.labelConflicts()).isEqualTo(2);
        assertThat(report.leakage()).isZero();
        assertThat(report.rejected()).containsEntry("duplicate", 1).containsEntry("label conflict", 2);
        assertThat(report.rejected().keySet()).anyMatch(k -> k.startsWith("not an image format"));
        // john: 20 + copy - 1 (conflict) = 19 distinct usable; not_john: 20 usable
        assertThat(report.count(Split.TEST, Labels.JOHN)).isEqualTo(5);
        assertThat(report.count(Split.TEST, Labels.NOT_JOHN)).isEqualTo(5);
        assertThat(report.count(Split.VALIDATION, Labels.JOHN)).isEqualTo(3); // round(0.2 * 14)
        assertThat(report.count(Split.TRAIN, Labels.JOHN)).isEqualTo(11);
        assertThat(report.count(Split.TRAIN, Labels.NOT_JOHN)).isEqualTo(12);

        Set<String> seen = new java.util.HashSet<>();
        for (Split split : Split.values()) {
            for (String label : Labels.ALL) {
                for (String f : files(tmp.resolve("ds").resolve(split.folder()).resolve(label))) {
                    assertThat(seen.add(f)).as("%s appears in two places", f).isTrue();
                }
            }
        }
        List<String> manifest = Files.readAllLines(tmp.resolve("ds").resolve(Dataset.MANIFEST));
        assertThat(manifest).hasSize(43); // 40 generated + copy + conflict + html
        ObjectMapper json = new ObjectMapper();
        ManifestEntry first = json.readValue(manifest.get(0), ManifestEntry.class);
        assertThat(first.sha256()).hasSize(64);
    }

    @Test
    void theTestSetStaysPutWhenImagesAreAdded() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(64).write(raw, 20, 1);
        build(raw, tmp.resolve("a"), 4);
        Set<String> testBefore = files(tmp.resolve("a/test/john"));

        // more images arrive; an image's place depends only on its hash and the seed
        new DemoImages(64).write(raw, 40, 1);
        build(raw, tmp.resolve("b"), 4);
        Set<String> testAfter = files(tmp.resolve("b/test/john"));
        Set<String> allAfter = new java.util.HashSet<>(testAfter);
        allAfter.addAll(files(tmp.resolve("b/train/john")));
        allAfter.addAll(files(tmp.resolve("b/val/john")));
        // nothing that was held out ends up in training: it is still in test, or beaten by a newcomer's hash
        for (String f : testBefore) {
            assertThat(files(tmp.resolve("b/train/john"))).doesNotContain(f);
        }
        assertThat(allAfter).containsAll(testBefore);
    }

    @Test
    void rerunningIsIdempotent() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(64).write(raw, 12, 2);
        DatasetReport first = build(raw, tmp.resolve("ds"), 3);
        DatasetReport second = build(raw, tmp.resolve("ds"), 3);
        assertThat(second).isEqualTo(first);
        try (Stream<Path> all = Files.walk(tmp.resolve("ds"))) {
            assertThat(all.filter(p -> p.toString().endsWith(".part")).count()).isZero();
        }
    }

    @Test
    void saysWhatIsWrongWithTheInput() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(64).write(raw, 5, 1);
        assertThatThrownBy(() -> build(raw, tmp.resolve("ds"), 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class john has 5 usable images");
        Files.createDirectories(raw.resolve("ringo"));
        assertThatThrownBy(() -> build(raw, tmp.resolve("ds2"), 1)).hasMessageContaining("unexpected class folder 'ringo'");
        assertThatThrownBy(() -> new DatasetConfig(raw, raw, 1, 0.1, 1, 10)).hasMessageContaining("out must differ");
        assertThatThrownBy(() -> new DatasetConfig(raw, tmp, 1, 0.9, 1, 10))
                .hasMessage("validation fraction must be in [0, 0.5], got 0.9");
    }
}
