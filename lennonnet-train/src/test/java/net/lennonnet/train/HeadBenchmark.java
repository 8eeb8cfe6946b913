package net.lennonnet.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.lennonnet.model.TransferGraph;
import net.lennonnet.model.WeightsChoice;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearningHelper;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Benchmark, not a test: the head-training part of the original's run, 12,800 images x 32 epochs,
 * on cached 2048-wide features (the ImageNet ResNet-50's), through the real epoch loop with its
 * checkpoints. Run with
 * {@code mvn -pl lennonnet-train exec:java -Dexec.classpathScope=test -Dexec.mainClass=net.lennonnet.train.HeadBenchmark}.
 */
public final class HeadBenchmark {

    private HeadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 12_800;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int width = 2048;
        // A graph ending flatten_1 -> fc1000 like the ImageNet one; only its head is trained here.
        var conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(width))
                .addLayer("flatten_1", new ActivationLayer.Builder().activation(Activation.IDENTITY).build(), "in")
                .addLayer("fc1000", new DenseLayer.Builder().nOut(1000).activation(Activation.SOFTMAX).build(), "flatten_1")
                .setOutputs("fc1000").build();
        ComputationGraph backbone = new ComputationGraph(conf);
        backbone.init();
        ComputationGraph graph = TransferGraph.twoClass(backbone,
                new TransferGraph.HeadOptions(1e-3, Training.classWeights(new int[] {1320, 11481}), 1));
        TransferLearningHelper helper = new TransferLearningHelper(graph, "flatten_1");

        // Learnable features: the class shifts the mean of a few hundred dimensions.
        Nd4j.getRandom().setSeed(7);
        int johns = images * 1320 / 12_800;
        INDArray features = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, images, width);
        INDArray labels = Nd4j.zeros(images, 2);
        for (int i = 0; i < images; i++) {
            boolean john = i < johns;
            labels.putScalar(i, john ? 0 : 1, 1);
            if (john) {
                features.getRow(i).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 300)).addi(0.3);
            }
        }
        int val = images / 10;
        var train = new Featurizer.Features(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(val, images)).dup(),
                labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(val, images)).dup(), List.of(), 0);
        var validation = new Featurizer.Features(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, val)).dup(),
                labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, val)).dup(), List.of(), 0);
        Path out = Files.createTempDirectory("head-benchmark");
        TrainConfig config = new TrainConfig(out, out, 224, epochs, 32, 1e-3, epochs, 1, new WeightsChoice.RandomInit(),
                0, out.resolve("cache"), false, Augmentation.none(), FineTuning.off());
        long start = System.nanoTime();
        Training.HeadTraining result = Training.trainHead(config, helper, train, validation, "benchmark", Optional.empty());
        double seconds = (System.nanoTime() - start) / 1e9;
        EpochStats last = result.history().get(result.history().size() - 1);
        System.out.printf("RESULT head-training images=%d epochs=%d width=%d seconds=%.1f per_epoch=%.2f "
                + "final_val_loss=%.4f final_val_acc=%.4f%n", images, result.history().size(), width, seconds,
                seconds / result.history().size(), last.validationLoss(), last.validationAccuracy());
    }
}
