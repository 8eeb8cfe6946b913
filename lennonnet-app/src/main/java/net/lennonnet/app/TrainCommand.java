package net.lennonnet.app;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.backbones.WeightsFetch;
import net.lennonnet.backbones.WeightsSource;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.train.Augmentation;
import net.lennonnet.train.FineTuning;
import net.lennonnet.train.TestReport;
import net.lennonnet.train.TrainConfig;
import net.lennonnet.train.TrainResult;
import net.lennonnet.train.TrainRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lennonnet train}: a dataset folder to a model folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the two-class head on a dataset written by 'lennonnet dataset'.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "Dataset folder (train/, val/, test/).")
    Path data;

    @Option(names = "--out", required = true, description = "Model folder to write (model.zip, lennonnet.json, history, test report).")
    Path out;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    WeightsOptions weights;

    /** Where the ImageNet weights come from; default: the first way of 'weights fetch' that works. */
    static final class WeightsOptions {
        @Option(names = "--weights", description = "A ResNet-50 backbone file: the DL4J zoo's resnet50_dl4j_inference.v3.zip or a bundle written by 'lennonnet weights import'.")
        Path file;

        @Option(names = "--weights-mirror", description = "Base URL of a mirror of the DL4J download host.")
        URI mirror;

        @ArgGroup(exclusive = false)
        Explicit explicit;

        @Option(names = "--random-backbone", description = "No ImageNet weights: a random, calibrated backbone (for tests and demos).")
        boolean random;

        WeightsChoice choice() {
            if (file != null) {
                return new WeightsChoice.LocalFile(file);
            }
            if (mirror != null) {
                return new WeightsChoice.Download(WeightsSource.mirror(mirror));
            }
            if (explicit != null) {
                return new WeightsChoice.Download(new WeightsSource(explicit.url, explicit.adler32));
            }
            return random ? new WeightsChoice.RandomInit() : new WeightsChoice.Fetch(WeightsFetch.Ways.all());
        }
    }

    static final class Explicit {
        @Option(names = "--weights-url", required = true, description = "URL of a weights zip.")
        URI url;

        @Option(names = "--weights-adler32", required = true, description = "Its Adler32 checksum.")
        long adler32;
    }

    @Option(names = "--engine", defaultValue = "auto", paramLabel = "ENGINE",
            description = "What computes the backbone's features: auto (ONNX Runtime when it can, else DL4J), onnxruntime or dl4j; the model answers with the same by default. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "PRECISION",
            description = "fp32, or int8: ONNX Runtime's integer kernels on the backbone, calibrated on 32 training photos; about 3x faster on CPUs with VNNI, features within a few percent of float's (docs/performance.md); the model records the calibration and answers in int8 too. Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--backbone", defaultValue = "resnet50",
            description = "resnet50: ImageNet ResNet-50 features; face: dlib's face descriptor on aligned faces (a 'dataset --face-align' dataset; docs/faces.md). Default: ${DEFAULT-VALUE}.")
    String backbone;

    @Option(names = "--input-size", defaultValue = "" + TrainConfig.DEFAULT_INPUT_SIZE, description = "Input edge in pixels for a random backbone (ImageNet weights use the size their bundle records, 224). Default: ${DEFAULT-VALUE}.")
    int inputSize;

    @Option(names = "--epochs", defaultValue = "" + TrainConfig.DEFAULT_EPOCHS, description = "Most iterations of the head's solver (full-batch L-BFGS on the cached features; it stops by itself at convergence, usually far sooner). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "" + TrainConfig.DEFAULT_BATCH_SIZE, description = "Mini-batch size of feature computation and fine-tuning. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "" + TrainConfig.DEFAULT_LEARNING_RATE, description = "Adam learning rate of the head during fine-tuning (the head itself is solved, not stepped). Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--patience", defaultValue = "" + TrainConfig.DEFAULT_PATIENCE, description = "Early stopping of fine-tuning: epochs without the validation loss falling by at least 0.1%%. Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--seed", defaultValue = "" + TrainConfig.DEFAULT_SEED, description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    DashboardOptions dashboard;

    @Option(names = "--feature-cache", description = "Backbone feature cache folder. Default: DATA/feature-cache.")
    Path featureCache;

    @Option(names = "--augment-views", defaultValue = "" + Augmentation.DEFAULT_VIEWS,
            description = "Views per training image: 1 is the image alone; K adds K-1 flipped, cropped, colour-jittered copies, each cached. Default: ${DEFAULT-VALUE}.")
    int views;

    @Option(names = "--crop", defaultValue = "" + Augmentation.DEFAULT_CROP, description = "Largest share cut from each side in a view. Default: ${DEFAULT-VALUE}.")
    double crop;

    @Option(names = "--jitter", defaultValue = "" + Augmentation.DEFAULT_JITTER, description = "Largest brightness/contrast change in a view. Default: ${DEFAULT-VALUE}.")
    double jitter;

    @Option(names = "--no-flip", description = "Never mirror a view.")
    boolean noFlip;

    @Option(names = "--fine-tune-epochs", defaultValue = "0",
            description = "After the head: epochs of fine-tuning the last ResNet stage on images (slow: a backbone pass per image and epoch). Default: ${DEFAULT-VALUE}.")
    int fineTuneEpochs;

    @Option(names = "--fine-tune-lr", defaultValue = "" + FineTuning.DEFAULT_LEARNING_RATE, description = "Learning rate of fine-tuning. Default: ${DEFAULT-VALUE}.")
    double fineTuneLr;

    @Option(names = "--resume", hidden = true,
            description = "Accepted for old scripts: every run reuses the cached features, and the head's solve is deterministic.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        TrainConfig.Builder builder = TrainConfig.builder(data, out).inputSize(inputSize).epochs(epochs)
                .batchSize(batchSize).learningRate(learningRate).patience(patience).seed(seed)
                .uiPort(dashboard.port()).featureCache(featureCache)
                .augmentation(new Augmentation(views, !noFlip, crop, jitter))
                .fineTuning(new FineTuning(fineTuneEpochs, fineTuneLr))
                .backbone(BackboneKind.parse(backbone)).engine(Engine.Choice.parse(engine))
                .precision(Engine.Precision.parse(precision));
        if (weights != null) {
            builder.weights(weights.choice());
        }
        TrainConfig config = builder.build();
        if (resume) {
            System.err.println("--resume is no longer needed: a run reuses every cached feature and solves the head "
                    + "again in seconds, to the same result");
        }
        TrainResult result = TrainRun.withDashboard(config, dashboard.host(), System.err);
        TestReport t = result.test();
        System.out.printf("john %d/%d correct, not_john %d/%d correct, accuracy %.3f; head converged at step %d of %d; class "
                + "weights john %.3f, not_john %.3f; %d features computed in %.0f s, head %.0f s; model in %s%n",
                t.johnCorrect(), t.johnTotal(), t.notJohnCorrect(), t.notJohnTotal(), t.accuracy(), result.bestEpoch(),
                result.history().size(), result.classWeights()[0], result.classWeights()[1], result.featuresComputed(),
                result.featureSeconds(), result.headSeconds(), result.model());
        return 0;
    }
}
