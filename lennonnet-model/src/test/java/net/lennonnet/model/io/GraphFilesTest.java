package net.lennonnet.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a model or weights file never runs Java deserialization, whatever the zip holds. */
class GraphFilesTest {

    @TempDir
    Path tmp;

    /** A payload that leaves a marker file when it is deserialized, as a gadget chain would run code. */
    static final class Marker implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile Path file;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            Files.writeString(file, "deserialized");
        }
    }

    private Path crafted(ComputationGraph graph) throws IOException {
        Marker.file = tmp.resolve("marker");
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(payload)) {
            out.writeObject(new Marker());
        }
        Path zip = tmp.resolve("crafted.zip");
        GraphFiles.write(graph, zip, Map.of("preprocessor.bin", payload.toByteArray(), "normalizer.bin", payload.toByteArray()));
        return zip;
    }

    @Test
    void aSerializedEntryIsNeverDeserialized() throws Exception {
        ComputationGraph graph = TinyGraphs.imagenetShaped(32, 3);
        Path zip = crafted(graph);

        ComputationGraph read = GraphFiles.read(zip);
        assertThat(read.params()).isEqualTo(graph.params());
        assertThat(Marker.file).doesNotExist();

        // The same file through DL4J's own loader runs the payload (and only then fails a cast): the
        // entry is live, so the assertion above is a real one.
        assertThatThrownBy(() -> ModelSerializer.restoreComputationGraph(zip.toFile(), false))
                .isInstanceOf(ClassCastException.class);
        assertThat(Marker.file).exists();
    }

    @Test
    void aModelBundleWithASerializedEntryLoadsWithoutRunningIt() throws Exception {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 3),
                new TransferGraph.HeadOptions(0.01, new double[] {1, 1}, 1));
        Path zip = crafted(graph);
        Path dir = tmp.resolve("model");
        ModelMetadata metadata = ModelBundle.write(dir, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL,
                InputContract.square(32), 0.5, "default", "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        Files.copy(zip, dir.resolve(ModelBundle.MODEL_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve(ModelBundle.METADATA_FILE), Files.readString(dir.resolve(ModelBundle.METADATA_FILE))
                .replace(metadata.modelSha256(), Hashes.sha256(zip)));

        try (LennonNet net = LennonNet.load(dir)) {
            assertThat(net.metadata().labels()).isEqualTo(Labels.ALL);
        }
        assertThat(Marker.file).doesNotExist();
    }

    @Test
    void aFileThatIsNotAModelGetsOneLine() throws IOException {
        Path notZip = Files.writeString(tmp.resolve("weights.zip"), "hello");
        assertThatThrownBy(() -> GraphFiles.read(notZip)).isInstanceOf(IOException.class).hasMessageContaining("not a zip");
        Path emptyZip = tmp.resolve("empty.zip");
        GraphFiles.write(TinyGraphs.imagenetShaped(32, 1), emptyZip, Map.of());
        Path onlyConfig = tmp.resolve("config-only.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(onlyConfig))) {
            out.putNextEntry(new java.util.zip.ZipEntry(GraphFiles.CONFIGURATION));
            out.write(GraphFiles.entry(emptyZip, GraphFiles.CONFIGURATION, 1 << 20).orElseThrow());
            out.closeEntry();
        }
        assertThatThrownBy(() -> GraphFiles.read(onlyConfig)).hasMessageContaining("must hold")
                .hasMessageContaining(GraphFiles.COEFFICIENTS);
    }
}
