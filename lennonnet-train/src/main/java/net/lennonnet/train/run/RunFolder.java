package net.lennonnet.train.run;

import java.nio.file.Files;
import java.nio.file.Path;
import net.lennonnet.model.bundle.ModelBundle;

/**
 * A training run's folder ({@code train --out}), and the only code that knows its layout:
 *
 * <pre>
 * RUN/
 *   model.zip, lennonnet.json   the model bundle ({@link ModelBundle}): what predict, serve and LennonNet load
 *   history.jsonl               one line per step: the head solver's iterations, then any fine-tuning epochs
 *   dashboard-stats.bin         the DL4J dashboard's stored run
 *   test/                       the held-out test report and its histograms
 *   evaluation/                 lennonnet evaluate's report (the demo writes it here; the dashboard shows it)
 *   analysis/                   lennonnet analyze's report (likewise)
 * </pre>
 *
 * @param root the folder
 */
public record RunFolder(Path root) {

    static final String HISTORY = "history.jsonl";
    static final String STATS = "dashboard-stats.bin";
    static final String TEST = "test";
    static final String EVALUATION = "evaluation";
    static final String ANALYSIS = "analysis";

    /** The run a stored dashboard file belongs to: the folder it lies in. */
    public static RunFolder ofStats(Path statsFile) {
        Path parent = statsFile.toAbsolutePath().normalize().getParent();
        return new RunFolder(parent);
    }

    /** The folder {@link ModelBundle#read} and {@code LennonNet.load} take. */
    public Path model() {
        return root;
    }

    /** Whether the run has written its model yet. */
    public boolean hasModel() {
        return Files.isRegularFile(root.resolve(ModelBundle.METADATA_FILE))
                && Files.isRegularFile(root.resolve(ModelBundle.MODEL_FILE));
    }

    public Path history() {
        return root.resolve(HISTORY);
    }

    public Path dashboardStats() {
        return root.resolve(STATS);
    }

    public Path test() {
        return root.resolve(TEST);
    }

    public Path evaluation() {
        return root.resolve(EVALUATION);
    }

    public Path analysis() {
        return root.resolve(ANALYSIS);
    }
}
