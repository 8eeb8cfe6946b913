package net.lennonnet.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.Backbones;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.backbones.WeightsFetch;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.model.engine.Engine;
import org.apache.spark.sql.SparkSession;

/**
 * The entry point of {@code spark-submit} and {@code mvn exec:java}, one of two jobs:
 * <pre>
 * predict   [--master URL] --model MODEL --out OUT IMAGES...
 * featurise [--master URL] [--backbone resnet50|face] [--weights FILE] [--engine auto|onnxruntime|dl4j]
 *           [--precision fp32|int8] [--cache DIR | --no-import] --out OUT DATASET
 * </pre>
 * Without {@code --master}, the master {@code spark-submit} set.
 */
public final class SparkJobs {

    private static final String USAGE = """
            usage: predict   [--master URL] --model MODEL --out OUT IMAGES...
                   featurise [--master URL] [--backbone resnet50|face] [--weights FILE] [--engine auto|onnxruntime|dl4j]
                             [--precision fp32|int8] [--cache DIR | --no-import] --out OUT DATASET""";

    private SparkJobs() {}

    /** The options of both jobs; each job checks the ones it needs. */
    private static final class Options {
        String job;
        String master;
        Path model;
        Path out;
        String backbone = "resnet50";
        Path weights;
        String engine = "auto";
        String precision = "fp32";
        Path cache;
        boolean noImport;
        final List<String> inputs = new ArrayList<>();
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        SparkSession.Builder builder = SparkSession.builder().appName("lennonnet " + o.job);
        if (o.master != null) {
            builder.master(o.master);
        }
        if (o.job.equals("predict")) {
            if (o.model == null || o.out == null || o.inputs.isEmpty()) {
                usage("predict needs --model, --out and at least one folder of images");
            }
            try (SparkSession spark = builder.getOrCreate()) {
                PredictJob.Result r = PredictJob.run(spark, o.model, o.inputs, o.out);
                System.out.printf("%d images answered in %s (%d failed, see the reason column; %d skipped as already "
                        + "answered)%n%s%n", r.answered(), r.out(), r.failed(), r.skipped(),
                        rate(r.answered() - r.skipped(), r.seconds(), r.warmPerSlot(), spark));
            }
            return;
        }
        if (o.out == null || o.inputs.size() != 1) {
            usage("featurise needs --out and one dataset folder");
        }
        Path dataset = Path.of(o.inputs.get(0));
        BackboneKind kind = null;
        Engine.Choice engine = null;
        Engine.Precision precision = null;
        try {
            kind = BackboneKind.parse(o.backbone);
            engine = Engine.Choice.parse(o.engine);
            precision = Engine.Precision.parse(o.precision);
            precision.requireOn(engine);
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
        }
        Path cache = o.noImport ? null : o.cache != null ? o.cache : FeatureCache.defaultRoot(dataset);
        Backbone backbone = backbone(kind, o.weights);
        try (SparkSession spark = builder.getOrCreate()) {
            FeaturiseJob.Result r = FeaturiseJob.run(spark, backbone, kind, engine, precision, dataset, o.out, cache);
            System.out.printf("%d feature rows of backbone %s in %s (%d failed, see the reason column; %d skipped as "
                    + "already there); %s%n%s%n", r.rows(), r.backboneKey(), r.out(), r.failed(), r.skipped(),
                    cache == null ? "not imported (--no-import)" : r.imported() + " imported into " + cache,
                    rate(r.rows() - r.skipped(), r.seconds(), r.warmPerSlot(), spark));
        }
    }

    /**
     * The run's rate over its new images, in all and per core of the executors (the figure to size a cluster by),
     * and that of its warm tasks (those after each executor's first wave: the rate without the job's fixed costs).
     */
    private static String rate(long images, double seconds, java.util.OptionalDouble warmPerSlot, SparkSession spark) {
        int cores = spark.sparkContext().defaultParallelism();
        return String.format("new images: %d in %.1f s, %.1f images/s on %d executor cores, %.2f images/s per core",
                images, seconds, images / Math.max(seconds, 1e-9), cores, images / Math.max(seconds, 1e-9) / cores)
                + (warmPerSlot.isPresent() ? String.format("; warm tasks (after each executor's first wave): %.2f images/s "
                        + "per task slot, %.1f on %d", warmPerSlot.getAsDouble(), warmPerSlot.getAsDouble() * cores, cores)
                        : "; no task came after its executor's first wave");
    }

    /** The backbone train would use: the face descriptor, or ResNet-50 from {@code weights} or the usual ways. */
    private static Backbone backbone(BackboneKind kind, Path weights) throws IOException {
        if (kind == BackboneKind.FACE) {
            return Backbones.face();
        }
        WeightsChoice choice = weights != null ? new WeightsChoice.LocalFile(weights)
                : new WeightsChoice.Fetch(WeightsFetch.Ways.all());
        return Backbones.pretrained(choice).orElseThrow(() -> new IOException("featurise needs the ImageNet ResNet-50 "
                + "weights ('lennonnet weights fetch', or --weights FILE): features of a random backbone are not worth "
                + "a cluster"));
    }

    private static Options parse(String[] args) {
        Options o = new Options();
        if (args.length == 0 || !(args[0].equals("predict") || args[0].equals("featurise"))) {
            usage("the job is 'predict' or 'featurise'");
        }
        o.job = args[0];
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--master" -> o.master = value(args, ++i, "--master");
                case "--model" -> o.model = Path.of(value(args, ++i, "--model"));
                case "--out" -> o.out = Path.of(value(args, ++i, "--out"));
                case "--backbone" -> o.backbone = value(args, ++i, "--backbone");
                case "--weights" -> o.weights = Path.of(value(args, ++i, "--weights"));
                case "--engine" -> o.engine = value(args, ++i, "--engine");
                case "--precision" -> o.precision = value(args, ++i, "--precision");
                case "--cache" -> o.cache = Path.of(value(args, ++i, "--cache"));
                case "--no-import" -> o.noImport = true;
                default -> {
                    if (args[i].startsWith("--")) {
                        usage("unknown option " + args[i]);
                    }
                    o.inputs.add(args[i]);
                }
            }
        }
        return o;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem + "\n" + USAGE);
        System.exit(2);
    }
}
