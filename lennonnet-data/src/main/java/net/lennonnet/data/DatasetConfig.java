package net.lennonnet.data;

import java.nio.file.Path;
import net.lennonnet.model.pipeline.Preparation;

/**
 * How {@link DatasetBuilder} turns raw images into a dataset.
 *
 * @param raw          a folder of class folders ({@code john/}, {@code not_john/})
 * @param out          the dataset folder to write
 * @param testPerClass images per class held out for the final test, chosen first; 1..100000
 * @param valFraction  share of the remaining images used for validation, [0, 0.5]
 * @param seed         seed of the split; the same seed and images give the same split
 * @param maxPixels    images declaring more pixels than this are rejected before decoding
 * @param nearDuplicateDistance two images whose 64-bit perceptual hashes differ in at most this many
 *                     bits are near-duplicates, 0..16
 * @param preparation  how each image is stored: whole; cut around its largest face (whole when none is
 *                     found), which a model trained on it records in its input contract and repeats at
 *                     prediction; or as the aligned 150 x 150 chip of its largest face (rejected when
 *                     none is found), for {@code train --backbone face}
 */
public record DatasetConfig(Path raw, Path out, int testPerClass, double valFraction, long seed, long maxPixels,
        int nearDuplicateDistance, Preparation preparation) {

    public static final int DEFAULT_TEST_PER_CLASS = 100;
    public static final double DEFAULT_VAL_FRACTION = 0.1;
    public static final long DEFAULT_SEED = 42;
    /** See docs/data.md for how this was chosen. */
    public static final int DEFAULT_NEAR_DUPLICATE_DISTANCE = 4;

    /** A configuration with the default near-duplicate distance. */
    public DatasetConfig(Path raw, Path out, int testPerClass, double valFraction, long seed, long maxPixels) {
        this(raw, out, testPerClass, valFraction, seed, maxPixels, DEFAULT_NEAR_DUPLICATE_DISTANCE, Preparation.WHOLE);
    }

    public DatasetConfig {
        if (raw == null || out == null) {
            throw new IllegalArgumentException("raw and out folders are required");
        }
        if (raw.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("out must differ from raw, both are " + raw);
        }
        if (testPerClass < 1 || testPerClass > 100_000) {
            throw new IllegalArgumentException("test images per class must be 1..100000, got " + testPerClass);
        }
        if (!(valFraction >= 0 && valFraction <= 0.5)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 0.5], got " + valFraction);
        }
        if (nearDuplicateDistance < 0 || nearDuplicateDistance > 16) {
            throw new IllegalArgumentException("near-duplicate distance must be 0..16 bits, got " + nearDuplicateDistance);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("pixel cap must be positive, got " + maxPixels);
        }
        if (preparation == null) {
            throw new IllegalArgumentException("how images are prepared is required");
        }
    }
}
