package net.lennonnet.train;

import java.nio.file.Path;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.model.engine.Engine;

/**
 * One training run.
 *
 * @param data         a dataset folder written by {@code lennonnet dataset}
 * @param out          where the model bundle, history and dashboard stats go
 * @param inputSize    square input edge when training on a random backbone, 32..1024; ImageNet
 *                     weights use the size their bundle records (224)
 * @param epochs       most iterations of the head's solver (full-batch L-BFGS, one pass over the cached
 *                     features each; it stops by itself at convergence), 1..10000
 * @param batchSize    mini-batch size of feature computation and fine-tuning, 1..4096
 * @param learningRate Adam learning rate recorded in the head layer's configuration, (0, 1]
 * @param patience     fine-tuning stops after this many epochs without a real improvement of the
 *                     validation loss ({@link EarlyStopping}), 1..10000
 * @param seed         seed of initialisation, shuffling and calibration (not of the int8 calibration's images,
 *                     which depend on the dataset alone: {@link net.lennonnet.data.Int8Calibrations})
 * @param weights      where the backbone weights come from
 * @param uiPort       port of the DL4J training dashboard, 1..65535; or 0 for no dashboard
 * @param featureCache where backbone features are cached (see {@link #defaultFeatureCache})
 * @param augmentation augmented views of each training image
 * @param fineTuning   whether and how to fine-tune the last stage after the head
 * @param backbone     which backbone the head is trained on
 * @param engine       what computes the backbone's features: the engine the model will answer with by default
 *                     (ONNX Runtime when it can), so that the head learns from the features it will read
 * @param precision    the backbone's precision: {@link Engine.Precision#INT8} calibrates ONNX Runtime's int8
 *                     backbone on training photos, computes the features with it and records the calibration in
 *                     the model, which then answers in int8 too
 */
public record TrainConfig(Path data, Path out, int inputSize, int epochs, int batchSize, double learningRate,
        int patience, long seed, WeightsChoice weights, int uiPort,
        Path featureCache, Augmentation augmentation,
        FineTuning fineTuning, BackboneKind backbone, Engine.Choice engine, Engine.Precision precision) {

    /** In float. */
    public TrainConfig(Path data, Path out, int inputSize, int epochs, int batchSize, double learningRate,
            int patience, long seed, WeightsChoice weights, int uiPort, Path featureCache,
            Augmentation augmentation, FineTuning fineTuning, BackboneKind backbone, Engine.Choice engine) {
        this(data, out, inputSize, epochs, batchSize, learningRate, patience, seed, weights, uiPort, featureCache,
                augmentation, fineTuning, backbone, engine, Engine.Precision.FP32);
    }

    /** A ResNet-50 configuration. */
    /** With the faster engine that loads for the features. */
    public TrainConfig(Path data, Path out, int inputSize, int epochs, int batchSize, double learningRate,
            int patience, long seed, WeightsChoice weights, int uiPort, Path featureCache,
            Augmentation augmentation, FineTuning fineTuning, BackboneKind backbone) {
        this(data, out, inputSize, epochs, batchSize, learningRate, patience, seed, weights, uiPort, featureCache,
                augmentation, fineTuning, backbone, Engine.Choice.AUTO);
    }

    public TrainConfig(Path data, Path out, int inputSize, int epochs, int batchSize, double learningRate,
            int patience, long seed, WeightsChoice weights, int uiPort, Path featureCache,
            Augmentation augmentation, FineTuning fineTuning) {
        this(data, out, inputSize, epochs, batchSize, learningRate, patience, seed, weights, uiPort, featureCache,
                augmentation, fineTuning, BackboneKind.RESNET50);
    }

    // The defaults, in one place: the command line's options show these, the builder starts from them.
    public static final int DEFAULT_INPUT_SIZE = 224;
    public static final int DEFAULT_EPOCHS = 500;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final double DEFAULT_LEARNING_RATE = 0.001;
    public static final int DEFAULT_PATIENCE = 5;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_UI_PORT = 9000;

    /**
     * A configuration for training on {@code data} into {@code out}, with every default: ImageNet
     * weights by the ways of {@code weights fetch}, no dashboard, the feature cache inside the dataset,
     * no augmentation, no fine-tuning.
     */
    public static Builder builder(Path data, Path out) {
        return new Builder(data, out);
    }

    /** A copy of this configuration to change. */
    public Builder toBuilder() {
        return new Builder(data, out).inputSize(inputSize).epochs(epochs).batchSize(batchSize)
                .learningRate(learningRate).patience(patience).seed(seed).weights(weights).uiPort(uiPort)
                .featureCache(featureCache).augmentation(augmentation).fineTuning(fineTuning)
                .backbone(backbone).engine(engine).precision(precision);
    }

    /** Builds a {@link TrainConfig}; every setter has the default above until called. */
    public static final class Builder {
        private final Path data;
        private Path out;
        private int inputSize = DEFAULT_INPUT_SIZE;
        private int epochs = DEFAULT_EPOCHS;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private int patience = DEFAULT_PATIENCE;
        private long seed = DEFAULT_SEED;
        private WeightsChoice weights = new WeightsChoice.Fetch(net.lennonnet.backbones.WeightsFetch.Ways.all());
        private int uiPort;
        private Path featureCache;
        private Augmentation augmentation = Augmentation.none();
        private FineTuning fineTuning = FineTuning.off();
        private BackboneKind backbone = BackboneKind.RESNET50;
        private Engine.Choice engine = Engine.Choice.AUTO;
        private Engine.Precision precision = Engine.Precision.FP32;

        private Builder(Path data, Path out) {
            this.data = data;
            this.out = out;
        }

        public Builder out(Path value) { out = value; return this; }
        public Builder inputSize(int value) { inputSize = value; return this; }
        public Builder epochs(int value) { epochs = value; return this; }
        public Builder batchSize(int value) { batchSize = value; return this; }
        public Builder learningRate(double value) { learningRate = value; return this; }
        public Builder patience(int value) { patience = value; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder weights(WeightsChoice value) { weights = value; return this; }
        /** The dashboard's port; 0 (the builder's default) for none. */
        public Builder uiPort(int value) { uiPort = value; return this; }
        /** Where features are cached; null (the default) for {@link #defaultFeatureCache}. */
        public Builder featureCache(Path value) { featureCache = value; return this; }
        public Builder augmentation(Augmentation value) { augmentation = value; return this; }
        public Builder fineTuning(FineTuning value) { fineTuning = value; return this; }
        public Builder backbone(BackboneKind value) { backbone = value; return this; }
        public Builder engine(Engine.Choice value) { engine = value; return this; }
        public Builder precision(Engine.Precision value) { precision = value; return this; }

        /** The configuration; {@link IllegalArgumentException} naming the first value out of range. */
        public TrainConfig build() {
            return new TrainConfig(data, out, inputSize, epochs, batchSize, learningRate, patience, seed, weights,
                    uiPort, featureCache != null ? featureCache : data == null ? null : defaultFeatureCache(data),
                    augmentation, fineTuning, backbone, engine, precision);
        }
    }

    /** The run folder {@code out} is. */
    public net.lennonnet.train.run.RunFolder run() {
        return new net.lennonnet.train.run.RunFolder(out);
    }

    /** The default feature cache: {@code feature-cache/} inside the dataset folder. */
    public static Path defaultFeatureCache(Path data) {
        return net.lennonnet.backbones.features.FeatureCache.defaultRoot(data);
    }

    public TrainConfig {
        engine = engine == null ? Engine.Choice.AUTO : engine;
        precision = precision == null ? Engine.Precision.FP32 : precision;
        if (data == null || out == null) {
            throw new IllegalArgumentException("data and out folders are required");
        }
        if (inputSize < 32 || inputSize > 1024) {
            throw new IllegalArgumentException("input size must be 32..1024 pixels, got " + inputSize);
        }
        if (epochs < 1 || epochs > 10_000) {
            throw new IllegalArgumentException("epochs must be 1..10000, got " + epochs);
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batch size must be 1..4096, got " + batchSize);
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learning rate must be in (0, 1], got " + learningRate);
        }
        if (patience < 1 || patience > 10_000) {
            throw new IllegalArgumentException("patience must be 1..10000 epochs, got " + patience);
        }
        if (uiPort < 0 || uiPort > 65_535) {
            throw new IllegalArgumentException("dashboard port must be 1..65535, or 0 for none, got " + uiPort);
        }
        if (fineTuning == null) {
            throw new IllegalArgumentException("a fine-tuning setting is required (FineTuning.off() for none)");
        }
        if (augmentation == null) {
            throw new IllegalArgumentException("an augmentation setting is required (Augmentation.none() for none)");
        }
        if (featureCache == null) {
            throw new IllegalArgumentException("a feature cache folder is required");
        }
        if (weights == null) {
            throw new IllegalArgumentException("a weights choice is required");
        }
        if (backbone == null) {
            throw new IllegalArgumentException("a backbone is required");
        }
        precision.requireOn(engine);
        if (precision == Engine.Precision.INT8 && fineTuning.enabled()) {
            throw new IllegalArgumentException("fine-tuning changes the last stage the int8 calibration was measured on: "
                    + "train with --precision int8 or with fine-tuning, not both");
        }
        if (backbone == BackboneKind.FACE && fineTuning.enabled()) {
            throw new IllegalArgumentException("fine-tuning unfreezes ResNet-50's last stage; the face backbone has none");
        }
    }
}
