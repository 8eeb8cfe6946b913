package net.lennonnet.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetCheck;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.DatasetReport;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet dataset}: raw class folders to a clean, split dataset. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        header = "Clean and split raw images into a dataset, or check an existing one (--check).",
        description = {"Clean and split raw images (a folder with john/, not_john/ and optionally analysis/<set>/,",
            "from scrape or your own) into train/, val/, test/ and analysis/, with a manifest and a report."})
final class DatasetCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--raw", description = "Folder of class folders: john/, not_john/, optionally analysis/<set>/.")
    Path raw;

    @Option(names = "--out", description = "Dataset folder to write.")
    Path out;

    @Option(names = "--check", paramLabel = "DIR", description = {"Instead of building: re-verify an existing dataset folder from its files",
        "(leakage across train, val, test and analysis; manifest against disk; counts). Exit code 1 on any finding."})
    Path check;

    @Option(names = "--test-per-class", defaultValue = "" + DatasetConfig.DEFAULT_TEST_PER_CLASS, description = "Held-out test images per class. Default: ${DEFAULT-VALUE}.")
    int testPerClass;

    @Option(names = "--val-fraction", defaultValue = "" + DatasetConfig.DEFAULT_VAL_FRACTION, description = "Share of the rest used for validation. Default: ${DEFAULT-VALUE}.")
    double valFraction;

    @Option(names = "--seed", defaultValue = "" + DatasetConfig.DEFAULT_SEED, description = "Seed of the split. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--near-duplicate-distance", defaultValue = "" + DatasetConfig.DEFAULT_NEAR_DUPLICATE_DISTANCE,
            description = "Images whose 64-bit perceptual hashes differ in at most this many bits are near-duplicates. Default: ${DEFAULT-VALUE}.")
    int nearDuplicateDistance;

    @Option(names = "--face-crop", description = {"Cut each image around its largest face (OpenCV Haar cascade);",
        "images without a face stay whole. A model trained on it crops at prediction too."})
    boolean faceCrop;

    @Option(names = "--face-align", description = {"Store each image as the aligned 150 x 150 chip of its largest face",
        "(BlazeFace, dlib's layout), for 'train --backbone face'; an image without a face is rejected: \"no face found\"."})
    boolean faceAlign;

    @Override
    public Integer call() throws Exception {
        if (check != null) {
            return check();
        }
        if (raw == null || out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: "
                    + (raw == null ? "'--raw=<raw>'" : "") + (raw == null && out == null ? " and " : "")
                    + (out == null ? "'--out=<out>'" : "") + " (or --check DIR to verify an existing dataset)");
        }
        DatasetReport report = new DatasetBuilder(new DatasetConfig(raw, out, testPerClass, valFraction, seed,
                Images.DEFAULT_MAX_PIXELS, nearDuplicateDistance, Preparation.of(faceCrop, faceAlign))).build();
        System.out.println("kept " + report.counts() + (report.analysis().isEmpty() ? "" : "; analysis sets "
                + report.analysis()) + "; rejected " + report.rejected() + "; duplicates " + report.duplicates()
                + "; near-duplicates " + report.nearDuplicates() + "; label conflicts " + report.labelConflicts()
                + "; leakage " + report.leakage() + (faceCrop || faceAlign ? "; faces found in " + report.faces() : ""));
        System.out.println("report: " + out.resolve("report.html"));
        return 0;
    }

    private int check() throws java.io.IOException {
        DatasetCheck.Result result = DatasetCheck.run(check, nearDuplicateDistance);
        java.io.PrintWriter w = spec.commandLine().getOut();
        w.printf("%d images read back from %s; counts %s; near-duplicate distance %d bits%n", result.images(), check,
                result.counts(), result.distance());
        for (DatasetCheck.Leak leak : result.leaks()) {
            w.printf("leak: %s and %s (%s)%n", leak.first(), leak.second(),
                    leak.distance() == 0 ? "identical" : leak.distance() + " bits apart");
        }
        result.problems().forEach(p -> w.println("problem: " + p));
        w.printf("%s: %d leak(s), %d problem(s)%n", result.ok() ? "ok" : "NOT OK", result.leaks().size(),
                result.problems().size());
        w.flush();
        return result.ok() ? 0 : 1;
    }
}
