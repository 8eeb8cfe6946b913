package net.lennonnet.model.graph;

import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
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

    /**
     * The vertex that feeds the graph's last ResNet stage (the highest N among vertices named
     * {@code resN...}): {@code res4f_branch} in the zoo graph, an {@code activation_} vertex in the
     * ImageNet one. Freezing up to it leaves the last stage and the head trainable.
     */
    public static String lastStageInput(ComputationGraph graph) {
        java.util.regex.Pattern stage = java.util.regex.Pattern.compile("^res(\\d)");
        int last = -1;
        for (var vertex : graph.getVertices()) {
            var m = stage.matcher(vertex.getVertexName());
            if (m.find()) {
                last = Math.max(last, Integer.parseInt(m.group(1)));
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("no ResNet stage (vertices named resN...) in this graph to fine-tune");
        }
        String prefix = "res" + last;
        for (int index : graph.topologicalSortOrder()) {
            var vertex = graph.getVertices()[index];
            if (vertex.getVertexName().startsWith(prefix)) {
                return graph.getConfiguration().getVertexInputs().get(vertex.getVertexName()).get(0);
            }
        }
        throw new IllegalStateException("stage " + prefix + " vanished from the topological order");
    }

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
        return twoClass(backbone, options, findHead(backbone).featureVertex());
    }

    /**
     * The backbone with a new two-class head, frozen up to and including {@code frozenUpTo}: the head's
     * input for the fast path, {@link #lastStageInput} to fine-tune the last stage as well.
     */
    public static ComputationGraph twoClass(ComputationGraph backbone, HeadOptions options, String frozenUpTo) {
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
        // The zoo graph's output layer reads 4-d pooled activations through an input pre-processor;
        // the new head must keep it, or it receives [n, 2048, 1, 1] instead of [n, 2048].
        InputPreProcessor preProcessor = backbone.getConfiguration().getVertices().get(head.outputVertex())
                instanceof org.deeplearning4j.nn.conf.graph.LayerVertex layerVertex ? layerVertex.getPreProcessor() : null;
        TransferLearning.GraphBuilder builder = new TransferLearning.GraphBuilder(backbone)
                .fineTuneConfiguration(fineTune)
                .setFeatureExtractor(frozenUpTo)
                .removeVertexKeepConnections(head.outputVertex());
        if (preProcessor != null) {
            builder.addLayer(head.outputVertex(), output, preProcessor.clone(), head.featureVertex());
        } else {
            builder.addLayer(head.outputVertex(), output, head.featureVertex());
        }
        return builder.build();
    }
}
