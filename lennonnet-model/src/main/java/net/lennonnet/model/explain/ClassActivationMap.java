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
 * Class activation mapping, exact for a softmax head on average-pooled convolution maps (ResNet-50's):
 * the head's john-minus-not_john weights dotted with the last convolution's maps at each position give a
 * grid whose mean, plus the head's constant, is the answer's log-odds. One forward pass to the maps (on
 * the model's engine kind) gives both the grid and the features (the maps' averages), so explaining costs
 * about what answering does.
 */
public final class ClassActivationMap implements AutoCloseable {

    /** The backbone up to the maps: one row of flattened maps per image. */
    private final Engine maps;
    private final SoftmaxHead head;
    private final SoftmaxHead.Linear johnVersusNot;
    private final int channels;
    private final int rows;
    private final int columns;
    private final boolean channelsFirst;

    private ClassActivationMap(Engine maps, SoftmaxHead head, int channels, int rows, int columns, boolean channelsFirst) {
        this.maps = maps;
        this.head = head;
        this.johnVersusNot = head.difference(Labels.ALL.indexOf(Labels.JOHN), Labels.ALL.indexOf(Labels.NOT_JOHN));
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

    /** The vertex whose maps the head's features average, when they are such an average. */
    static Optional<String> mapsVertex(ComputationGraph graph, String featureVertex) {
        var conf = graph.getConfiguration();
        String at = featureVertex;
        for (int step = 0; step < 8; step++) {
            if (!(conf.getVertices().get(at) instanceof LayerVertex lv) || conf.getVertexInputs().get(at).size() != 1) {
                return Optional.empty();
            }
            String input = conf.getVertexInputs().get(at).get(0);
            var layer = GraphSurgery.unfrozen(lv.getLayerConf().getLayer());
            if (layer instanceof GlobalPoolingLayer pool) {
                return pool.getPoolingType() == PoolingType.AVG ? Optional.of(input) : Optional.empty();
            }
            if (!(layer instanceof ActivationLayer a && a.getActivationFn() instanceof ActivationIdentity)) {
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
        String vertex = mapsVertex(graph, head.featureVertex()).orElseThrow();
        SoftmaxHead softmax = SoftmaxHead.of(graph, head.outputVertex()).orElseThrow();
        Engine maps = engine == Engine.Kind.ONNXRUNTIME
                ? Engines.open(Engine.Choice.ONNXRUNTIME, graph, vertex, 3, height, width, threads)
                : new Dl4jMaps(graph, vertex);
        try {
            INDArray probe = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, height, width).muli(255)
                    .subi(120);
            float[] flat = maps.features(probe)[0];
            float[] expected = features.apply(probe)[0];
            int channels = expected.length;
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
                if (close(average(flat, channels, positions, first), expected)) {
                    probe.close();
                    return new ClassActivationMap(maps, softmax, channels, rows, columns, first);
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
     * DL4J's forward pass to the maps vertex. Not {@code ComputationGraph.output} on that vertex, which in M2.1
     * leaves its activation workspace open for a vertex other layers read ({@code ND4JWorkspaceException}): a
     * detached feed-forward up to it.
     */
    private static final class Dl4jMaps implements Engine {
        private final ComputationGraph graph;
        private final String vertex;
        private final int index;

        Dl4jMaps(ComputationGraph graph, String vertex) {
            this.graph = graph;
            this.vertex = vertex;
            this.index = graph.getVertex(vertex).getVertexIndex();
        }

        @Override
        public Kind kind() {
            return Kind.DL4J;
        }

        @Override
        public float[][] features(INDArray input) {
            synchronized (graph) {
                INDArray out = graph.feedForward(new INDArray[] {input}, index, false).get(vertex);
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
            float[] features = average(flat, channels, positions, channelsFirst);
            out[i] = new Result(grid, features, head.probabilities(features));
        }
        return out;
    }

    @Override
    public void close() {
        maps.close();
    }
}
