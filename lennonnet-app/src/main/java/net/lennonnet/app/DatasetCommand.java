package net.lennonnet.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.DatasetReport;
import net.lennonnet.model.Images;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet dataset}: raw class folders to a clean, split dataset. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = {"Clean and split raw images (a folder with john/, not_john/ and optionally analysis/<set>/,",
            "from scrape or your own) into train/, val/, test/ and analysis/, with a manifest and a report."})
final class DatasetCommand implements Callable<Integer> {

    @Option(names = "--raw", required = true, description = "Folder of class folders: john/, not_john/, optionally analysis/<set>/.")
    Path raw;

    @Option(names = "--out", required = true, description = "Dataset folder to write.")
    Path out;

    @Option(names = "--test-per-class", defaultValue = "100", description = "Held-out test images per class. Default: ${DEFAULT-VALUE}.")
    int testPerClass;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Share of the rest used for validation. Default: ${DEFAULT-VALUE}.")
    double valFraction;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the split. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--near-duplicate-distance", defaultValue = "4",
            description = "Images whose 64-bit perceptual hashes differ in at most this many bits are near-duplicates. Default: ${DEFAULT-VALUE}.")
    int nearDuplicateDistance;

    @Option(names = "--face-crop", description = {"Cut each image around its largest face (OpenCV Haar cascade);",
        "images without a face stay whole. A model trained on it crops at prediction too."})
    boolean faceCrop;

    @Override
    public Integer call() throws Exception {
        DatasetReport report = new DatasetBuilder(new DatasetConfig(raw, out, testPerClass, valFraction, seed,
                Images.DEFAULT_MAX_PIXELS, nearDuplicateDistance, faceCrop)).build();
        System.out.println("kept " + report.counts() + (report.analysis().isEmpty() ? "" : "; analysis sets "
                + report.analysis()) + "; rejected " + report.rejected() + "; duplicates " + report.duplicates()
                + "; near-duplicates " + report.nearDuplicates() + "; label conflicts " + report.labelConflicts()
                + "; leakage " + report.leakage() + (faceCrop ? "; faces found in " + report.faces() : ""));
        System.out.println("report: " + out.resolve("report.html"));
        return 0;
    }
}
