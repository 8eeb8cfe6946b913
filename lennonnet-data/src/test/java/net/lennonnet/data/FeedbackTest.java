package net.lennonnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackTest {

    @TempDir
    Path tmp;

    private DatasetReport build(Path raw, Path ds) throws IOException {
        return new DatasetBuilder(new DatasetConfig(raw, ds, 2, 0.2, 5, Images.DEFAULT_MAX_PIXELS, 0, Preparation.WHOLE)).build();
    }

    private static List<ManifestEntry> manifest(Path ds) throws IOException {
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(ds.resolve(Dataset.MANIFEST)).stream().map(l -> {
            try {
                return json.readValue(l, ManifestEntry.class);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    @Test
    void theNextBuildRelabelsMislabelledAndDropsUnusableImages() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(96).write(raw, 10, 2);
        Path ds = tmp.resolve("ds");
        DatasetReport before = build(raw, ds);
        List<ManifestEntry> rows = manifest(ds);
        ManifestEntry wrong = rows.stream().filter(e -> e.kept() && e.label().equals("john")).findFirst().orElseThrow();
        ManifestEntry junk = rows.stream().filter(e -> e.kept() && e.label().equals("not_john")).findFirst().orElseThrow();

        assertThat(Feedback.record(ds, Map.of(wrong.id(), "mislabelled", junk.id(), "unusable"))).isEqualTo(2);
        DatasetReport after = build(raw, ds);

        int johnBefore = before.count(Split.TRAIN, "john") + before.count(Split.VALIDATION, "john")
                + before.count(Split.TEST, "john");
        int johnAfter = after.count(Split.TRAIN, "john") + after.count(Split.VALIDATION, "john")
                + after.count(Split.TEST, "john");
        assertThat(johnAfter).isEqualTo(johnBefore - 1);
        assertThat(after.rejected()).containsEntry("unusable", 1);
        List<ManifestEntry> now = manifest(ds);
        ManifestEntry moved = now.stream().filter(e -> e.id().equals(wrong.id())).findFirst().orElseThrow();
        assertThat(moved.label()).isEqualTo("not_john");
        assertThat(moved.kept()).isTrue();
        assertThat(moved.feedback()).isEqualTo("mislabelled");
        assertThat(Files.exists(ds.resolve(moved.split()).resolve("not_john").resolve(moved.id() + ".png"))).isTrue();
        assertThat(Files.exists(ds.resolve(wrong.split()).resolve("john").resolve(wrong.id() + ".png"))).isFalse();
        ManifestEntry dropped = now.stream().filter(e -> e.id().equals(junk.id())).findFirst().orElseThrow();
        assertThat(dropped.status()).isEqualTo("rejected");
        assertThat(dropped.reason()).startsWith("unusable");
        assertThat(dropped.feedback()).isEqualTo("unusable");

        // the verdicts survive another build, and clearing one undoes it
        assertThat(build(raw, ds)).isEqualTo(after);
        Feedback.record(ds, Map.of(junk.id(), ""));
        assertThat(build(raw, ds).rejected()).doesNotContainKey("unusable");
    }

    @Test
    void unknownIdsAndVerdictsAreRefusedBeforeWriting() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(96).write(raw, 6, 2);
        Path ds = tmp.resolve("ds");
        build(raw, ds);
        String before = Files.readString(ds.resolve(Dataset.MANIFEST));
        assertThatThrownBy(() -> Feedback.record(ds, Map.of("0000000000000000", "unusable")))
                .hasMessageContaining("no image with id [0000000000000000]");
        assertThatThrownBy(() -> Feedback.record(ds, Map.of("0000000000000000", "blurry")))
                .hasMessageContaining("mislabelled, unusable or empty");
        assertThat(Files.readString(ds.resolve(Dataset.MANIFEST))).isEqualTo(before);
    }
}
