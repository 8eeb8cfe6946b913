package net.lennonnet.model;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Turns a backbone into the two-class Lennonnet graph: the backbone's classification layer is
 * replaced by a softmax output over {@link Labels#ALL}, and everything before it is frozen.
 *
 * <p>The head is found from the graph's structure (its single output vertex and that vertex's
 * single input), so the same code serves the ImageNet graph ({@code flatten_1 -> fc1000}) and a
 * random zoo graph ({@code avgpool -> output}).
 */
public final class TransferGraph {

    /** Where the head sits: the feature vertex feeding it, its own name, and the feature width. */
    public record Head(String featureVertex, String outputVertex, long featureSize) {}

    /**
     * Head options.
     *
     * @param learningRate Adam learning rate, (0, 1]
     * @param classWeights loss weight per class in {@link Labels#ALL} order, each &gt; 0
     * @param seed         seed of the head's initial weights
     */
    public record HeadOptions(double learningRate, double[] classWeights, long seed) {
        public HeadOptions {
            if (!(learningRate > 0 && learningRate <= 1)) {
                throw new IllegalArgumentException("learning rate must be in (0, 1], got " + learningRate);
            }
            if (classWeights == null || classWeights.length != Labels.ALL.size()) {
                throw new IllegalArgumentException("need one class weight per label " + Labels.ALL);
            }
            for (double w : classWeights) {
                if (!(w > 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("class weights must be finite and > 0, got " + w);
                }
            }
            classWeights = classWeights.clone();
        }

        @Override
        public double[] classWeights() {
            return classWeights.clone();
        }
    }

    private TransferGraph() {}

    /** Finds the classification head of a graph with one output whose layer has one input. */
    public static Head findHead(ComputationGraph graph) {
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        if (outputs.size() != 1) {
            throw new IllegalArgumentException("expected a graph with one output, got " + outputs);
        }
        String output = outputs.get(0);
        List<String> inputs = graph.getConfiguration().getVertexInputs().get(output);
        if (inputs == null || inputs.size() != 1) {
            throw new IllegalArgumentException("expected output vertex " + output + " to have one input, got " + inputs);
        }
        var vertex = graph.getVertex(output);
        if (!vertex.hasLayer() || !(vertex.getLayer().conf().getLayer() instanceof FeedForwardLayer layer)) {
            throw new IllegalArgumentException("output vertex " + output + " is not a dense or output layer");
        }
        return new Head(inputs.get(0), output, layer.getNIn());
    }

    /** The backbone with a new two-class head and every other layer frozen. */
    public static ComputationGraph twoClass(ComputationGraph backbone, HeadOptions options) {
        Head head = findHead(backbone);
        FineTuneConfiguration fineTune = new FineTuneConfiguration.Builder()
                .updater(new Adam(options.learningRate()))
                .seed(options.seed())
                .build();
        OutputLayer output = new OutputLayer.Builder()
                .lossFunction(new LossMCXENT(Nd4j.create(options.classWeights())))
                .nIn(head.featureSize())
                .nOut(Labels.ALL.size())
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build();
        return new TransferLearning.GraphBuilder(backbone)
                .fineTuneConfiguration(fineTune)
                .setFeatureExtractor(head.featureVertex())
                .removeVertexKeepConnections(head.outputVertex())
                .addLayer(head.outputVertex(), output, head.featureVertex())
                .build();
    }
}
