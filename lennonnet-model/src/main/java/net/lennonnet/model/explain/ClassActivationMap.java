package net.lennonnet.model.explain;

import java.util.Optional;
import java.util.function.Function;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.engine.Engines;
import net.lennonnet.model.engine.SoftmaxHead;
import net.lennonnet.model.graph.GraphSurgery;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Class activation mapping, exact for a softmax head on average-pooled convolution maps (ResNet-50's), also
 * through one linear layer between the average and the head (the face descriptor's {@code fc}, folded into
 * the head's weights):
 * the head's john-minus-not_john weights dotted with the last convolution's maps at each position give a
 * grid whose mean, plus the head's constant, is the answer's log-odds. One forward pass to the maps (on
 * the model's engine kind) gives both the grid and the features (the maps' averages), so explaining costs
 * about what answering does.
 */
public final class ClassActivationMap implements AutoCloseable {

    /** The backbone up to the maps: one row of flattened maps per image. */
    private final Engine maps;
    private final SoftmaxHead head;
    /** The head's john-minus-not_john weights, folded through the linear layer when there is one: per map channel. */
    private final SoftmaxHead.Linear johnVersusNot;
    /** The linear layer between the maps' average and the features ({@code [channels][features]}), if any. */
    private final Optional<double[][]> linear;
    private final double[] linearBias;
    private final int channels;
    private final int rows;
    private final int columns;
    private final boolean channelsFirst;

    private ClassActivationMap(Engine maps, SoftmaxHead head, Optional<double[][]> linear, double[] linearBias, int channels,
            int rows, int columns, boolean channelsFirst) {
        this.maps = maps;
        this.head = head;
        this.linear = linear;
        this.linearBias = linearBias;
        SoftmaxHead.Linear onFeatures = head.difference(Labels.ALL.indexOf(Labels.JOHN), Labels.ALL.indexOf(Labels.NOT_JOHN));
        if (linear.isPresent()) {
            // z = (m W + c) . w + b = m . (W w) + (c . w + b)
            double[][] w = linear.get();
            double[] folded = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                for (int k = 0; k < w[i].length; k++) {
                    folded[i] += w[i][k] * onFeatures.weights()[k];
                }
            }
            double bias = onFeatures.bias();
            for (int k = 0; k < linearBias.length; k++) {
                bias += linearBias[k] * onFeatures.weights()[k];
            }
            this.johnVersusNot = new SoftmaxHead.Linear(folded, bias);
        } else {
            this.johnVersusNot = onFeatures;
        }
        this.channels = channels;
        this.rows = rows;
        this.columns = columns;
        this.channelsFirst = channelsFirst;
    }

    /**
     * Why a graph has no exact class activation map, or empty when it has one: its head must be a softmax
     * layer read from an average pooling of convolution maps (through identity layers at most).
     */
    public static Optional<String> unsupported(ComputationGraph graph, TransferGraph.Head head) {
        if (SoftmaxHead.of(graph, head.outputVertex()).isEmpty()) {
            return Optional.of("the head " + head.outputVertex() + " is not a softmax layer on the features");
        }
        return mapsVertex(graph, head.featureVertex()).isPresent() ? Optional.empty()
                : Optional.of("the features (" + head.featureVertex() + ") are not an average pooling of convolution maps");
    }

    /**
     * Where the head's features come from: the vertex whose maps they average, and the one linear layer between
     * the average and the features, if any (the face descriptor's {@code fc}).
     */
    record Source(String mapsVertex, Optional<String> linear) {}

    /** The source of the head's features, when they are an average of maps, through at most one linear layer. */
    static Optional<Source> mapsVertex(ComputationGraph graph, String featureVertex) {
        var conf = graph.getConfiguration();
        String at = featureVertex;
        Optional<String> linear = Optional.empty();
        for (int step = 0; step < 8; step++) {
            if (!(conf.getVertices().get(at) instanceof LayerVertex lv) || conf.getVertexInputs().get(at).size() != 1
                    || lv.getPreProcessor() != null) {
                return Optional.empty();
            }
            String input = conf.getVertexInputs().get(at).get(0);
            var layer = GraphSurgery.unfrozen(lv.getLayerConf().getLayer());
            if (layer instanceof GlobalPoolingLayer pool) {
                return pool.getPoolingType() == PoolingType.AVG ? Optional.of(new Source(input, linear)) : Optional.empty();
            }
            boolean identity = layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base
                    && base.getActivationFn() instanceof ActivationIdentity;
            if (layer instanceof org.deeplearning4j.nn.conf.layers.DenseLayer && identity && linear.isEmpty()) {
                linear = Optional.of(at);
            } else if (!(layer instanceof ActivationLayer a && a.getActivationFn() instanceof ActivationIdentity)) {
                return Optional.empty();
            }
            at = input;
        }
        return Optional.empty();
    }

    /**
     * Opens the maps engine for {@code graph}, and checks it once on a probe input: the maps' averages must be
     * the features {@code features} computes (to 1e-3 of their scale), which also settles how the engine
     * lays the maps out.
     *
     * @throws IllegalArgumentException when the graph has no exact map ({@link #unsupported})
     */
    public static ClassActivationMap open(ComputationGraph graph, TransferGraph.Head head, Engine.Kind engine, int threads,
            int height, int width, Function<INDArray, float[][]> features) {
        unsupported(graph, head).ifPresent(why -> {
            throw new IllegalArgumentException("no class activation map: " + why);
        });
        Source source = mapsVertex(graph, head.featureVertex()).orElseThrow();
        String vertex = source.mapsVertex();
        SoftmaxHead softmax = SoftmaxHead.of(graph, head.outputVertex()).orElseThrow();
        Optional<double[][]> linear = source.linear().map(name -> graph.getLayer(name).getParam("W")
                .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix());
        double[] linearBias = source.linear().map(name -> graph.getLayer(name).getParam("b"))
                .map(b -> b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector())
                .orElseGet(() -> new double[linear.map(w -> w[0].length).orElse(0)]);
        Engine maps = engine == Engine.Kind.ONNXRUNTIME
                ? Engines.open(Engine.Choice.ONNXRUNTIME, graph, vertex, 3, height, width, threads)
                : new Dl4jMaps(graph, vertex);
        try {
            INDArray probe = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, height, width).muli(255)
                    .subi(120);
            float[] flat = maps.features(probe)[0];
            float[] expected = features.apply(probe)[0];
            int channels = linear.map(w -> w.length).orElse(expected.length);
            if (flat.length % channels != 0) {
                throw new IllegalStateException("the maps of " + vertex + " (" + flat.length + " values) do not split into "
                        + channels + " channels");
            }
            int positions = flat.length / channels;
            int rows = (int) Math.round(Math.sqrt(positions * (double) height / width));
            int columns = positions / Math.max(rows, 1);
            if (rows * columns != positions) {
                throw new IllegalStateException("the maps of " + vertex + " have " + positions + " positions, not a "
                        + height + ":" + width + " grid");
            }
            for (boolean first : new boolean[] {true, false}) {
                if (close(through(linear, linearBias, average(flat, channels, positions, first)), expected)) {
                    probe.close();
                    return new ClassActivationMap(maps, softmax, linear, linearBias, channels, rows, columns, first);
                }
            }
            throw new IllegalStateException("the maps of " + vertex + " do not average to the features of "
                    + head.featureVertex() + " in either layout");
        } catch (RuntimeException e) {
            maps.close();
            throw e;
        }
    }

    private static float[] average(float[] flat, int channels, int positions, boolean channelsFirst) {
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int p = 0; p < positions; p++) {
                sum += flat[channelsFirst ? c * positions + p : p * channels + c];
            }
            out[c] = (float) (sum / positions);
        }
        return out;
    }

    /** The features the head reads from the maps' average: the average itself, or the linear layer's output. */
    private static float[] through(Optional<double[][]> linear, double[] bias, float[] average) {
        if (linear.isEmpty()) {
            return average;
        }
        double[][] w = linear.get();
        float[] out = new float[w[0].length];
        for (int k = 0; k < out.length; k++) {
            double sum = bias[k];
            for (int i = 0; i < average.length; i++) {
                sum += average[i] * w[i][k];
            }
            out[k] = (float) sum;
        }
        return out;
    }

    private static boolean close(float[] a, float[] b) {
        double scale = 1e-6;
        for (float v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > 1e-3 * scale) {
                return false;
            }
        }
        return true;
    }

    /**
     * DL4J's forward pass, read at the maps vertex. Neither {@code ComputationGraph.output} on that vertex, which in
     * M2.1 leaves its activation workspace open for a vertex other layers read ({@code ND4JWorkspaceException}),
     * nor {@code feedForward} up to an index, which takes a layer's index and so cannot stop at a merge vertex
     * (ResNet's last {@code Add}): the whole detached feed-forward, whose head costs nothing beside the backbone.
     * DL4J is the fallback engine; ONNX Runtime stops at the maps.
     */
    private static final class Dl4jMaps implements Engine {
        private final ComputationGraph graph;
        private final String vertex;

        Dl4jMaps(ComputationGraph graph, String vertex) {
            this.graph = graph;
            this.vertex = vertex;
        }

        @Override
        public Kind kind() {
            return Kind.DL4J;
        }

        @Override
        public float[][] features(INDArray input) {
            synchronized (graph) {
                INDArray out = graph.feedForward(new INDArray[] {input}, false, true).get(vertex);
                return out.reshape(input.size(0), -1).toFloatMatrix();
            }
        }

        @Override
        public void close() {
            // the graph is the model's
        }
    }

    /** One image's map and what it answers. */
    public record Result(float[][] grid, float[] features, double[] probabilities) {}

    /** The map of each image of a network input {@code [n, 3, height, width]}, with its features and head output. */
    public Result[] map(INDArray input) {
        float[][] all = maps.features(input);
        Result[] out = new Result[all.length];
        int positions = rows * columns;
        for (int i = 0; i < all.length; i++) {
            float[] flat = all[i];
            float[][] grid = new float[rows][columns];
            double[] w = johnVersusNot.weights();
            for (int p = 0; p < positions; p++) {
                double sum = johnVersusNot.bias();
                for (int c = 0; c < channels; c++) {
                    sum += w[c] * flat[channelsFirst ? c * positions + p : p * channels + c];
                }
                grid[p / columns][p % columns] = (float) sum;
            }
            float[] features = through(linear, linearBias, average(flat, channels, positions, channelsFirst));
            out[i] = new Result(grid, features, head.probabilities(features));
        }
        return out;
    }

    @Override
    public void close() {
        maps.close();
    }
}
