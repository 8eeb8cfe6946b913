package net.lennonnet.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.IntStream;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.io.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test images stay test images when data is added (it moved 12 of 20 before: membership was by rank). */
class TestSplitTest {

    private static List<String> images(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> Hashes.sha256(("image " + i).getBytes())).toList();
    }

    private static double[] positions(long seed, List<String> images) {
        return images.stream().mapToDouble(sha -> TestSplit.position(seed, sha)).toArray();
    }

    private static Set<String> test(long seed, List<String> images, double threshold) {
        Set<String> out = new HashSet<>();
        images.forEach(sha -> {
            if (TestSplit.position(seed, sha) < threshold) {
                out.add(sha);
            }
        });
        return out;
    }

    @Test
    void addingImagesNeverMovesATestImageOutOfTestForManySeedsAndSizes() {
        int[][] growths = {{120, 240}, {600, 900}, {200, 201}, {1400, 2800}, {50, 5000}};
        for (long seed = 1; seed <= 40; seed++) {
            for (int[] g : growths) {
                int testPerClass = Math.min(100, g[0] / 5);
                List<String> before = images(0, g[0]);
                List<String> after = images(0, g[1]);
                double threshold = TestSplit.threshold(positions(seed, before), testPerClass, OptionalDouble.empty());
                Set<String> testBefore = test(seed, before, threshold);
                assertThat(testBefore).as("the first build holds out exactly what was asked").hasSize(testPerClass);
                double kept = TestSplit.threshold(positions(seed, after), testPerClass, OptionalDouble.of(threshold));
                Set<String> testAfter = test(seed, after, kept);
                assertThat(testAfter).as("seed %d, %d -> %d images", seed, g[0], g[1]).containsAll(testBefore);
                // new images join by their own position, about in proportion (the first build's threshold is
                // itself an estimate, so only a loose band): never fewer, never most of the data
                double expected = (double) testPerClass * g[1] / g[0];
                assertThat((double) testAfter.size()).isBetween((double) testPerClass, Math.min(g[1] * 0.6, 3 * expected));
            }
        }
    }

    @Test
    void theRankRuleItReplacesWouldHaveMovedThem() {
        // The old rule, the first N by position, on the same growth: former test images leave test.
        long seed = 7;
        List<String> before = images(0, 120);
        List<String> after = images(0, 240);
        Set<String> byRankBefore = firstByPosition(seed, before, 20);
        Set<String> byRankAfter = firstByPosition(seed, after, 20);
        Set<String> moved = new HashSet<>(byRankBefore);
        moved.removeAll(byRankAfter);
        assertThat(moved).isNotEmpty();
    }

    private static Set<String> firstByPosition(long seed, List<String> images, int n) {
        return new HashSet<>(images.stream().sorted(java.util.Comparator.comparingDouble(s -> TestSplit.position(seed, s)))
                .limit(n).toList());
    }

    @Test
    void aRebuildWithMoreImagesKeepsEveryTestImageInTest(@TempDir Path tmp) throws Exception {
        Path raw = tmp.resolve("raw");
        Path ds = firstBuild(raw, tmp.resolve("ds"), 3);
        Set<String> testBefore = files(ds.resolve("test"));
        assertThat(testBefore).hasSize(20);

        Path more = tmp.resolve("more");
        new DemoImages(64).write(more, 60, 4); // other drawings, same classes
        for (String label : List.of("john", "not_john")) {
            try (var files = Files.list(more.resolve(label))) {
                for (Path f : files.toList()) {
                    Files.copy(f, raw.resolve(label).resolve("more-" + f.getFileName()));
                }
            }
        }
        DatasetReport after = new DatasetBuilder(new DatasetConfig(raw, ds, 10, 0.1, 3, Images.DEFAULT_MAX_PIXELS)).build();
        Set<String> testAfter = files(ds.resolve("test"));
        // every one, near-duplicates of new images included (one used to be dropped for a larger new copy)
        assertThat(testAfter).containsAll(testBefore);
        assertThat(after.split().testPerClass()).isEqualTo(10);
        assertThat(DatasetCheck.run(ds, 4).ok()).isTrue();
    }

    /** A larger copy of every test image, added later, must not carry the photo into training (issue 19). */
    @Test
    void largerCopiesOfTestImagesAddedLaterStayOutOfTraining(@TempDir Path tmp) throws Exception {
        Path raw = tmp.resolve("raw");
        Path ds = firstBuild(raw, tmp.resolve("ds"), 5);
        Set<String> testBefore = files(ds.resolve("test"));
        List<ManifestEntry> before = Dataset.at(ds).kept();
        int copies = 0;
        for (ManifestEntry e : before) {
            if (e.split().equals("test")) {
                java.awt.image.BufferedImage image = Images.decode(raw.resolve(e.source()), Images.DEFAULT_MAX_PIXELS);
                java.awt.image.BufferedImage big = new java.awt.image.BufferedImage(image.getWidth() * 2,
                        image.getHeight() * 2, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
                var g = big.createGraphics();
                g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                        java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(image, 0, 0, big.getWidth(), big.getHeight(), null);
                g.dispose();
                javax.imageio.ImageIO.write(big, "png", raw.resolve(e.label()).resolve("big-" + copies++ + ".png").toFile());
            }
        }
        assertThat(copies).isEqualTo(20);
        new DatasetBuilder(new DatasetConfig(raw, ds, 10, 0.1, 3, Images.DEFAULT_MAX_PIXELS)).build();
        assertThat(files(ds.resolve("test"))).containsAll(testBefore);
        // the copies the build sees as near-duplicates of a test photo are dropped in its favour (they used to
        // win, being larger, and most went to train); none is anywhere within the near-duplicate distance
        long dropped = Dataset.at(ds).manifest().stream().filter(e -> e.source().contains("big-") && !e.kept()
                && e.reason().contains("near-duplicate")).count();
        assertThat(dropped).as("copies grouped with their test photo").isGreaterThanOrEqualTo(15);
        assertThat(DatasetCheck.run(ds, 4).leaks()).isEmpty();
    }

    /** 60 drawn images a class (drawn with {@code drawingSeed}), built with 10 a class held out. */
    private static Path firstBuild(Path raw, Path ds, long drawingSeed) throws java.io.IOException {
        new DemoImages(64).write(raw, 60, drawingSeed);
        new DatasetBuilder(new DatasetConfig(raw, ds, 10, 0.1, 3, Images.DEFAULT_MAX_PIXELS)).build();
        return ds;
    }

    private static Set<String> files(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            return new HashSet<>(walk.filter(p -> p.toString().endsWith(".png")).map(p -> p.getFileName().toString()).toList());
        }
    }
}
