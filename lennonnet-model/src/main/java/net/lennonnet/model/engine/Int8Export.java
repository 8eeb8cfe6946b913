package net.lennonnet.model.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * An exported float backbone ({@link OnnxExport}) rewritten for ONNX Runtime's int8 kernels, in ONNX's
 * quantise-dequantise form: every activation a convolution, addition or pooling reads passes through a
 * {@code QuantizeLinear} to uint8 (its scale and zero point from the range {@link #calibrate} measured on
 * photos) and a {@code DequantizeLinear}; every convolution's weights are stored as int8 with one scale per
 * output channel (symmetric, the largest magnitude at 127), its bias as int32 on the input's scale times the
 * weights'. ONNX Runtime's graph optimiser then fuses each {@code DQ -> Conv [-> Relu] -> Q} into one
 * integer convolution ({@code QLinearConv}, VNNI on CPUs that have it), additions into {@code QLinearAdd},
 * and runs max pooling on the bytes. Anything the rewrite leaves in float (the global pooling's output, a
 * dense layer) runs as it did. The numbers differ from the float model's: how much is the caller's to check
 * on real photos.
 */
public final class Int8Export {

    /** The operators whose activation inputs are quantised: the ones ONNX Runtime has integer kernels for. */
    private static final Set<String> READERS = Set.of("Conv", "Add", "MaxPool", "AveragePool", "GlobalAveragePool");

    private Int8Export() {}

    /**
     * The calibration of {@code graph}'s backbone up to {@code featureVertex} ({@link OnnxExport}) on
     * {@code inputs}; see {@link #calibrate(byte[], List)}.
     */
    public static Int8Calibration calibrate(org.deeplearning4j.nn.graph.ComputationGraph graph, String featureVertex,
            int channels, int height, int width, List<INDArray> inputs) throws OnnxExport.UnsupportedGraphException, OrtException {
        return calibrate(OnnxExport.export(graph, featureVertex, channels, height, width), inputs);
    }

    /**
     * The range of every activation the int8 model quantises, measured by running the float model on
     * {@code inputs} (each {@code [n, channels, height, width]}, as {@code ImagePipeline} makes them) one image
     * at a time, so that memory stays at one image's activations.
     */
    public static Int8Calibration calibrate(byte[] floatModel, List<INDArray> inputs) throws OrtException {
        Onnx.ModelProto model = parse(floatModel);
        List<String> tensors = new ArrayList<>(quantised(model.getGraph()));
        Onnx.GraphProto.Builder graph = model.getGraph().toBuilder();
        for (String t : tensors) {
            if (!t.equals(OnnxExport.INPUT)) {
                graph.addOutput(Onnx.ValueInfoProto.newBuilder().setName(t).setType(Onnx.TypeProto.newBuilder()
                        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        byte[] probed = model.toBuilder().setGraph(graph).build().toByteArray();
        Set<String> outputs = new HashSet<>(tensors);
        outputs.remove(OnnxExport.INPUT);
        Map<String, float[]> ranges = new HashMap<>();
        int images = 0;
        OrtEnvironment environment = OrtEngine.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setInterOpNumThreads(1);
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            try (OrtSession session = environment.createSession(probed, options)) {
                for (INDArray batch : inputs) {
                    for (long i = 0; i < batch.size(0); i++) {
                        INDArray one = batch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1))
                                .castTo(DataType.FLOAT).dup('c');
                        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, one.data().asNioFloat(), one.shape());
                                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, tensor), outputs)) {
                            for (String t : tensors) {
                                FloatBuffer values = t.equals(OnnxExport.INPUT) ? one.data().asNioFloat()
                                        : ((OnnxTensor) result.get(t).orElseThrow()).getFloatBuffer();
                                widen(ranges.computeIfAbsent(t, k -> new float[] {Float.MAX_VALUE, -Float.MAX_VALUE}), values);
                            }
                        } finally {
                            one.close();
                        }
                        images++;
                    }
                }
            }
        }
        if (images == 0) {
            throw new IllegalArgumentException("int8 calibration needs at least one image");
        }
        return new Int8Calibration(ranges, images);
    }

    private static void widen(float[] range, FloatBuffer values) {
        float lo = range[0];
        float hi = range[1];
        for (int i = values.position(); i < values.limit(); i++) {
            float v = values.get(i);
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        range[0] = lo;
        range[1] = hi;
    }

    /** The int8 model of {@code floatModel} with the activation ranges of {@code calibration}. */
    public static byte[] quantise(byte[] floatModel, Int8Calibration calibration) {
        Onnx.ModelProto model = parse(floatModel);
        Onnx.GraphProto source = model.getGraph();
        Map<String, Onnx.TensorProto> initializers = new HashMap<>();
        for (Onnx.TensorProto t : source.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        Set<String> quantised = quantised(source);
        Map<String, Activation> params = new HashMap<>();
        for (Onnx.NodeProto node : source.getNodeList()) { // in topological order: a tensor's producer comes first
            for (String in : node.getInputList()) {
                if (quantised.contains(in)) {
                    params.computeIfAbsent(in, k -> Activation.of(calibration.range(k)));
                }
            }
            // a max pool's output takes its input's scale, so that ONNX Runtime can run it on the bytes
            if (node.getOpType().equals("MaxPool") && quantised.contains(node.getOutput(0)) && params.containsKey(node.getInput(0))) {
                params.put(node.getOutput(0), params.get(node.getInput(0)));
            }
        }

        Onnx.GraphProto.Builder graph = source.toBuilder().clearNode().clearInitializer();
        Set<String> used = new HashSet<>();
        Set<String> quantisedAlready = new HashSet<>();
        int dq = 0;
        for (Onnx.NodeProto node : source.getNodeList()) {
            Onnx.NodeProto.Builder rewritten = node.toBuilder();
            if (READERS.contains(node.getOpType())) {
                int activations = node.getOpType().equals("Add") ? node.getInputCount() : 1;
                for (int i = 0; i < activations; i++) {
                    String in = node.getInput(i);
                    if (!quantised.contains(in)) {
                        continue;
                    }
                    Activation a = params.get(in);
                    if (quantisedAlready.add(in)) {
                        graph.addInitializer(scalarFloat(in + "/scale", a.scale()));
                        graph.addInitializer(scalarUint8(in + "/zero", a.zeroPoint()));
                        graph.addNode(op("QuantizeLinear", List.of(in, in + "/scale", in + "/zero"), in + "/q"));
                    }
                    String dequantised = in + "/dq" + dq++;
                    graph.addNode(op("DequantizeLinear", List.of(in + "/q", in + "/scale", in + "/zero"), dequantised));
                    rewritten.setInput(i, dequantised);
                }
                if (node.getOpType().equals("Conv") && quantised.contains(node.getInput(0))) {
                    Activation x = params.get(node.getInput(0));
                    Onnx.TensorProto weights = initializers.get(node.getInput(1));
                    if (weights == null) {
                        throw new IllegalArgumentException("convolution " + node.getName() + " has no weights initializer");
                    }
                    float[] w = floats(weights);
                    int outChannels = (int) weights.getDims(0);
                    float[] wScale = new float[outChannels];
                    byte[] wq = new byte[w.length];
                    int per = w.length / outChannels;
                    for (int c = 0; c < outChannels; c++) {
                        float largest = 0;
                        for (int k = 0; k < per; k++) {
                            largest = Math.max(largest, Math.abs(w[c * per + k]));
                        }
                        wScale[c] = largest == 0 ? 1f : largest / 127f;
                        for (int k = 0; k < per; k++) {
                            wq[c * per + k] = (byte) Math.max(-127, Math.min(127, Math.round(w[c * per + k] / wScale[c])));
                        }
                    }
                    String name = weights.getName();
                    graph.addInitializer(tensor(name + "/int8", Onnx.TensorProto.DataType.INT8_VALUE, weights.getDimsList(), wq));
                    graph.addInitializer(floatVector(name + "/scale", wScale));
                    graph.addInitializer(tensor(name + "/zero", Onnx.TensorProto.DataType.INT8_VALUE, List.of((long) outChannels),
                            new byte[outChannels]));
                    graph.addNode(op("DequantizeLinear", List.of(name + "/int8", name + "/scale", name + "/zero"), name + "/dq")
                            .addAttribute(axis0()));
                    rewritten.setInput(1, name + "/dq");
                    used.add(name);
                    if (node.getInputCount() > 2 && initializers.containsKey(node.getInput(2))) {
                        Onnx.TensorProto biasTensor = initializers.get(node.getInput(2));
                        float[] b = floats(biasTensor);
                        float[] bScale = new float[outChannels];
                        ByteBuffer bq = ByteBuffer.allocate(4 * outChannels).order(ByteOrder.LITTLE_ENDIAN);
                        for (int c = 0; c < outChannels; c++) {
                            bScale[c] = x.scale() * wScale[c];
                            bq.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round((double) b[c] / bScale[c]))));
                        }
                        String bias = biasTensor.getName();
                        graph.addInitializer(tensor(bias + "/int32", Onnx.TensorProto.DataType.INT32_VALUE, List.of((long) outChannels),
                                bq.array()));
                        graph.addInitializer(floatVector(bias + "/scale", bScale));
                        graph.addInitializer(tensor(bias + "/zero", Onnx.TensorProto.DataType.INT32_VALUE, List.of((long) outChannels),
                                new byte[4 * outChannels]));
                        graph.addNode(op("DequantizeLinear", List.of(bias + "/int32", bias + "/scale", bias + "/zero"), bias + "/dq")
                                .addAttribute(axis0()));
                        rewritten.setInput(2, bias + "/dq");
                        used.add(bias);
                    }
                }
            }
            graph.addNode(rewritten);
        }
        for (Onnx.TensorProto t : source.getInitializerList()) {
            if (!used.contains(t.getName())) {
                graph.addInitializer(t);
            }
        }
        graph.setName(source.getName() + "-int8");
        return model.toBuilder().setGraph(graph).build().toByteArray();
    }

    /** An activation's uint8 quantisation: the range widened to hold zero, 255 steps across it. */
    private record Activation(float scale, int zeroPoint) {
        static Activation of(float[] range) {
            float lo = Math.min(0f, range[0]);
            float hi = Math.max(0f, range[1]);
            float scale = hi > lo ? (hi - lo) / 255f : 1f;
            int zero = Math.max(0, Math.min(255, Math.round(-lo / scale)));
            return new Activation(scale, zero);
        }
    }

    /** The activation tensors the int8 model quantises: those a {@link #READERS} operator reads, initializers aside. */
    static Set<String> quantised(Onnx.GraphProto graph) {
        Set<String> constants = new HashSet<>();
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            constants.add(t.getName());
        }
        Set<String> tensors = new LinkedHashSet<>();
        for (Onnx.NodeProto node : graph.getNodeList()) {
            if (!READERS.contains(node.getOpType())) {
                continue;
            }
            int activations = node.getOpType().equals("Add") ? node.getInputCount() : 1;
            for (int i = 0; i < activations; i++) {
                if (!constants.contains(node.getInput(i))) {
                    tensors.add(node.getInput(i));
                }
            }
        }
        return tensors;
    }

    private static Onnx.ModelProto parse(byte[] bytes) {
        try {
            return Onnx.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    private static float[] floats(Onnx.TensorProto t) {
        if (t.getDataType() != Onnx.TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("initializer " + t.getName() + " is not float");
        }
        FloatBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] values = new float[raw.remaining()];
        raw.get(values);
        return values;
    }

    private static Onnx.NodeProto.Builder op(String type, List<String> inputs, String output) {
        return Onnx.NodeProto.newBuilder().setOpType(type).setName(output).addAllInput(inputs).addOutput(output);
    }

    private static Onnx.AttributeProto axis0() {
        return Onnx.AttributeProto.newBuilder().setName("axis").setType(Onnx.AttributeProto.AttributeType.INT).setI(0).build();
    }

    private static Onnx.TensorProto tensor(String name, int type, List<Long> dims, byte[] raw) {
        return Onnx.TensorProto.newBuilder().setName(name).setDataType(type).addAllDims(dims)
                .setRawData(ByteString.copyFrom(raw)).build();
    }

    private static Onnx.TensorProto scalarFloat(String name, float value) {
        byte[] raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
        return tensor(name, Onnx.TensorProto.DataType.FLOAT_VALUE, List.of(), raw);
    }

    private static Onnx.TensorProto scalarUint8(String name, int value) {
        return tensor(name, Onnx.TensorProto.DataType.UINT8_VALUE, List.of(), new byte[] {(byte) value});
    }

    private static Onnx.TensorProto floatVector(String name, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return tensor(name, Onnx.TensorProto.DataType.FLOAT_VALUE, List.of((long) values.length), raw.array());
    }
}
