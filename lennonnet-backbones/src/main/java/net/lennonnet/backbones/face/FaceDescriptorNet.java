package net.lennonnet.backbones.face;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import net.lennonnet.backbones.npm.PackageFiles;
import net.lennonnet.backbones.tfjs.TfjsWeights;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * dlib's ResNet face descriptor (public domain; 128 numbers per face, 99.38% on LFW) as a DL4J graph,
 * with the weights of its TF.js port in npm {@code @vladmandic/face-api@1.7.15} ({@code
 * model/face_recognition_model.bin} and its manifest: most tensors uint8 with a per-tensor minimum and
 * scale, a few float32).
 *
 * <p>The network reads a 150 x 150 RGB face chip ({@link FaceAlign}), {@code (x - [122.782, 117.001,
 * 104.298]) / 256}, channels first here: a 7 x 7 stride-2 convolution, a 3 x 3 stride-2 max pool, residual
 * blocks at 32 (three), 64 (one down, three), 128 (one down, two), 256 (one down, two, one down), the
 * mean over the remaining 2 x 2 positions, and {@code fc} (256 to 128, no bias). Every convolution has a
 * bias and a per-channel scale and shift, folded here into its weights and bias. A down block's
 * shortcut is a 2 x 2 average pool, zero-padded to the block's channel count (a fixed 1 x 1 convolution
 * here, identity then zeros); where its stride-2 branch comes out one position smaller than the pool,
 * the branch is padded with zeros at its bottom and right, as face-api does. The graph ends in an
 * identity output layer after {@code fc} ({@link #PASS_THROUGH}), so its output is the descriptor.
 */
public final class FaceDescriptorNet {

    public static final int INPUT = FaceAlign.CHIP;
    public static final int FEATURES = 128;
    /** The descriptor's vertex: the feature vertex a two-class head is put on. */
    public static final String OUTPUT = "fc";
    /**
     * The graph's output: the descriptor passed on unchanged (identity weights), so that the graph has
     * the output layer {@link TransferGraph} replaces, with {@link #OUTPUT} as its feature vertex.
     */
    public static final String PASS_THROUGH = "descriptor";

    public static final String MANIFEST = "face_recognition_model-weights_manifest.json";
    public static final String WEIGHTS = "face_recognition_model.bin";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaceDescriptorNet() {}

    /** The network's blocks in order: name, input channels, output channels, down (stride 2). */
    private record Block(String name, int in, int out, boolean down) {}

    private static final Block[] BLOCKS = {
        new Block("conv32_1", 32, 32, false), new Block("conv32_2", 32, 32, false), new Block("conv32_3", 32, 32, false),
        new Block("conv64_down", 32, 64, true), new Block("conv64_1", 64, 64, false),
        new Block("conv64_2", 64, 64, false), new Block("conv64_3", 64, 64, false),
        new Block("conv128_down", 64, 128, true), new Block("conv128_1", 128, 128, false),
        new Block("conv128_2", 128, 128, false),
        new Block("conv256_down", 128, 256, true), new Block("conv256_1", 256, 256, false),
        new Block("conv256_2", 256, 256, false), new Block("conv256_down_out", 256, 256, true)};

    /** The graph, with random weights: {@link #fromPackage} sets the real ones. */
    public static ComputationGraph graph() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("chip")
                .setInputTypes(InputType.convolutional(INPUT, INPUT, 3));
        g.addLayer("conv32_down", conv(3, 32, 7, 2, ConvolutionMode.Truncate, Activation.RELU), "chip");
        g.addLayer("pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).build(), "conv32_down");
        String x = "pool";
        int side = (((INPUT - 7) / 2 + 1) - 3) / 2 + 1; // 35
        for (Block b : BLOCKS) {
            String c1 = layer(b.name(), "conv1");
            String c2 = layer(b.name(), "conv2");
            g.addLayer(c1, conv(b.in(), b.out(), 3, b.down() ? 2 : 1,
                    b.down() ? ConvolutionMode.Truncate : ConvolutionMode.Same, Activation.RELU), x);
            g.addLayer(c2, conv(b.out(), b.out(), 3, 1, ConvolutionMode.Same, Activation.IDENTITY), c1);
            String branch = c2;
            String shortcut = x;
            if (b.down()) {
                int convSide = (side - 3) / 2 + 1;
                int poolSide = side / 2;
                if (convSide < poolSide) {
                    branch = b.name() + "_pad";
                    g.addLayer(branch, new ZeroPaddingLayer.Builder(0, poolSide - convSide, 0, poolSide - convSide)
                            .build(), c2);
                }
                shortcut = b.name() + "_pool";
                g.addLayer(shortcut, new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).build(), x);
                if (b.out() != b.in()) {
                    String widened = b.name() + "_widen";
                    g.addLayer(widened, new ConvolutionLayer.Builder(1, 1).nIn(b.in()).nOut(b.out()).hasBias(false)
                            .activation(Activation.IDENTITY).build(), shortcut);
                    shortcut = widened;
                }
                side = poolSide;
            }
            g.addVertex(b.name() + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), branch, shortcut);
            g.addLayer(b.name() + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                    b.name() + "_add");
            x = b.name() + "_relu";
        }
        g.addLayer("mean", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        g.addLayer(OUTPUT, new DenseLayer.Builder().nIn(256).nOut(FEATURES).hasBias(false)
                .activation(Activation.IDENTITY).build(), "mean");
        g.addLayer(PASS_THROUGH, new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(FEATURES).nOut(FEATURES)
                .activation(Activation.IDENTITY).build(), OUTPUT);
        g.setOutputs(PASS_THROUGH);
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        return graph;
    }

    private static ConvolutionLayer conv(int in, int out, int kernel, int stride, ConvolutionMode mode, Activation a) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nIn(in).nOut(out)
                .convolutionMode(mode).activation(a).build();
    }

    /** A conv's layer name from its manifest prefix: {@code conv64_1/conv2} -> {@code conv64_1_conv2}. */
    private static String layer(String block, String conv) {
        return block + "_" + conv;
    }

    /** The graph with the package's weights. */
    public static ComputationGraph fromPackage(Path tarballOrFolder) throws IOException {
        PackageFiles pkg = PackageFiles.read(tarballOrFolder, p -> p.endsWith(MANIFEST) || p.endsWith(WEIGHTS));
        Map<String, INDArray> tensors = tensors(JSON.readTree(pkg.single(MANIFEST, tarballOrFolder)),
                pkg.single(WEIGHTS, tarballOrFolder), tarballOrFolder);
        ComputationGraph graph = graph();
        Map<String, String> convs = new LinkedHashMap<>();
        convs.put("conv32_down", "conv32_down");
        for (Block b : BLOCKS) {
            convs.put(b.name() + "/conv1", layer(b.name(), "conv1"));
            convs.put(b.name() + "/conv2", layer(b.name(), "conv2"));
        }
        int used = 0;
        for (var c : convs.entrySet()) {
            INDArray filters = take(tensors, c.getKey() + "/conv/filters", tarballOrFolder);
            INDArray bias = take(tensors, c.getKey() + "/conv/bias", tarballOrFolder);
            INDArray scale = take(tensors, c.getKey() + "/scale/weights", tarballOrFolder);
            INDArray shift = take(tensors, c.getKey() + "/scale/biases", tarballOrFolder);
            used += 4;
            // (conv(x, W) + b) * s + t = conv(x, W * s) + (b * s + t), per output channel
            graph.getLayer(c.getValue()).setParam("W", scaled(filters, scale));
            graph.getLayer(c.getValue()).setParam("b", bias.mul(scale).addi(shift).reshape(1, bias.length()));
        }
        for (Block b : BLOCKS) {
            if (b.down() && b.out() != b.in()) {
                INDArray identity = Nd4j.zeros(DataType.FLOAT, b.out(), b.in(), 1, 1);
                for (int i = 0; i < b.in(); i++) {
                    identity.putScalar(new long[] {i, i, 0, 0}, 1f);
                }
                graph.getLayer(b.name() + "_widen").setParam("W", identity);
            }
        }
        graph.getLayer(OUTPUT).setParam("W", take(tensors, "fc", tarballOrFolder));
        used++;
        graph.getLayer(PASS_THROUGH).setParam("W", Nd4j.eye(FEATURES).castTo(DataType.FLOAT));
        graph.getLayer(PASS_THROUGH).setParam("b", Nd4j.zeros(DataType.FLOAT, 1, FEATURES));
        if (!tensors.isEmpty()) {
            throw new IOException(tarballOrFolder + ": tensors the descriptor does not use: " + tensors.keySet());
        }
        if (used != 4 * convs.size() + 1) {
            throw new IOException(tarballOrFolder + ": " + used + " tensors used, expected " + (4 * convs.size() + 1));
        }
        return graph;
    }

    /** TF filters [kh, kw, in, out] to DL4J weights [out, in, kh, kw], each output channel times its scale. */
    static INDArray scaled(INDArray filters, INDArray scale) {
        INDArray w = filters.permute(3, 2, 0, 1).dup('c');
        for (int o = 0; o < w.size(0); o++) {
            w.slice(o).muli(scale.getFloat(o));
        }
        return w;
    }

    private static INDArray take(Map<String, INDArray> tensors, String name, Path source) throws IOException {
        INDArray t = tensors.remove(name);
        if (t == null) {
            throw new IOException(source + ": the weights have no tensor " + name);
        }
        return t;
    }

    /** Every tensor of the manifest ({@link TfjsWeights}: uint8 dequantized, float32 as stored), by name. */
    static Map<String, INDArray> tensors(JsonNode manifest, byte[] weights, Path source) throws IOException {
        Map<String, INDArray> out = new HashMap<>();
        for (TfjsWeights.Tensor t : TfjsWeights.read(manifest, path -> weights, oneShard(manifest, source)).values()) {
            out.put(t.name(), Nd4j.create(t.values(), t.shape(), 'c'));
        }
        return out;
    }

    /** face-api's descriptor weights are one file: a manifest naming more shards is not its package. */
    private static Path oneShard(JsonNode manifest, Path source) throws IOException {
        for (JsonNode group : manifest) {
            if (group.path("paths").size() != 1) {
                throw new IOException(source + ": the descriptor's manifest names " + group.path("paths").size()
                        + " shards in a group, expected the one " + WEIGHTS);
            }
        }
        return source;
    }

    /**
     * A chip (150 x 150, any type) as the network's input: what {@link ImagePipeline} makes of it under
     * the face contract (RGB channels first, means off, divided by 256).
     */
    public static INDArray input(java.awt.image.BufferedImage chip) {
        if (chip.getWidth() != INPUT || chip.getHeight() != INPUT) {
            throw new IllegalArgumentException("a face chip is " + INPUT + " x " + INPUT + ", got " + chip.getWidth()
                    + " x " + chip.getHeight());
        }
        return ImagePipeline.of(InputContract.faceChip()).toInput(chip);
    }
}
