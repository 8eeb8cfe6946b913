package net.lennonnet.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;

/** Small graphs with the ImageNet ResNet-50's top structure: {@code ... -> flatten_1 -> fc1000 (softmax dense)}. */
public final class TinyGraphs {

    /** Head options for tests: a small learning rate, equal class weights, a fixed seed. */
    public static final net.lennonnet.model.graph.TransferGraph.HeadOptions HEAD_OPTIONS =
            new net.lennonnet.model.graph.TransferGraph.HeadOptions(0.01, new double[] {1, 1}, 3);


    private TinyGraphs() {}

    /**
     * {@code graph} saved as a model with the tests' metadata: a square input of {@code size}, threshold 0.5,
     * the head {@link net.lennonnet.model.graph.TransferGraph#findHead} finds, unknown provenance.
     */
    public static java.nio.file.Path save(ComputationGraph graph, java.nio.file.Path dir, int size)
            throws java.io.IOException {
        net.lennonnet.model.bundle.ModelBundle.write(dir, graph, new net.lennonnet.model.bundle.ModelMetadata(
                net.lennonnet.model.bundle.ModelMetadata.FORMAT, net.lennonnet.model.graph.Labels.ALL,
                net.lennonnet.model.pipeline.InputContract.square(size), 0.5, "test", "0".repeat(64),
                net.lennonnet.model.graph.TransferGraph.findHead(graph), net.lennonnet.model.bundle.Provenance.unknown()));
        return dir;
    }

    /**
     * A tiny model of a square input of {@code size} whose answer is the calibrated distance of its 8 features to a
     * centre (a decision by distances, which has no class activation map), saved to {@code dir}.
     */
    public static java.nio.file.Path centreModel(java.nio.file.Path dir, int size) throws java.io.IOException {
        var graph = net.lennonnet.model.graph.TransferGraph.twoClass(imagenetShaped(size, 6), HEAD_OPTIONS);
        float[] centre = {0.1f, 0.2f, 0.3f, 0.1f, 0.2f, 0.3f, 0.1f, 0.2f};
        net.lennonnet.model.bundle.ModelBundle.write(dir, graph, new net.lennonnet.model.bundle.ModelMetadata(
                net.lennonnet.model.bundle.ModelMetadata.FORMAT, net.lennonnet.model.graph.Labels.ALL,
                net.lennonnet.model.pipeline.InputContract.square(size), 0.5, "test", "0".repeat(64),
                net.lennonnet.model.graph.TransferGraph.findHead(graph), net.lennonnet.model.bundle.Provenance.unknown(),
                new net.lennonnet.model.bundle.Decision(net.lennonnet.model.bundle.Decision.Score.CENTRE, -1, 1, centre,
                        null, null, "test", null)));
        return dir;
    }


    /** A graph ending {@code flatten_1 -> fc1000} like the ImageNet ResNet-50, with one small convolution. */
    public static ComputationGraph imagenetShaped(int size, long seed) {
        var conf = new NeuralNetConfiguration.Builder().seed(seed).graphBuilder()
                .addInputs("input_1")
                .setInputTypes(InputType.convolutional(size, size, 3))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "input_1")
                .addLayer("avg_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv1")
                .addLayer("flatten_1", new ActivationLayer.Builder().activation(Activation.IDENTITY).build(), "avg_pool")
                .addLayer("fc1000", new DenseLayer.Builder().nOut(10).activation(Activation.SOFTMAX).build(), "flatten_1")
                .setOutputs("fc1000")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }
}
