package net.lennonnet.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The entry point of {@code spark-submit} and {@code mvn exec:java}: {@code predict [--master URL] --model
 * MODEL --out OUT IMAGES...}. Without {@code --master}, the master {@code spark-submit} set.
 */
public final class SparkJobs {

    private SparkJobs() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("predict")) {
            usage("the job is 'predict'");
        }
        String master = null;
        Path model = null;
        Path out = null;
        List<String> inputs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--master" -> master = value(args, ++i, "--master");
                case "--model" -> model = Path.of(value(args, ++i, "--model"));
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                default -> {
                    if (args[i].startsWith("--")) {
                        usage("unknown option " + args[i]);
                    }
                    inputs.add(args[i]);
                }
            }
        }
        if (model == null || out == null || inputs.isEmpty()) {
            usage("--model, --out and at least one folder of images are needed");
        }
        SparkSession.Builder builder = SparkSession.builder().appName("lennonnet predict");
        if (master != null) {
            builder.master(master);
        }
        try (SparkSession spark = builder.getOrCreate()) {
            PredictJob.Result r = PredictJob.run(spark, model, inputs, out);
            System.out.printf("%d images answered in %s (%d failed, see the reason column; %d skipped as already answered)%n",
                    r.answered(), r.out(), r.failed(), r.skipped());
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: predict [--master URL] --model MODEL --out OUT IMAGES...");
        System.exit(2);
    }
}
