package net.lennonnet.model.engine;

import java.util.Optional;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

/**
 * A softmax head on the features, in plain Java: {@code softmax(f W + b)}, its weights copied once. What
 * answering with another engine than DL4J runs after the backbone, so that no ND4J operation (and none
 * of its OpenMP threads, which spin after each operation on the cores the engine needs) runs per batch.
 */
public final class SoftmaxHead {

    private final double[][] weights; // [in][out]
    private final double[] bias;

    private SoftmaxHead(double[][] weights, double[] bias) {
        this.weights = weights;
        this.bias = bias;
    }

    /**
     * The head of {@code graph} at {@code vertex} when it is a dense or output layer with a softmax and no
     * pre-processor; empty otherwise (DL4J then computes it).
     */
    public static Optional<SoftmaxHead> of(ComputationGraph graph, String vertex) {
        var conf = graph.getConfiguration().getVertices().get(vertex);
        if (!(conf instanceof LayerVertex lv) || lv.getPreProcessor() != null) {
            return Optional.empty();
        }
        var layer = lv.getLayerConf().getLayer();
        if (!(layer instanceof BaseOutputLayer || layer instanceof DenseLayer)
                || !(((FeedForwardLayer) layer).getActivationFn() instanceof ActivationSoftmax)) {
            return Optional.empty();
        }
        var w = graph.getLayer(vertex).getParam("W");
        var b = graph.getLayer(vertex).getParam("b");
        if (w == null || w.rank() != 2) {
            return Optional.empty();
        }
        double[][] weights = w.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
        double[] bias = b == null ? new double[weights[0].length]
                : b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        return Optional.of(new SoftmaxHead(weights, bias));
    }

    /** A linear function of the features: {@code weights . f + bias}. */
    public record Linear(double[] weights, double bias) {}

    /**
     * Output {@code a}'s logit minus output {@code b}'s, which is linear in the features: the log-odds of
     * {@code a} against {@code b}, what a class activation map spreads over the image.
     */
    public Linear difference(int a, int b) {
        double[] w = new double[weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights[i][a] - weights[i][b];
        }
        return new Linear(w, bias[a] - bias[b]);
    }

    /** The softmax of one row of features: a probability per output, in the layer's order. */
    public double[] probabilities(float[] features) {
        if (features.length != weights.length) {
            throw new IllegalArgumentException("the head reads " + weights.length + " features, got " + features.length);
        }
        double[] z = bias.clone();
        for (int i = 0; i < features.length; i++) {
            double f = features[i];
            double[] row = weights[i];
            for (int k = 0; k < z.length; k++) {
                z[k] += f * row[k];
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] /= sum;
        }
        return z;
    }
}
