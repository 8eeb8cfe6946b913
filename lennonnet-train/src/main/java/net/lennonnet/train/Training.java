package net.lennonnet.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.Backbones;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetIterators;
import net.lennonnet.data.Int8Calibrations;
import net.lennonnet.data.Split;
import net.lennonnet.model.bundle.Decision;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.engine.Engines;
import net.lennonnet.model.engine.Int8Calibration;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import net.lennonnet.train.Featurizer.Features;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.dashboard.EpochStats;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dataset to a trained model bundle, on the fast path: the backbone is frozen, so its features are
 * computed once per image ({@link Featurizer}) and every epoch trains only the two-class head on them
 * fitted to convergence on them, with its answering score, calibration and threshold chosen on held-out
 * scores ({@link HeadTraining}); optionally the last stage is fine-tuned after ({@link FineTuneEpochs}).
 * Then the test split is reported ({@link TestReport}) and the bundle is written with its
 * {@link Provenance} and {@link Decision}. This class only puts those steps in order.
 */
public final class Training {

    private static final Logger log = LoggerFactory.getLogger(Training.class);
    private static final int CALIBRATION_IMAGES = 8;

    private Training() {}

    /** Trains with no dashboard callback; see {@link #run(TrainConfig, Optional)}. */
    public static TrainResult run(TrainConfig config) throws IOException {
        return run(config, Optional.empty());
    }

    /**
     * Trains a model on {@code config.data()} and writes the bundle to {@code config.out()}.
     *
     * @param dashboard where to stream training statistics, if anywhere
     */
    public static TrainResult run(TrainConfig config, Optional<Dashboard> dashboard) throws IOException {
        long started = System.nanoTime();
        Dataset dataset = Dataset.open(config.data());
        Files.createDirectories(config.out());
        TrainingSet trainingSet = TrainingSet.of(dataset);
        double[] classWeights = trainingSet.classWeights();
        Backbone backbone = backbone(config, dataset);
        InputContract contract = config.backbone().contract(backbone, dataset.preparation());
        log.info("input {}x{} {}, {}{}", contract.width(), contract.height(), contract.channelOrder(),
                contract.normalisation(), contract.preparation().findsFaces() ? ", " + contract.preparation() : "");
        log.info("training images: {} john, {} not_john; class weights {} / {}", trainingSet.john(),
                trainingSet.notJohn(), String.format("%.3f", classWeights[0]), String.format("%.3f", classWeights[1]));

        // 1. backbone features, once per image and view (cached)
        ComputationGraph graph = TransferGraph.twoClass(backbone.graph(),
                new TransferGraph.HeadOptions(config.learningRate(), classWeights, config.seed()));
        TransferGraph.Head head = TransferGraph.findHead(graph);
        // the backbone runs on the engine answering will use, and the cache knows which computed its rows
        Optional<Int8Calibration> int8 = config.precision() == Engine.Precision.INT8
                ? Optional.of(Int8Calibrations.ofTrainingImages(dataset, contract, graph, head.featureVertex()))
                : Optional.empty();
        Engine engine = Engines.openInPrecision(config.engine(), graph, head.featureVertex(), 3, contract.height(),
                contract.width(), Runtime.getRuntime().availableProcessors(), int8);
        String features = engine.kind().flag() + " " + engine.precision().flag();
        String backboneKey = FeatureCache.key(backbone.graph(), contract,
                TransferGraph.findHead(backbone.graph()).featureVertex(), engine.kind(), int8);
        FeatureCache cache = new FeatureCache(config.featureCache(), backboneKey);
        log.info("feature cache: {}", cache.dir());
        long featureStart = System.nanoTime();
        Features train;
        Features validation;
        Features test;
        try (engine) {
            Featurizer featurizer = new Featurizer(graph, head.featureVertex(), contract, cache, config.batchSize(), engine);
            train = featurizer.featurize(dataset, Split.TRAIN, config.augmentation());
            validation = featurizer.featurize(dataset, Split.VALIDATION);
            test = featurizer.featurize(dataset, Split.TEST);
        }
        double featureSeconds = seconds(featureStart);

        // 2. the head, fitted to convergence on them; answering score, calibration and threshold on held-out scores
        long headStart = System.nanoTime();
        HeadTraining.Result headFit = new HeadTraining(config, dashboard).run(graph, head, train,
                validation, config.backbone() == BackboneKind.FACE);
        double headSeconds = seconds(headStart);
        List<EpochStats> history = headFit.history();
        int bestEpoch = headFit.lastStep();
        Decision decision = headFit.choice().decision();
        DecisionThreshold threshold = new DecisionThreshold(headFit.choice().threshold(), headFit.choice().thresholdSource());
        Scores testScores = new Scores(HeadTraining.probabilities(headFit.choice(), test), Scores.isJohn(test.labels()));

        // 3. optionally, the last stage fine-tuned on images (the answer is then the tuned graph's softmax)
        if (config.fineTuning().enabled()) {
            FineTuneEpochs fineTune = new FineTuneEpochs(config, dataset, contract, dashboard);
            FineTuneEpochs.Result tuned = fineTune.run(backbone, trainingSet, graph, headFit);
            graph = tuned.graph();
            history = tuned.history();
            bestEpoch = tuned.bestEpoch();
            testScores = fineTune.score(graph, Split.TEST);
            Scores validationScores = fineTune.score(graph, Split.VALIDATION);
            decision = Decision.head();
            threshold = DecisionThreshold.fromValidation(validationScores.probabilityJohn(), validationScores.isJohn());
        }

        // 4. the test report, the bundle
        log.info("decision threshold {}: {}", fmt(threshold.value()), threshold.source());
        TestReport report = TestReport.of(testScores.probabilityJohn(), testScores.isJohn(), threshold.value());
        report.write(config.run().test());
        log.info("test: john {}/{} correct, not_john {}/{} correct, accuracy {}", report.johnCorrect(),
                report.johnTotal(), report.notJohnCorrect(), report.notJohnTotal(), fmt(report.accuracy()));
        Provenance provenance = provenance(config, backbone, trainingSet, bestEpoch, seconds(started), features);
        // a face model carries the face detector it finds faces with: answering needs nothing outside the model
        Optional<Path> detector = contract.preparation() == Preparation.FACE_ALIGN ? Optional.of(net.lennonnet.backbones.face.FaceModels.blazeFace())
                : Optional.empty();
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, contract,
                threshold.value(), threshold.source(), "0".repeat(64), head, provenance, decision);
        ModelBundle.write(config.out(), graph, int8.map(metadata::withInt8).orElse(metadata), detector);
        log.info("model written to {} ({} s in all: {} s features, {} s head)", config.out(), fmt(seconds(started)),
                fmt(featureSeconds), fmt(headSeconds));
        return new TrainResult(config.run(), List.copyOf(history), bestEpoch, backbone.pretrained(), backbone.origin(),
                classWeights, report, featureSeconds, train.computed() + validation.computed() + test.computed(),
                headSeconds);
    }

    /**
     * The ImageNet backbone when the weights can be had, else a random one calibrated on a few training
     * images (read with the dataset's face-crop setting).
     */
    private static Backbone backbone(TrainConfig config, Dataset dataset) throws IOException {
        config.backbone().check(dataset.preparation(), config.data());
        if (config.backbone() == BackboneKind.FACE) {
            Backbone face = Backbones.face();
            log.info("backbone: {}", face.origin());
            return face;
        }
        Optional<Backbone> pretrained = Backbones.pretrained(config.weights());
        if (pretrained.isPresent()) {
            log.info("backbone: {}", pretrained.get().origin());
            return pretrained.get();
        }
        log.warn("No ImageNet ResNet-50 weights: training on a RANDOMLY initialised backbone, whose features only "
                + "tell coarse shapes and colours apart. Real photos need the weights: 'lennonnet weights fetch' gets "
                + "them (DL4J download or npm), or pass --weights FILE.");
        InputContract contract = InputContract.square(config.inputSize()).with(dataset.preparation());
        return Backbones.random(contract, config.seed(), DatasetIterators.of(dataset, Split.TRAIN, contract,
                CALIBRATION_IMAGES, config.seed()).next().getFeatures());
    }

    /** What the model records about its making; no local path goes in. */
    private static Provenance provenance(TrainConfig config, Backbone backbone, TrainingSet trainingSet, int bestEpoch,
            double seconds, String features) {
        Path dataName = config.data().toAbsolutePath().normalize().getFileName();
        Augmentation views = config.augmentation();
        return new Provenance(backbone.origin(), backbone.pretrained(),
                dataName == null ? Provenance.UNKNOWN : dataName.toString(), trainingSet.manifestSha256(),
                trainingSet.john(), trainingSet.notJohn(), trainingSet.classWeightList(),
                new Provenance.Settings(config.epochs(), config.batchSize(), config.learningRate(), config.patience(),
                        config.seed(), views.views(), views.flip(), views.crop(), views.jitter(),
                        config.fineTuning().epochs(), config.fineTuning().learningRate()),
                bestEpoch, seconds, Provenance.Build.current(), features);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static String fmt(double v) {
        return String.format("%.4f", v);
    }
}
