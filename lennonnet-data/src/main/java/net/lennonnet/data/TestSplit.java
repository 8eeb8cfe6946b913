package net.lennonnet.data;

import java.nio.charset.StandardCharsets;
import java.util.OptionalDouble;
import net.lennonnet.model.io.Hashes;

/**
 * Which images of a class are held out for test, decided by each image's own hash so that adding
 * images never moves a test image out of test.
 *
 * <p>Every image gets a position in [0, 1) from the SHA-256 of the seed and its content hash. A class's
 * test set is every image whose position is below the class's threshold. The first build of a dataset
 * places the threshold midway between the {@code testPerClass}-th and the next position, so it holds
 * out exactly that many; later builds into the same folder with the same seed and test count keep that
 * threshold (recorded in {@code report.json}), so every former test image that is still there stays
 * in test, and new images join test only by their own position. The test count then grows in
 * proportion to the data (about {@code testPerClass} x new size / old size) instead of staying fixed:
 * keeping it fixed would mean moving test images into training.
 */
public final class TestSplit {

    private static final double SCALE = 0x1p-52;

    private TestSplit() {}

    /** The image's position in [0, 1): 52 bits of SHA-256(seed ":" content hash). */
    public static double position(long seed, String sha256) {
        String h = Hashes.sha256((seed + ":" + sha256).getBytes(StandardCharsets.UTF_8));
        return (Long.parseLong(h.substring(0, 13), 16)) * SCALE;
    }

    /**
     * The threshold for a class: {@code previous} when given (a later build), else the one that holds
     * out exactly {@code testPerClass} of the images at these positions ({@link #position}).
     */
    public static double threshold(double[] positions, int testPerClass, OptionalDouble previous) {
        if (previous.isPresent()) {
            return previous.getAsDouble();
        }
        if (testPerClass <= 0) {
            return 0;
        }
        if (positions.length <= testPerClass) {
            return 1;
        }
        double[] sorted = positions.clone();
        java.util.Arrays.sort(sorted);
        return (sorted[testPerClass - 1] + sorted[testPerClass]) / 2;
    }

    /** How many of the images at these positions are below the threshold: the class's test images. */
    public static int count(double[] positions, double threshold) {
        return (int) java.util.Arrays.stream(positions).filter(p -> p < threshold).count();
    }
}
