package net.lennonnet.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.Split;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.train.Augmentation;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.train.Featurizer;
import net.lennonnet.train.FineTuning;
import net.lennonnet.train.HeadTraining;
import net.lennonnet.train.TrainConfig;
import net.lennonnet.train.TrainingSet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The training stages, timed through the same code {@code lennonnet train} runs, for
 * {@code lennonnet benchmark}: feature caching from image files, and head training on cached features.
 */
public final class TrainingBenchmarks {

    private TrainingBenchmarks() {}

    /**
     * Computes and caches the backbone features of a dataset's training images (decode, resize,
     * normalise, forward, store) with a fresh cache, as the first {@code train} run does.
     *
     * @return images per second
     */
    public static double featureCaching(Path dataset, ComputationGraph backbone, InputContract contract, int batch)
            throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(backbone,
                new TransferGraph.HeadOptions(1e-3, new double[] {1, 1}, 1));
        TransferGraph.Head head = TransferGraph.findHead(graph);
        Path cacheDir = Files.createTempDirectory("lennonnet-bench-cache");
        FeatureCache cache = new FeatureCache(cacheDir, net.lennonnet.model.io.Hashes.sha256(
                ("benchmark " + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // the engine training uses by default (ONNX Runtime when it can)
        Featurizer featurizer = new Featurizer(graph, head.featureVertex(), contract, cache, batch,
                net.lennonnet.model.engine.Engines.open(net.lennonnet.model.engine.Engine.Choice.AUTO, graph,
                        head.featureVertex(), 3, contract.height(), contract.width()));
        long start = System.nanoTime();
        Featurizer.Features features = featurizer.featurize(Dataset.at(dataset), Split.TRAIN); // a training split only
        double seconds = (System.nanoTime() - start) / 1e9;
        return features.size() / seconds;
    }

    /**
     * Training and validation rows: every tenth row is validation, so it has the whole set's class
     * balance (the first tenth alone would be all john: the john rows come first).
     */
    public static Featurizer.Features[] trainAndValidation(INDArray features, INDArray labels) {
        int n = (int) features.size(0);
        int[] valRows = java.util.stream.IntStream.range(0, n).filter(i -> i % 10 == 0).toArray();
        int[] trainRows = java.util.stream.IntStream.range(0, n).filter(i -> i % 10 != 0).toArray();
        return new Featurizer.Features[] {
            new Featurizer.Features(features.getRows(trainRows), labels.getRows(trainRows), rowNames(trainRows), 0),
            new Featurizer.Features(features.getRows(valRows), labels.getRows(valRows), rowNames(valRows), 0)};
    }

    /** A stand-in file name per row: each row is its own image. */
    private static List<Path> rowNames(int[] rows) {
        return java.util.Arrays.stream(rows).mapToObj(i -> Path.of("row-" + i)).toList();
    }

    /**
     * Fits a two-class head on {@code images} random, learnable feature rows of {@code width} through
     * the real head training (the L2 strength chosen on validation, the final solve to convergence with
     * validation scored every iteration, the history written), at most {@code iterations} solver
     * iterations, with the original's class balance (1,320 john of 12,800).
     *
     * @return seconds
     */
    public static double headTraining(int images, int iterations, int width) throws IOException {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("in")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(width))
                .addLayer("flatten_1", new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "in")
                .addLayer("fc1000", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(1000)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "flatten_1")
                .setOutputs("fc1000").build();
        ComputationGraph backbone = new ComputationGraph(conf);
        backbone.init();
        ComputationGraph graph = TransferGraph.twoClass(backbone,
                new TransferGraph.HeadOptions(1e-3, TrainingSet.classWeights(new int[] {1320, 11481}), 1));
        Nd4j.getRandom().setSeed(7);
        int johns = images * 1320 / 12_800;
        INDArray features = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, images, width);
        INDArray labels = Nd4j.zeros(images, 2);
        for (int i = 0; i < images; i++) {
            boolean john = i < johns;
            labels.putScalar(i, john ? 0 : 1, 1);
            if (john) {
                features.getRow(i).get(NDArrayIndex.interval(0, Math.min(300, width))).addi(0.3);
            }
        }
        Featurizer.Features[] split = trainAndValidation(features, labels);
        var train = split[0];
        var validation = split[1];
        Path out = Files.createTempDirectory("lennonnet-bench-head");
        TrainConfig config = new TrainConfig(out, out, 224, iterations, 32, 1e-3, 5, 1, new WeightsChoice.RandomInit(),
                0, out.resolve("cache"), Augmentation.none(), FineTuning.off());
        long start = System.nanoTime();
        new HeadTraining(config, Optional.empty()).run(graph, TransferGraph.findHead(graph), train, validation, false);
        return (System.nanoTime() - start) / 1e9;
    }
}
