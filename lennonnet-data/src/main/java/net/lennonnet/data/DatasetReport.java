package net.lennonnet.data;

import java.util.Map;

/**
 * The outcome of {@link DatasetBuilder#build}, also written as {@code report.json}.
 *
 * @param counts          kept images per split and class: {@code counts.get("train").get("john")}
 * @param rejected        rejected images per reason (reasons shortened to their kind)
 * @param duplicates      exact duplicates removed (same bytes, same class)
 * @param labelConflicts  images dropped because the same bytes appeared under both classes
 * @param leakage         images whose content appears in more than one split; must be 0
 * @param manifestSha256  SHA-256 of {@code manifest.jsonl}, recorded in the model's provenance
 */
public record DatasetReport(Map<String, Map<String, Integer>> counts, Map<String, Integer> rejected, int duplicates,
        int labelConflicts, int leakage, String manifestSha256) {

    /** Kept images in one split and class, 0 if none. */
    public int count(Split split, String label) {
        return counts.getOrDefault(split.folder(), Map.of()).getOrDefault(label, 0);
    }
}
