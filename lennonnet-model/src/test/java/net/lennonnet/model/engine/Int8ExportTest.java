package net.lennonnet.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onnx.Onnx;
import net.lennonnet.model.graph.GraphSurgery;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The int8 backbone on a small residual graph with every layer kind Lennonnet's backbones have: ONNX
 * Runtime fuses it into integer kernels (what makes it fast), its features stay close to float's, and a
 * calibration of another backbone is refused by name. (Real weights on real photos: OnnxParityIT.)
 */
class Int8ExportTest {

    @TempDir
    Path dir;

    private static ComputationGraph folded() {
        return GraphSurgery.forFrozenInference(OnnxExportTest.everyKind(false, 7));
    }

    /** Inputs in the range a normalised photo has, each batch from its own seed. */
    private static INDArray inputs(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, 3, 37, 41).muli(4).subi(2);
    }

    @Test
    void onnxRuntimeRunsEveryConvolutionAndAdditionOnIntegers() throws Exception {
        ComputationGraph graph = folded();
        byte[] floatModel = OnnxExport.export(graph, "fc", 3, 37, 41);
        Int8Calibration calibration = Int8Export.calibrate(floatModel, List.of(inputs(6, 1)));
        assertThat(calibration.images()).isEqualTo(6);
        // the input and every activation a convolution, addition or pool reads (conv1 carries bn1 and relu1, folded)
        assertThat(calibration.ranges()).containsOnlyKeys(OnnxExport.INPUT, "conv1", "maxpool", "same", "same2", "short", "relu2", "avgpool");

        byte[] int8 = Int8Export.quantise(floatModel, calibration);
        Onnx.GraphProto quantisedGraph = Onnx.ModelProto.parseFrom(int8).getGraph();
        Map<String, Integer> written = opCounts(quantisedGraph);
        assertThat(written.get("QuantizeLinear")).isEqualTo(calibration.ranges().size());
        // the max pool's output keeps its input's scale and zero point, whatever the calibration measured for it
        Map<String, Onnx.TensorProto> constants = new HashMap<>();
        quantisedGraph.getInitializerList().forEach(t -> constants.put(t.getName(), t));
        assertThat(constants.get("maxpool/scale").getRawData()).isEqualTo(constants.get("conv1/scale").getRawData());
        assertThat(constants.get("maxpool/zero").getRawData()).isEqualTo(constants.get("conv1/zero").getRawData());
        Map<String, float[]> wider = new HashMap<>(calibration.ranges());
        wider.put("maxpool", new float[] {-50f, 50f});
        Onnx.GraphProto widerGraph = Onnx.ModelProto.parseFrom(Int8Export.quantise(floatModel, new Int8Calibration(wider, 6))).getGraph();
        Map<String, Onnx.TensorProto> widerConstants = new HashMap<>();
        widerGraph.getInitializerList().forEach(t -> widerConstants.put(t.getName(), t));
        assertThat(widerConstants.get("maxpool/scale").getRawData()).isEqualTo(constants.get("conv1/scale").getRawData());
        assertThat(widerConstants.get("short/scale").getRawData()).isEqualTo(constants.get("short/scale").getRawData());
        Path optimised = dir.resolve("optimised.onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            options.setOptimizedModelFilePath(optimised.toString());
            OrtEnvironment.getEnvironment().createSession(int8, options).close();
        }
        Map<String, Integer> ran = opCounts(Onnx.ModelProto.parseFrom(Files.readAllBytes(optimised)).getGraph());
        // conv1, same, same2, short; the one addition: all on integers, none left in float
        assertThat(ran.get("QLinearConv")).isEqualTo(4);
        assertThat(ran.get("QLinearAdd")).isEqualTo(1);
        assertThat(ran).doesNotContainKeys("Conv", "Add", "Relu");
    }

    @Test
    void itsFeaturesStayCloseToFloatsOnInputsLikeTheCalibrations() throws Exception {
        ComputationGraph graph = folded();
        Int8Calibration calibration = Int8Export.calibrate(graph, "fc", 3, 37, 41, List.of(inputs(8, 2), inputs(8, 3)));
        INDArray test = inputs(8, 4);
        float[][] exact;
        float[][] approx;
        try (Engine f = Engines.open(Engine.Choice.ONNXRUNTIME, graph, "fc", 3, 37, 41, 2, Optional.empty());
                Engine q = Engines.open(Engine.Choice.ONNXRUNTIME, graph, "fc", 3, 37, 41, 2, Optional.of(calibration))) {
            assertThat(f.precision()).isEqualTo(Engine.Precision.FP32);
            assertThat(q.precision()).isEqualTo(Engine.Precision.INT8);
            exact = f.features(test);
            approx = q.features(test);
        }
        boolean anyDifferent = false;
        for (int i = 0; i < exact.length; i++) {
            assertThat(FeatureVectors.cosine(exact[i], approx[i])).as("image %d", i).isGreaterThan(0.99);
            anyDifferent |= !java.util.Arrays.equals(exact[i], approx[i]);
        }
        assertThat(anyDifferent).as("int8 computes something else than float").isTrue();
    }

    @Test
    void featuresKeyedAsInt8AreNeverComputedInFloat() throws Exception {
        ComputationGraph graph = folded();
        Int8Calibration calibration = Int8Export.calibrate(graph, "fc", 3, 37, 41, List.of(inputs(4, 6)));
        // answering may fall back to float where only DL4J runs; features keyed by their precision may not
        try (Engine answering = Engines.open(Engine.Choice.DL4J, graph, "fc", 3, 37, 41, 1, Optional.of(calibration))) {
            assertThat(answering.precision()).isEqualTo(Engine.Precision.FP32);
        }
        assertThatThrownBy(() -> Engines.openInPrecision(Engine.Choice.DL4J, graph, "fc", 3, 37, 41, 1,
                Optional.of(calibration))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("would be computed by dl4j in fp32");
        try (Engine int8 = Engines.openInPrecision(Engine.Choice.ONNXRUNTIME, graph, "fc", 3, 37, 41, 1,
                Optional.of(calibration));
                Engine fp32 = Engines.openInPrecision(Engine.Choice.DL4J, graph, "fc", 3, 37, 41, 1, Optional.empty())) {
            assertThat(int8.precision()).isEqualTo(Engine.Precision.INT8);
            assertThat(fp32.precision()).isEqualTo(Engine.Precision.FP32);
        }
    }

    @Test
    void aCalibrationOfAnotherBackboneIsRefusedByName() throws Exception {
        ComputationGraph graph = folded();
        byte[] floatModel = OnnxExport.export(graph, "fc", 3, 37, 41);
        Map<String, float[]> ranges = new HashMap<>(Int8Export.calibrate(floatModel, List.of(inputs(2, 5))).ranges());
        ranges.remove("short");
        Int8Calibration partial = new Int8Calibration(ranges, 2);
        assertThatThrownBy(() -> Int8Export.quantise(floatModel, partial)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no range for tensor short");
        // asked for by name, ONNX Runtime's failure is the caller's error; under auto, DL4J answers in float
        assertThatThrownBy(() -> Engines.open(Engine.Choice.ONNXRUNTIME, graph, "fc", 3, 37, 41, 1, Optional.of(partial)))
                .hasMessageContaining("no range for tensor short");
        try (Engine e = Engines.open(Engine.Choice.AUTO, graph, "fc", 3, 37, 41, 1, Optional.of(partial))) {
            assertThat(e.kind()).isEqualTo(Engine.Kind.DL4J);
            assertThat(e.precision()).isEqualTo(Engine.Precision.FP32);
        }
    }

    @Test
    void aCalibrationsHashFollowsItsRangesAndBadRangesAreRefused() {
        Int8Calibration a = new Int8Calibration(Map.of("x", new float[] {-1f, 2f}, "y", new float[] {0f, 3f}), 4);
        Int8Calibration same = new Int8Calibration(Map.of("y", new float[] {0f, 3f}, "x", new float[] {-1f, 2f}), 4);
        Int8Calibration other = new Int8Calibration(Map.of("x", new float[] {-1f, 2f}, "y", new float[] {0f, 3.0001f}), 4);
        assertThat(a.hash()).isEqualTo(same.hash()).hasSize(16).isNotEqualTo(other.hash());
        assertThatThrownBy(() -> new Int8Calibration(Map.of("x", new float[] {2f, 1f}), 1)).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> new Int8Calibration(Map.of("x", new float[] {Float.NaN, 1f}), 1)).hasMessageContaining("finite");
        assertThatThrownBy(() -> new Int8Calibration(Map.of("x", new float[] {-3e38f, 3e38f}), 1)).hasMessageContaining("finite");
        assertThatThrownBy(() -> new Int8Calibration(Map.of("x", new float[] {1f}), 1)).hasMessageContaining("[min, max]");
        assertThatThrownBy(() -> new Int8Calibration(Map.of(), 0)).hasMessageContaining("at least one image");
    }

    private static Map<String, Integer> opCounts(Onnx.GraphProto graph) {
        Map<String, Integer> counts = new HashMap<>();
        for (Onnx.NodeProto node : graph.getNodeList()) {
            counts.merge(node.getOpType(), 1, Integer::sum);
        }
        return counts;
    }

}
