package net.lennonnet.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.graph.GraphSurgery;
import net.lennonnet.model.graph.TransferGraph;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * ONNX Runtime on the exported graph against DL4J's own forward pass, layer kind by layer kind: every
 * kind a Lennonnet backbone has, in both layouts, frozen, and with batch norm in both of DL4J's forms.
 * (Real weights on real photos: OnnxParityIT in lennonnet-backbones.)
 */
class OnnxExportTest {

    /** A small residual graph with every exported layer kind; {@code fc} is its feature vertex. */
    static ComputationGraph everyKind(boolean logStd, long seed) {
        var g = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(37, 41, 3))
                .addLayer("pad", new ZeroPaddingLayer.Builder(1, 2, 3, 0).build(), "in")
                .addLayer("conv1", new ConvolutionLayer.Builder(5, 5).stride(2, 2).nOut(8)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), "pad")
                .addLayer("bn1", new BatchNormalization.Builder().useLogStd(logStd).build(), "conv1")
                .addLayer("relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                // zero padding that the max pool after it takes over (on a ReLU's output), as in the Keras ResNet-50
                .addLayer("pad2", new ZeroPaddingLayer.Builder(0, 1, 1, 0).build(), "relu1")
                .addLayer("maxpool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                        .padding(1, 1).convolutionMode(ConvolutionMode.Truncate).build(), "pad2")
                .addLayer("same", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(8)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "maxpool")
                .addLayer("same2", new ConvolutionLayer.Builder(3, 3).nOut(8).hasBias(false)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "same")
                .addLayer("short", new ConvolutionLayer.Builder(1, 1).stride(2, 2).nOut(8)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "maxpool")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "same2", "short")
                .addLayer("relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add")
                .addLayer("avgpool", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).build(), "relu2")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "avgpool")
                .addLayer("fc", new DenseLayer.Builder().nOut(6).activation(Activation.IDENTITY).build(), "gap")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "fc")
                .setOutputs("out");
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        // running statistics that are not the identity, so that batch norm does something
        var bn = graph.getLayer("bn1").paramTable();
        bn.get("mean").assign(Nd4j.rand(DataType.FLOAT, bn.get("mean").shape()).subi(0.5));
        if (logStd) {
            bn.get("log10stdev").assign(Nd4j.rand(DataType.FLOAT, bn.get("log10stdev").shape()).subi(0.5));
        } else {
            bn.get("var").assign(Nd4j.rand(DataType.FLOAT, bn.get("var").shape()).addi(0.2));
        }
        bn.get("gamma").assign(Nd4j.rand(DataType.FLOAT, bn.get("gamma").shape()).addi(0.5));
        bn.get("beta").assign(Nd4j.rand(DataType.FLOAT, bn.get("beta").shape()).subi(0.5));
        return graph;
    }

    private static void assertSameFeatures(ComputationGraph graph, String vertex, int h, int w) throws Exception {
        INDArray input = Nd4j.rand(DataType.FLOAT, 5, 3, h, w).muli(255).subi(120);
        float[][] dl4j = Engines.open(Engine.Choice.DL4J, graph, vertex, 3, h, w).features(input);
        try (Engine ort = Engines.open(Engine.Choice.ONNXRUNTIME, graph, vertex, 3, h, w)) {
            assertThat(ort.kind()).isEqualTo(Engine.Kind.ONNXRUNTIME);
            float[][] onnx = ort.features(input);
            assertThat(onnx.length).isEqualTo(dl4j.length);
            double scale = 0;
            for (float[] row : dl4j) {
                for (float v : row) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
            assertThat(scale).isGreaterThan(0);
            for (int i = 0; i < dl4j.length; i++) {
                assertThat(onnx[i].length).isEqualTo(dl4j[i].length);
                for (int j = 0; j < dl4j[i].length; j++) {
                    assertThat((double) Math.abs(onnx[i][j] - dl4j[i][j])).as("row %d, feature %d", i, j).isLessThanOrEqualTo(1e-4 * scale);
                }
            }
        }
    }

    @Test
    void zeroPaddingIsTakenOverByTheLayerThatReadsIt() throws Exception {
        onnx.Onnx.ModelProto model = onnx.Onnx.ModelProto.parseFrom(OnnxExport.export(everyKind(false, 5), "fc", 3, 37, 41));
        assertThat(model.getGraph().getNodeList()).noneMatch(n -> n.getOpType().equals("Pad"));
        var conv1 = model.getGraph().getNodeList().stream().filter(n -> n.getName().startsWith("conv1")).findFirst().orElseThrow();
        assertThat(conv1.getAttributeList()).anyMatch(a -> a.getName().equals("pads") && a.getIntsList().equals(List.of(1L, 3L, 2L, 0L)));
    }

    @Test
    void everyLayerKindGivesDl4jsFeatures() throws Exception {
        assertSameFeatures(everyKind(false, 1), "fc", 37, 41);
        assertSameFeatures(everyKind(true, 2), "fc", 37, 41);
    }

    @Test
    void theChannelsLastFormAndTheFrozenTransferGraphGiveTheSame() throws Exception {
        ComputationGraph graph = everyKind(false, 3);
        // what a backbone is loaded as: channels last inside, batch norm folded, still fed channels first
        ComputationGraph frozen = GraphSurgery.forFrozenInference(graph);
        assertThat(GraphSurgery.layout(frozen)).isEqualTo(CNN2DFormat.NHWC);
        assertSameFeatures(frozen, "fc", 37, 41);
        ComputationGraph transfer = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 4), TinyGraphs.HEAD_OPTIONS);
        assertSameFeatures(transfer, TransferGraph.findHead(transfer).featureVertex(), 32, 32);
    }

    @Test
    void aGraphItCannotExportIsNamedAndAutoFallsBackToDl4j() {
        var g = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(16, 16, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out");
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        assertThatThrownBy(() -> OnnxExport.export(graph, "gap", 3, 16, 16))
                .isInstanceOf(OnnxExport.UnsupportedGraphException.class).hasMessageContaining("layer conv: activation");
        try (Engine engine = Engines.open(Engine.Choice.AUTO, graph, "gap", 3, 16, 16)) {
            assertThat(engine.kind()).isEqualTo(Engine.Kind.DL4J);
            assertThat(engine.features(Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16))).hasNumberOfRows(2);
        }
        assertThatThrownBy(() -> Engines.open(Engine.Choice.ONNXRUNTIME, graph, "gap", 3, 16, 16))
                .hasMessageContaining("ONNX Runtime cannot run this model");
        assertThat(List.of(Engine.Choice.parse("onnxruntime"), Engine.Choice.parse("DL4J"), Engine.Choice.parse("auto")))
                .containsExactly(Engine.Choice.ONNXRUNTIME, Engine.Choice.DL4J, Engine.Choice.AUTO);
        assertThatThrownBy(() -> Engine.Choice.parse("tensorflow")).hasMessageContaining("auto, onnxruntime or dl4j");
    }
}
