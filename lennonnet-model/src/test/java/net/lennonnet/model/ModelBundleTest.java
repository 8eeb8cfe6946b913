package net.lennonnet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelBundleTest {

    @TempDir
    Path dir;

    private ModelMetadata metadata(ComputationGraph graph) {
        return new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.square(32), 0.6, "test",
                "0".repeat(64), TransferGraph.findHead(graph), Map.of("seed", 3));
    }

    @Test
    void roundTripsWeightsAndMetadata() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TransferGraphTest.OPTIONS);
        ModelMetadata written = ModelBundle.write(dir, graph, metadata(graph));
        assertThat(written.modelSha256()).isEqualTo(Hashes.sha256(dir.resolve(ModelBundle.MODEL_FILE)));

        ModelBundle read = ModelBundle.read(dir);
        assertThat(read.metadata()).isEqualTo(written);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 32, 32);
        assertThat(read.graph().outputSingle(x)).isEqualTo(graph.outputSingle(x));
        assertThat(ModelBundle.read(dir.resolve(ModelBundle.METADATA_FILE)).metadata()).isEqualTo(written);
    }

    @Test
    void refusesWeightsThatDoNotMatchTheirMetadata() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TransferGraphTest.OPTIONS);
        ModelBundle.write(dir, graph, metadata(graph));
        Path model = dir.resolve(ModelBundle.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(model, bytes);
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("do not match their metadata");
    }

    @Test
    void refusesAFolderThatIsNoModel() {
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a Lennonnet model");
    }

    @Test
    void metadataValidatesLabelsAndThreshold() {
        ComputationGraph graph = TinyGraphs.imagenetShaped(32, 1);
        var head = TransferGraph.findHead(graph);
        assertThatThrownBy(() -> new ModelMetadata(1, java.util.List.of("a", "b"), InputContract.square(32), 0.5, "",
                "0".repeat(64), head, Map.of())).hasMessageContaining("labels must be [john, not_john]");
        assertThatThrownBy(() -> new ModelMetadata(1, Labels.ALL, InputContract.square(32), 1.0, "",
                "0".repeat(64), head, Map.of())).hasMessageContaining("threshold must be in (0, 1), got 1.0");
    }
}
