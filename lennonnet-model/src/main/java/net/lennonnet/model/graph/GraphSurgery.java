package net.lennonnet.model.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Rewrites of a backbone graph that keep its function and change its speed: the input layout
 * (NCHW or NHWC) and, for a frozen backbone, batch normalisation folded into the convolution before
 * it. Both work on the graph's JSON configuration and copy parameters by layer name, so they serve
 * any graph (a Keras import, the DL4J zoo's) without knowing its vertex names.
 */
public final class GraphSurgery {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Configuration fields that hold a layer's 2-d data format, by layer class. */
    private static final Set<String> FORMAT_FIELDS = Set.of("cnn2dDataFormat", "cnn2DFormat", "dataFormat", "format");

    private GraphSurgery() {}

    /**
     * The layout the graph's first convolution reads. A graph without a convolution is not a CNN
     * backbone and is refused.
     */
    public static CNN2DFormat layout(ComputationGraph graph) {
        for (int index : graph.topologicalSortOrder()) {
            var vertex = graph.getConfiguration().getVertices().get(graph.getVertices()[index].getVertexName());
            if (vertex instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer conv) {
                return conv.getCnn2dDataFormat();
            }
        }
        throw new IllegalArgumentException("the graph has no convolution layer: not a CNN backbone");
    }

    /**
     * The helper DL4J attached to the graph's first convolution ({@code MKLDNNConvHelper} when the
     * oneDNN helpers are on, docs/performance.md), or empty when convolutions run on DL4J's built-in
     * im2col path. Helpers are attached lazily, so ask after a forward pass.
     */
    public static java.util.Optional<String> convolutionHelper(ComputationGraph graph) {
        for (var layer : graph.getLayers()) {
            // a transfer graph's backbone layers are wrapped as frozen: the convolution is inside
            while (layer instanceof org.deeplearning4j.nn.layers.FrozenLayer frozen) {
                layer = frozen.getInsideLayer();
            }
            while (layer instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop frozen) {
                layer = frozen.getInsideLayer();
            }
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer conv) {
                return java.util.Optional.ofNullable(conv.getHelper()).map(h -> h.getClass().getSimpleName());
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The layout the graph's input is read in: NCHW for a graph that computes in NHWC behind an
     * {@link NchwToNhwc} pre-processor, otherwise {@link #layout}.
     */
    public static CNN2DFormat inputLayout(ComputationGraph graph) {
        for (String input : graph.getConfiguration().getNetworkInputs()) {
            for (var entry : graph.getConfiguration().getVertexInputs().entrySet()) {
                if (entry.getValue().contains(input) && graph.getConfiguration().getVertices().get(entry.getKey())
                        instanceof LayerVertex lv && lv.getPreProcessor() instanceof NchwToNhwc) {
                    return CNN2DFormat.NCHW;
                }
            }
        }
        return layout(graph);
    }

    /**
     * The fastest form of a frozen backbone measured on this project's CPUs (docs/performance.md):
     * batch normalisation folded into the convolutions, computing in NHWC, and reading NCHW (the
     * layout every Lennonnet input path produces) through an {@link NchwToNhwc} pre-processor, whatever
     * layout the given graph read. Same outputs to float rounding, given the input in NCHW.
     */
    public static ComputationGraph forFrozenInference(ComputationGraph graph) {
        ComputationGraph nhwc = withLayout(foldBatchNorm(graph), CNN2DFormat.NHWC);
        return inputLayout(nhwc) == CNN2DFormat.NCHW ? nhwc : readingNchw(nhwc);
    }

    /** An NHWC graph that reads NCHW input: every vertex fed by the network input gets an {@link NchwToNhwc}. */
    public static ComputationGraph readingNchw(ComputationGraph graph) {
        if (layout(graph) != CNN2DFormat.NHWC) {
            throw new IllegalArgumentException("the graph computes in " + layout(graph) + ", not NHWC");
        }
        ObjectNode conf = tree(graph);
        ObjectNode vertices = (ObjectNode) conf.get("vertices");
        ObjectNode inputs = (ObjectNode) conf.get("vertexInputs");
        for (JsonNode input : conf.get("networkInputs")) {
            for (String consumer : consumers(inputs, input.asText())) {
                ObjectNode vertex = (ObjectNode) vertices.get(consumer);
                if (!vertex.path("preProcessor").isNull() && !vertex.path("preProcessor").isMissingNode()) {
                    throw new IllegalArgumentException("input vertex " + consumer + " already has a pre-processor");
                }
                vertex.set("preProcessor", JSON.createObjectNode().put("@class", NchwToNhwc.class.getName()));
            }
        }
        ComputationGraph converted = build(conf);
        converted.init(graph.params().dup(), false);
        return converted;
    }

    /**
     * The same graph, reading and computing in {@code format}; parameters are shared by value (DL4J
     * stores convolution weights as [out, in, kh, kw] in either layout). Returns {@code graph} itself
     * when it already has that layout.
     */
    public static ComputationGraph withLayout(ComputationGraph graph, CNN2DFormat format) {
        CNN2DFormat from = layout(graph);
        if (from == format) {
            return graph;
        }
        ObjectNode conf = tree(graph);
        convertFormats(conf, from.name(), format.name());
        ComputationGraph converted = build(conf);
        converted.init(graph.params().dup(), false);
        return converted;
    }

    private static void convertFormats(JsonNode node, String from, String to) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<String> toSwap = new ArrayList<>();
            while (fields.hasNext()) {
                var field = fields.next();
                if (FORMAT_FIELDS.contains(field.getKey()) && from.equals(field.getValue().asText(null))) {
                    toSwap.add(field.getKey());
                } else {
                    convertFormats(field.getValue(), from, to);
                }
            }
            toSwap.forEach(key -> object.set(key, TextNode.valueOf(to)));
            // A global pooling layer names the spatial dimensions it reduces: [2, 3] in NCHW, [1, 2] in NHWC.
            if (object.path("@class").asText().endsWith(".GlobalPoolingLayer") && object.get("poolingDimensions") instanceof ArrayNode dims
                    && dims.size() == 2) {
                dims.removeAll();
                if (to.equals("NCHW")) {
                    dims.add(2).add(3);
                } else {
                    dims.add(1).add(2);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> convertFormats(child, from, to));
        }
    }

    /**
     * The graph with every batch normalisation that directly follows a convolution (and is its only
     * consumer) folded into that convolution's weights and bias, and every ReLU-like activation layer
     * that then directly follows a convolution merged into it. In inference the output is the same to
     * float rounding; it is faster because every removed layer was a full pass over its activations.
     * Only for frozen use: a folded graph no longer has batch statistics to train.
     */
    public static ComputationGraph foldBatchNorm(ComputationGraph graph) {
        ObjectNode conf = tree(graph);
        ObjectNode vertices = (ObjectNode) conf.get("vertices");
        ObjectNode inputs = (ObjectNode) conf.get("vertexInputs");
        Map<String, String> foldedInto = new HashMap<>(); // conv -> bn
        for (String name : names(vertices)) {
            JsonNode layer = vertices.get(name).path("layerConf").path("layer");
            if (!layer.path("@class").asText().endsWith(".BatchNormalization")) {
                continue;
            }
            String conv = singleInput(inputs, name);
            if (conv == null || !isClass(vertices, conv, ".ConvolutionLayer") || consumers(inputs, conv).size() != 1
                    || graph.getLayer(name).conf().getLayer() instanceof BatchNormalization bn && bn.isLockGammaBeta()) {
                continue;
            }
            ((ObjectNode) vertices.get(conv).path("layerConf").path("layer")).put("hasBias", true);
            bypass(conf, name, conv);
            foldedInto.put(conv, name);
        }
        Map<String, String> mergedActivation = new HashMap<>();
        for (String name : names(vertices)) {
            JsonNode layer = vertices.get(name).path("layerConf").path("layer");
            if (!layer.path("@class").asText().endsWith(".ActivationLayer")) {
                continue;
            }
            String conv = singleInput(inputs, name);
            if (conv == null || !isClass(vertices, conv, ".ConvolutionLayer") || consumers(inputs, conv).size() != 1
                    || !vertices.get(conv).path("layerConf").path("layer").path("activationFn").path("@class").asText()
                            .endsWith(".ActivationIdentity")) {
                continue;
            }
            ((ObjectNode) vertices.get(conv).path("layerConf").path("layer")).set("activationFn", layer.get("activationFn").deepCopy());
            bypass(conf, name, conv);
            mergedActivation.put(name, conv);
        }
        ComputationGraph folded = build(conf);
        folded.init();
        for (var layer : folded.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            String bn = foldedInto.get(name);
            if (bn == null) {
                for (var entry : layer.paramTable().entrySet()) {
                    entry.getValue().assign(graph.getLayer(name).getParam(entry.getKey()));
                }
                continue;
            }
            INDArray w = graph.getLayer(name).getParam("W");
            INDArray b = graph.getLayer(name).getParam("b");
            var bnLayer = graph.getLayer(bn);
            BatchNormalization bnConf = (BatchNormalization) bnLayer.conf().getLayer();
            INDArray mean = bnLayer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(-1);
            INDArray std = bnConf.isUseLogStd()
                    ? Transforms.pow(Nd4j.valueArrayOf(mean.shape(), 10.0, mean.dataType()),
                            bnLayer.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).reshape(-1), false)
                    : Transforms.sqrt(bnLayer.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).reshape(-1)
                            .add(bnConf.getEps()), false);
            INDArray scale = bnLayer.getParam(BatchNormalizationParamInitializer.GAMMA).reshape(-1).div(std);
            INDArray shift = bnLayer.getParam(BatchNormalizationParamInitializer.BETA).reshape(-1)
                    .sub(mean.mul(scale));
            INDArray foldedW = w.mul(scale.reshape(scale.length(), 1, 1, 1));
            INDArray bias = b == null ? Nd4j.zeros(mean.dataType(), mean.length()) : b.reshape(-1);
            INDArray foldedB = bias.mul(scale).addi(shift);
            layer.getParam("W").assign(foldedW);
            layer.getParam("b").assign(foldedB.reshape(layer.getParam("b").shape()));
        }
        return folded;
    }

    /** Removes {@code vertex}, whose single input is {@code replacement}, and rewires its consumers to it. */
    private static void bypass(ObjectNode conf, String vertex, String replacement) {
        ((ObjectNode) conf.get("vertices")).remove(vertex);
        ObjectNode inputs = (ObjectNode) conf.get("vertexInputs");
        inputs.remove(vertex);
        for (JsonNode list : inputs) {
            ArrayNode array = (ArrayNode) list;
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).asText().equals(vertex)) {
                    array.set(i, TextNode.valueOf(replacement));
                }
            }
        }
        ArrayNode outputs = (ArrayNode) conf.get("networkOutputs");
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i).asText().equals(vertex)) {
                outputs.set(i, TextNode.valueOf(replacement));
            }
        }
    }

    private static List<String> names(ObjectNode vertices) {
        List<String> names = new ArrayList<>();
        vertices.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static boolean isClass(ObjectNode vertices, String name, String suffix) {
        return vertices.has(name) && vertices.get(name).path("layerConf").path("layer").path("@class").asText().endsWith(suffix);
    }

    private static String singleInput(ObjectNode inputs, String vertex) {
        JsonNode list = inputs.get(vertex);
        return list != null && list.size() == 1 ? list.get(0).asText() : null;
    }

    private static List<String> consumers(ObjectNode inputs, String vertex) {
        List<String> out = new ArrayList<>();
        inputs.fields().forEachRemaining(e -> e.getValue().forEach(n -> {
            if (n.asText().equals(vertex)) {
                out.add(e.getKey());
            }
        }));
        return out;
    }

    /**
     * The configuration as a JSON tree. Taken from an initialised graph on purpose: DL4J decides
     * whether a batch-norm layer stores a variance or a log standard deviation from the parameter
     * names the JSON lists, which only an initialised graph's configuration carries.
     */
    private static ObjectNode tree(ComputationGraph graph) {
        try {
            return (ObjectNode) JSON.readTree(graph.getConfiguration().toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("DL4J wrote a graph configuration that is not JSON", e);
        }
    }

    private static ComputationGraph build(ObjectNode conf) {
        // An initialised graph caches its topological order in the configuration; it is recomputed.
        conf.putNull("topologicalOrder");
        conf.putNull("topologicalOrderStr");
        return new ComputationGraph(ComputationGraphConfiguration.fromJson(conf.toString()));
    }

    /** The layer a frozen wrapper ({@code FrozenLayer}, {@code FrozenLayerWithBackprop}, nested) holds; the layer itself otherwise. */
    public static org.deeplearning4j.nn.conf.layers.Layer unfrozen(org.deeplearning4j.nn.conf.layers.Layer layer) {
        while (true) {
            if (layer instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayer frozen) {
                layer = frozen.getLayer();
            } else if (layer instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop frozen) {
                layer = frozen.getUnderlying();
            } else {
                return layer;
            }
        }
    }
}
