package net.lennonnet.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leakage check reads the dataset back from disk, so it can find what the build's deduplication did not. */
class DatasetCheckTest {

    @TempDir
    Path tmp;

    private Path build(int nearDuplicateDistance) throws IOException {
        Path raw = tmp.resolve("raw");
        if (!Files.isDirectory(raw)) {
            new DemoImages(64).write(raw, 40, 5);
        }
        Path ds = tmp.resolve("ds-" + nearDuplicateDistance);
        new DatasetBuilder(new DatasetConfig(raw, ds, 6, 0.2, 5, Images.DEFAULT_MAX_PIXELS, nearDuplicateDistance, Preparation.WHOLE))
                .build();
        return ds;
    }

    @Test
    void aCleanBuildPassesAndATrainImageCopiedIntoTestIsFound() throws IOException {
        Path ds = build(4);
        DatasetCheck.Result clean = DatasetCheck.run(ds, 4);
        assertThat(clean.ok()).as(clean.problems() + " " + clean.leaks()).isTrue();
        assertThat(clean.images()).isGreaterThan(60);

        Path trainImage;
        try (var files = Files.list(ds.resolve("train/john"))) {
            trainImage = files.sorted().findFirst().orElseThrow();
        }
        Files.copy(trainImage, ds.resolve("test/john/copied.png"));
        DatasetCheck.Result leaked = DatasetCheck.run(ds, 4);
        assertThat(leaked.ok()).isFalse();
        assertThat(leaked.leaks()).anySatisfy(l -> {
            assertThat(l.distance()).isZero();
            assertThat(l.first() + " " + l.second()).contains("copied.png", trainImage.getFileName().toString());
        });
        assertThat(leaked.problems()).anySatisfy(p -> assertThat(p).contains("test").contains("not kept there by the manifest"));
        assertThat(leaked.problems()).anySatisfy(p -> assertThat(p).contains("the report counts"));
    }

    @Test
    void aTrainImagePlantedUnderAnotherNameOrCaseIsFoundToo() throws IOException {
        // issue 19: the check read only lower-case ".png" files, and said "ok: 0 leak(s)" for these
        for (String planted : new String[] {"planted.jpg", "PLANTED.PNG", "0123456789abcdef.png.bak"}) {
            Path ds = build(4);
            Path trainImage;
            try (var files = Files.list(ds.resolve("train/john"))) {
                trainImage = files.sorted().findFirst().orElseThrow();
            }
            Path copy = ds.resolve("test/john").resolve(planted);
            Files.copy(trainImage, copy);
            DatasetCheck.Result result = DatasetCheck.run(ds, 4);
            assertThat(result.ok()).as(planted).isFalse();
            assertThat(result.leaks()).as(planted).anySatisfy(l -> assertThat(l.first() + " " + l.second()).contains(planted));
            assertThat(result.problems()).as(planted).anySatisfy(p -> assertThat(p).contains(planted)
                    .contains("is not a file the dataset build writes"));
            Files.delete(copy);
            deleteTree(ds);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aWiderThresholdThanTheBuildsFindsNearDuplicatesItKeptApart() throws IOException {
        // Built without near-duplicate removal, the drawn images keep pairs a few bits apart across splits:
        // the build's own count (at its 0 bits) stays 0, a check at 6 bits reads them back and finds them.
        Path ds = build(0);
        DatasetReport report = Dataset.at(ds).report().orElseThrow();
        DatasetCheck.Result wide = DatasetCheck.run(ds, 6);
        assertThat(wide.leaks()).isNotEmpty().allSatisfy(l -> assertThat(l.distance()).isBetween(0, 6));
        assertThat(report.leakage()).isEqualTo(DatasetCheck.run(ds, 0).leaks().size());
    }

    @Test
    void aMissingFileIsAProblem() throws IOException {
        Path ds = build(4);
        try (var files = Files.list(ds.resolve("val/not_john"))) {
            Files.delete(files.sorted().findFirst().orElseThrow());
        }
        DatasetCheck.Result result = DatasetCheck.run(ds, 4);
        assertThat(result.problems()).anySatisfy(p -> assertThat(p).startsWith("val: 1 image(s) the manifest keeps are not on disk"));
    }

    @Test
    void theCheckIsAtLeastAsWideAsTheBuildsDeduplication() throws IOException {
        Path ds = build(6);
        assertThat(Dataset.at(ds).report().orElseThrow().nearDuplicateDistance()).isEqualTo(6);
        // asked for less, the check still uses the width the build recorded
        assertThat(DatasetCheck.run(ds, 0).distance()).isEqualTo(6);
        assertThat(DatasetCheck.run(ds, 9).distance()).isEqualTo(9);
    }
}
