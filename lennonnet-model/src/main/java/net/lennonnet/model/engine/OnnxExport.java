package net.lennonnet.model.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * A frozen DL4J backbone as an ONNX model, in memory: the graph from its input to one vertex (the
 * head's feature vertex), so that ONNX Runtime can run the expensive part while DL4J keeps the rest.
 *
 * <p>The walk reads the graph's configuration in topological order and writes one ONNX node (or a
 * few) per vertex, with the parameters copied as they are. It knows the layers Lennonnet's backbones
 * are made of: convolution (any padding mode, bias, ReLU or no activation), batch normalisation in
 * inference form, max and average pooling, zero padding, ReLU, element-wise addition, global pooling
 * and dense layers, each also when frozen. The ONNX graph is channels-first whatever layout DL4J
 * computes in (DL4J keeps convolution weights as [out, in, kh, kw] in both), and takes the
 * {@code [n, 3, h, w]} input {@code ImagePipeline} makes. Anything else is refused with the vertex's
 * name, and the caller answers with DL4J instead.
 */
public final class OnnxExport {

    /** The ONNX operator set written: 13, which every ONNX Runtime since 1.6 reads. */
    public static final int OPSET = 13;
    /** The model's input and output names. */
    public static final String INPUT = "input";
    public static final String OUTPUT = "features";

    private OnnxExport() {}

    /** A graph that cannot be exported, with the reason. */
    public static final class UnsupportedGraphException extends Exception {
        UnsupportedGraphException(String message) {
            super(message);
        }
    }

    /**
     * The ONNX model bytes of {@code graph} from its one input to {@code outputVertex}, whose activations
     * become a {@code [n, features]} output (flattened when they are not already two-dimensional).
     *
     * @param channels the input's channels; {@code height} and {@code width} its size, fixed in the model
     */
    public static byte[] export(ComputationGraph graph, String outputVertex, int channels, int height, int width)
            throws UnsupportedGraphException {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1) {
            throw new UnsupportedGraphException("the graph has " + conf.getNetworkInputs().size() + " inputs, not one");
        }
        String graphInput = conf.getNetworkInputs().get(0);
        Set<String> needed = ancestors(conf, outputVertex);
        Writer w = new Writer();
        for (String name : needed) {
            for (String in : conf.getVertexInputs().getOrDefault(name, List.of())) {
                w.consumers.merge(in, 1, Integer::sum);
            }
        }
        w.consumers.merge(outputVertex, 1, Integer::sum); // the output is read too
        for (int index : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[index].getVertexName();
            if (!needed.contains(name) || name.equals(graphInput)) {
                continue;
            }
            List<String> inputs = new ArrayList<>();
            for (String in : conf.getVertexInputs().get(name)) {
                inputs.add(in.equals(graphInput) ? INPUT : in);
            }
            w.vertex(graph, name, conf.getVertices().get(name), inputs);
        }
        String last = outputVertex;
        if (!w.flat.contains(outputVertex)) {
            w.node("Flatten", List.of(outputVertex), outputVertex + "/flat", attr("axis", 1));
            last = outputVertex + "/flat";
        }
        w.graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Identity").setName(OUTPUT).addInput(last).addOutput(OUTPUT));
        w.graph.setName("lennonnet-backbone")
                .addInput(valueInfo(INPUT, List.of(-1L, (long) channels, (long) height, (long) width)))
                .addOutput(valueInfo(OUTPUT, List.of(-1L, -1L)));
        return Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName("lennonnet")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(w.graph).build().toByteArray();
    }

    /** The vertices {@code output} depends on, itself included. */
    private static Set<String> ancestors(ComputationGraphConfiguration conf, String output) throws UnsupportedGraphException {
        if (!conf.getVertices().containsKey(output)) {
            throw new UnsupportedGraphException("the graph has no vertex " + output);
        }
        Set<String> seen = new HashSet<>();
        List<String> stack = new ArrayList<>(List.of(output));
        while (!stack.isEmpty()) {
            String at = stack.remove(stack.size() - 1);
            if (seen.add(at) && conf.getVertexInputs().containsKey(at)) {
                stack.addAll(conf.getVertexInputs().get(at));
            }
        }
        return seen;
    }

    /** Builds the ONNX graph vertex by vertex. */
    private static final class Writer {
        final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
        /** Vertices whose output is already [n, features]. */
        final Set<String> flat = new HashSet<>();
        /** How many vertices read each vertex. */
        final java.util.Map<String, Integer> consumers = new java.util.HashMap<>();
        /** Vertices whose output is never negative (after a ReLU). */
        final Set<String> nonNegative = new HashSet<>();
        /**
         * Zero paddings left out of the ONNX graph because their one reader pads itself: padding name to its
         * input and its [top, bottom, left, right].
         */
        final java.util.Map<String, java.util.Map.Entry<String, int[]>> folded = new java.util.HashMap<>();

        /**
         * The input a convolution or max pool reads, and the zero padding it takes over from a folded
         * {@code ZeroPaddingLayer} before it ([top, left, bottom, right] to add to its own).
         */
        java.util.Map.Entry<String, int[]> padded(String in) {
            var pad = folded.get(in);
            if (pad == null) {
                return java.util.Map.entry(in, new int[4]);
            }
            int[] p = pad.getValue();
            return java.util.Map.entry(pad.getKey(), new int[] {p[0], p[2], p[1], p[3]});
        }

        void vertex(ComputationGraph g, String name, GraphVertex vertex, List<String> inputs) throws UnsupportedGraphException {
            while (vertex instanceof FrozenVertex frozen) {
                vertex = frozen.getUnderlying();
            }
            if (vertex instanceof ElementWiseVertex add) {
                if (add.getOp() != ElementWiseVertex.Op.Add || inputs.size() < 2) {
                    throw new UnsupportedGraphException("vertex " + name + ": element-wise " + add.getOp() + " is not exported");
                }
                String sum = inputs.get(0);
                for (int i = 1; i < inputs.size(); i++) {
                    String out = i == inputs.size() - 1 ? name : name + "/sum" + i;
                    node("Add", List.of(sum, inputs.get(i)), out);
                    sum = out;
                }
                if (inputs.stream().allMatch(flat::contains)) {
                    flat.add(name);
                }
                return;
            }
            if (!(vertex instanceof LayerVertex lv)) {
                throw new UnsupportedGraphException("vertex " + name + " (" + vertex.getClass().getSimpleName() + ") is not exported");
            }
            InputPreProcessor pre = lv.getPreProcessor();
            if (pre != null && !pre.getClass().getSimpleName().equals("NchwToNhwc")) {
                // the only pre-processor a Lennonnet backbone has turns the input's layout, which ONNX does not need
                throw new UnsupportedGraphException("vertex " + name + " has a " + pre.getClass().getSimpleName()
                        + " pre-processor");
            }
            if (inputs.size() != 1) {
                throw new UnsupportedGraphException("layer " + name + " has " + inputs.size() + " inputs");
            }
            layer(g, name, net.lennonnet.model.graph.GraphSurgery.unfrozen(lv.getLayerConf().getLayer()), inputs.get(0));
        }

        void layer(ComputationGraph g, String name, Layer layer, String in) throws UnsupportedGraphException {
            if (layer instanceof ConvolutionLayer conv && conv.getClass() == ConvolutionLayer.class) {
                var padded = padded(in);
                INDArray weights = g.getLayer(name).getParam("W");
                List<String> inputs = new ArrayList<>(List.of(padded.getKey(), initializer(name + "/W", weights, weights.shape())));
                if (conv.hasBias()) {
                    INDArray bias = g.getLayer(name).getParam("b");
                    inputs.add(initializer(name + "/b", bias, new long[] {bias.length()}));
                }
                List<Onnx.AttributeProto> attributes = new ArrayList<>(List.of(attr("kernel_shape", conv.getKernelSize()),
                        attr("strides", conv.getStride()), attr("dilations", conv.getDilation())));
                attributes.addAll(padding(name, conv.getConvolutionMode(), conv.getPadding(), padded.getValue()));
                String conved = activated(conv.getActivationFn(), name) ? name + "/conv" : name;
                node("Conv", inputs, conved, attributes.toArray(Onnx.AttributeProto[]::new));
                activation(conv.getActivationFn(), conved, name);
                if (activated(conv.getActivationFn(), name)) {
                    nonNegative.add(name);
                }
            } else if (layer instanceof SubsamplingLayer pool && pool.getClass() == SubsamplingLayer.class) {
                boolean max = pool.getPoolingType() == PoolingType.MAX;
                boolean avg = pool.getPoolingType() == PoolingType.AVG;
                if (!max && !avg) {
                    throw new UnsupportedGraphException("layer " + name + ": " + pool.getPoolingType() + " pooling is not exported");
                }
                if (avg && (pool.getConvolutionMode() == ConvolutionMode.Same || pool.getPadding()[0] != 0 || pool.getPadding()[1] != 0)) {
                    throw new UnsupportedGraphException("layer " + name + ": padded average pooling is not exported");
                }
                if (pool.getDilation()[0] != 1 || pool.getDilation()[1] != 1) {
                    throw new UnsupportedGraphException("layer " + name + ": dilated pooling is not exported");
                }
                var padded = max ? padded(in) : java.util.Map.entry(in, new int[4]);
                List<Onnx.AttributeProto> attributes = new ArrayList<>(List.of(attr("kernel_shape", pool.getKernelSize()),
                        attr("strides", pool.getStride())));
                attributes.addAll(padding(name, pool.getConvolutionMode(), pool.getPadding(), padded.getValue()));
                node(max ? "MaxPool" : "AveragePool", List.of(padded.getKey()), name, attributes.toArray(Onnx.AttributeProto[]::new));
                if (max && nonNegative.contains(padded.getKey())) {
                    nonNegative.add(name);
                }
            } else if (layer instanceof ZeroPaddingLayer pad) {
                int[] p = pad.getPadding(); // top, bottom, left, right
                if (foldable(g, name, in)) {
                    // the one reader pads itself: a convolution with zeros, exactly; a max pool with -infinity,
                    // which equals zeros on a ReLU's output, where nothing is below zero
                    folded.put(name, java.util.Map.entry(in, p.clone()));
                    return;
                }
                String pads = initializerLongs(name + "/pads", new long[] {0, 0, p[0], p[2], 0, 0, p[1], p[3]});
                node("Pad", List.of(in, pads), name);
                if (nonNegative.contains(in)) {
                    nonNegative.add(name);
                }
            } else if (layer instanceof ActivationLayer act) {
                if (!activated(act.getActivationFn(), name)) {
                    node("Identity", List.of(in), name);
                    if (nonNegative.contains(in)) {
                        nonNegative.add(name);
                    }
                } else {
                    activation(act.getActivationFn(), in, name);
                    nonNegative.add(name);
                }
                if (flat.contains(in)) {
                    flat.add(name);
                }
            } else if (layer instanceof BatchNormalization bn && bn.getClass() == BatchNormalization.class) {
                batchNorm(g, name, bn, in);
            } else if (layer instanceof GlobalPoolingLayer gp) {
                if (gp.getPoolingType() != PoolingType.AVG && gp.getPoolingType() != PoolingType.MAX) {
                    throw new UnsupportedGraphException("layer " + name + ": global " + gp.getPoolingType() + " pooling is not exported");
                }
                if (!gp.isCollapseDimensions()) {
                    throw new UnsupportedGraphException("layer " + name + ": global pooling that keeps its dimensions is not exported");
                }
                node(gp.getPoolingType() == PoolingType.AVG ? "GlobalAveragePool" : "GlobalMaxPool", List.of(in), name + "/pooled");
                node("Flatten", List.of(name + "/pooled"), name, attr("axis", 1));
                flat.add(name);
            } else if (layer instanceof DenseLayer dense && dense.getClass() == DenseLayer.class) {
                if (!flat.contains(in)) {
                    throw new UnsupportedGraphException("layer " + name + ": a dense layer on a non-flat input is not exported");
                }
                INDArray weights = g.getLayer(name).getParam("W");
                String product = activated(dense.getActivationFn(), name) ? name + "/linear" : name;
                if (dense.hasBias()) {
                    INDArray bias = g.getLayer(name).getParam("b");
                    node("Gemm", List.of(in, initializer(name + "/W", weights, weights.shape()),
                            initializer(name + "/b", bias, new long[] {bias.length()})), product);
                } else {
                    node("MatMul", List.of(in, initializer(name + "/W", weights, weights.shape())), product);
                }
                activation(dense.getActivationFn(), product, name);
                flat.add(name);
            } else {
                throw new UnsupportedGraphException("layer " + name + " (" + layer.getClass().getSimpleName() + ") is not exported");
            }
        }

        /** ONNX's BatchNormalization in inference form, from DL4J's running statistics. */
        void batchNorm(ComputationGraph g, String name, BatchNormalization bn, String in) throws UnsupportedGraphException {
            var params = g.getLayer(name).paramTable();
            INDArray mean = params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            long n = mean.length();
            INDArray gamma = bn.isLockGammaBeta() ? mean.ulike().assign(bn.getGamma()) : params.get(BatchNormalizationParamInitializer.GAMMA);
            INDArray beta = bn.isLockGammaBeta() ? mean.ulike().assign(bn.getBeta()) : params.get(BatchNormalizationParamInitializer.BETA);
            INDArray variance;
            if (bn.isUseLogStd()) {
                // DL4J divides by 10^log10std; ONNX by sqrt(var + eps): the same with var = std^2 - eps
                double[] log10Std = params.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).castTo(DataType.DOUBLE)
                        .dup().data().asDouble();
                double[] v = new double[log10Std.length];
                for (int i = 0; i < v.length; i++) {
                    double std = Math.pow(10, log10Std[i]);
                    v[i] = std * std - bn.getEps();
                }
                variance = org.nd4j.linalg.factory.Nd4j.createFromArray(v);
            } else {
                variance = params.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
            }
            long[] shape = {n};
            node("BatchNormalization", List.of(in, initializer(name + "/gamma", gamma, shape),
                    initializer(name + "/beta", beta, shape), initializer(name + "/mean", mean, shape),
                    initializer(name + "/var", variance, shape)), name, attrFloat("epsilon", (float) bn.getEps()));
        }

        /** Whether the activation needs a node; an error for one that is not exported. */
        boolean activated(IActivation fn, String name) throws UnsupportedGraphException {
            if (fn == null || fn instanceof ActivationIdentity) {
                return false;
            }
            if (fn instanceof ActivationReLU relu && relu.getMax() == null && zero(relu.getThreshold())
                    && zero(relu.getNegativeSlope())) {
                return true;
            }
            throw new UnsupportedGraphException("layer " + name + ": activation " + fn + " is not exported");
        }

        private static boolean zero(Double value) {
            return value == null || value == 0.0;
        }

        void activation(IActivation fn, String in, String out) throws UnsupportedGraphException {
            if (activated(fn, out)) {
                node("Relu", List.of(in), out);
            }
        }

        /** Whether a zero padding can be left to its reader: one reader, a convolution or (after a ReLU) a max pool, padding explicitly. */
        boolean foldable(ComputationGraph g, String name, String in) {
            if (consumers.getOrDefault(name, 0) != 1) {
                return false;
            }
            for (var entry : g.getConfiguration().getVertexInputs().entrySet()) {
                if (!entry.getValue().contains(name)) {
                    continue;
                }
                if (!(g.getConfiguration().getVertices().get(entry.getKey()) instanceof LayerVertex lv)
                        || lv.getPreProcessor() != null) {
                    return false;
                }
                Layer reader = net.lennonnet.model.graph.GraphSurgery.unfrozen(lv.getLayerConf().getLayer());
                if (reader instanceof ConvolutionLayer conv && conv.getClass() == ConvolutionLayer.class) {
                    return conv.getConvolutionMode() != ConvolutionMode.Same;
                }
                if (reader instanceof SubsamplingLayer pool && pool.getClass() == SubsamplingLayer.class) {
                    return pool.getPoolingType() == PoolingType.MAX && pool.getConvolutionMode() != ConvolutionMode.Same
                            && nonNegative.contains(in);
                }
                return false;
            }
            return false;
        }

        List<Onnx.AttributeProto> padding(String name, ConvolutionMode mode, int[] pad, int[] extra)
                throws UnsupportedGraphException {
            if (mode == ConvolutionMode.Same) {
                if (extra[0] + extra[1] + extra[2] + extra[3] != 0) {
                    throw new UnsupportedGraphException("layer " + name + ": zero padding before a same-mode layer");
                }
                // DL4J puts the odd pixel of "same" padding at the bottom and right, as SAME_UPPER does
                return List.of(Onnx.AttributeProto.newBuilder().setName("auto_pad")
                        .setType(Onnx.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("SAME_UPPER")).build());
            }
            if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Strict) {
                throw new UnsupportedGraphException("layer " + name + ": convolution mode " + mode + " is not exported");
            }
            return List.of(attr("pads", new int[] {pad[0] + extra[0], pad[1] + extra[1], pad[0] + extra[2], pad[1] + extra[3]}));
        }

        void node(String op, List<String> inputs, String output, Onnx.AttributeProto... attributes) {
            graph.addNode(Onnx.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output)
                    .addAllAttribute(List.of(attributes)));
        }

        String initializer(String name, INDArray values, long[] shape) {
            float[] floats = values.castTo(DataType.FLOAT).dup('c').data().asFloat();
            ByteBuffer bytes = ByteBuffer.allocate(4 * floats.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(floats);
            Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                    .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bytes.array()));
            for (long d : shape) {
                t.addDims(d);
            }
            graph.addInitializer(t);
            return name;
        }

        String initializerLongs(String name, long[] values) {
            ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asLongBuffer().put(values);
            graph.addInitializer(Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.INT64_VALUE)
                    .addDims(values.length).setRawData(ByteString.copyFrom(bytes.array())));
            return name;
        }
    }

    private static Onnx.AttributeProto attr(String name, int[] values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (int v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static Onnx.AttributeProto attr(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static Onnx.AttributeProto attrFloat(String name, float value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static Onnx.ValueInfoProto valueInfo(String name, List<Long> dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("n")
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
