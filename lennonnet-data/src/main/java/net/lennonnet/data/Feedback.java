package net.lennonnet.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * People's verdicts on dataset images, recorded in the dataset's {@code manifest.jsonl}: the next
 * {@link DatasetBuilder} run into the same folder moves a mislabelled class image to the other class,
 * drops a mislabelled analysis image and drops an unusable image, and keeps the verdict.
 */
public final class Feedback {


    private Feedback() {}

    /**
     * Sets the feedback of images by id ({@code mislabelled}, {@code unusable}, or {@code ""} to clear).
     *
     * @return how many manifest rows changed
     * @throws IllegalArgumentException naming every id the manifest does not hold, before anything is written
     */
    public static int record(Path dataset, Map<String, String> byId) throws IOException {
        Dataset ds = Dataset.at(dataset);
        if (!ds.hasManifest()) {
            throw new IOException("not a Lennonnet dataset: no " + dataset.resolve(Dataset.MANIFEST));
        }
        for (String value : byId.values()) {
            if (!Set.of(ManifestEntry.MISLABELLED, ManifestEntry.UNUSABLE, "").contains(value)) {
                throw new IllegalArgumentException("feedback is mislabelled, unusable or empty, got '" + value + "'");
            }
        }
        List<ManifestEntry> rows = new ArrayList<>(ds.manifest());
        Set<String> unknown = new TreeSet<>(byId.keySet());
        rows.forEach(e -> unknown.remove(e.id()));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no image with id " + unknown + " in " + dataset.resolve(Dataset.MANIFEST));
        }
        int changed = 0;
        for (int i = 0; i < rows.size(); i++) {
            ManifestEntry e = rows.get(i);
            String value = byId.get(e.id());
            if (value != null && !value.equals(e.feedback() == null ? "" : e.feedback())) {
                rows.set(i, e.withFeedback(value));
                changed++;
            }
        }
        ds.writeManifest(rows);
        return changed;
    }
}
