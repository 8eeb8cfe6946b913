package net.lennonnet.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import net.lennonnet.model.pipeline.Preparation;

/**
 * The outcome of {@link DatasetBuilder#build}, also written as {@code report.json} (and shown in
 * {@code report.html}).
 *
 * @param counts          kept images per split and class: {@code counts.get("train").get("john")}
 * @param analysis        kept images per analysis set
 * @param rejected        rejected images per reason (reasons shortened to their kind)
 * @param duplicates      exact duplicates removed (same bytes)
 * @param nearDuplicates  near-duplicates removed (perceptual hashes within the distance)
 * @param labelConflicts  images dropped because the same or a near-identical image was under both classes
 *                        (or in two analysis sets)
 * @param leakage         pairs of kept images in different splits (analysis sets included) that are
 *                        the same or near-identical; must be 0
 * @param byQuery         kept images per "folder / query" (from the scrape manifest)
 * @param byEngine        kept images per search engine (from the scrape manifest)
 * @param sizes           kept images per class by their longer side: "<128", "128-255", ... ">=1024"
 * @param nearDuplicateDistance the perceptual-hash distance, in bits, within which images counted as
 *                        near-duplicates ({@code dataset --check} checks at least this wide)
 * @param preparation     how images were prepared: whole, cut around their largest face, or aligned chips
 *                        of it (reports before it said so with two flags, {@code faceCrop} and
 *                        {@code faceAlign}, which {@link #read} still takes)
 * @param faces           kept images in which a face was found (0 without face crop)
 * @param manifestSha256  SHA-256 of {@code manifest.jsonl}, recorded in the model's provenance
 * @param split           how test images were chosen ({@link TestSplit}): seed, test images asked per
 *                        class, and each class's threshold, which later builds into the folder keep
 */
public record DatasetReport(Map<String, Map<String, Integer>> counts, Map<String, Integer> analysis,
        Map<String, Integer> rejected, int duplicates, int nearDuplicates, int labelConflicts, int leakage,
        Map<String, Integer> byQuery, Map<String, Integer> byEngine, Map<String, Map<String, Integer>> sizes,
        int nearDuplicateDistance, Preparation preparation, int faces, String manifestSha256, SplitRule split) {

    public DatasetReport {
        preparation = preparation == null ? Preparation.WHOLE : preparation;
    }

    /** Reads a report as every Lennonnet wrote it: with {@code preparation}, or with its two flags before it. */
    @JsonCreator
    static DatasetReport read(@JsonProperty("counts") Map<String, Map<String, Integer>> counts,
            @JsonProperty("analysis") Map<String, Integer> analysis, @JsonProperty("rejected") Map<String, Integer> rejected,
            @JsonProperty("duplicates") int duplicates, @JsonProperty("nearDuplicates") int nearDuplicates,
            @JsonProperty("labelConflicts") int labelConflicts, @JsonProperty("leakage") int leakage,
            @JsonProperty("byQuery") Map<String, Integer> byQuery, @JsonProperty("byEngine") Map<String, Integer> byEngine,
            @JsonProperty("sizes") Map<String, Map<String, Integer>> sizes,
            @JsonProperty("nearDuplicateDistance") int nearDuplicateDistance,
            @JsonProperty("preparation") Preparation preparation, @JsonProperty("faceCrop") boolean faceCrop,
            @JsonProperty("faceAlign") boolean faceAlign, @JsonProperty("faces") int faces,
            @JsonProperty("manifestSha256") String manifestSha256, @JsonProperty("split") SplitRule split) {
        return new DatasetReport(counts, analysis, rejected, duplicates, nearDuplicates, labelConflicts, leakage, byQuery,
                byEngine, sizes, nearDuplicateDistance, preparation != null ? preparation : Preparation.of(faceCrop, faceAlign),
                faces, manifestSha256, split);
    }

    /**
     * The split's rule, kept so that a later build holds out the same images.
     *
     * @param seed           the split seed
     * @param testPerClass   test images asked for per class
     * @param testThresholds per class, the {@link TestSplit} position below which an image is a test image
     */
    public record SplitRule(long seed, int testPerClass, Map<String, Double> testThresholds) {
        public SplitRule {
            testThresholds = testThresholds == null ? Map.of() : Map.copyOf(testThresholds);
        }
    }

    /** Kept images in one split and class, 0 if none. */
    public int count(Split split, String label) {
        return counts.getOrDefault(split.folder(), Map.of()).getOrDefault(label, 0);
    }
}
