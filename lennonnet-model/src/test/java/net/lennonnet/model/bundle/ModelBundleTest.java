package net.lennonnet.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.InputContract;
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
                "0".repeat(64), TransferGraph.findHead(graph), new Provenance("ImageNet weights (test)", true, "dataset",
                        "a".repeat(64), 120, 880, java.util.List.of(4.2, 0.6),
                        new Provenance.Settings(32, 32, 1e-3, 5, 3, 4, true, 0.1, 0.1, 0, 1e-4), 17, 12.5,
                        Provenance.Build.current()));
    }

    @Test
    void roundTripsWeightsAndMetadata() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        ModelMetadata written = ModelBundle.write(dir, graph, metadata(graph));
        assertThat(written.modelSha256()).isEqualTo(Hashes.sha256(dir.resolve(ModelBundle.MODEL_FILE)));

        ModelBundle read = ModelBundle.read(dir);
        assertThat(read.metadata()).isEqualTo(written);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 32, 32);
        assertThat(read.graph().outputSingle(x)).isEqualTo(graph.outputSingle(x));
        assertThat(ModelBundle.read(dir.resolve(ModelBundle.METADATA_FILE)).metadata()).isEqualTo(written);
    }

    @Test
    void aFolderPacksToTheSameBytesEveryTimeWithItsWeightsStoredAsTheyAre() throws Exception {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        ModelMetadata written = ModelBundle.write(dir.resolve("model"), graph, metadata(graph));
        Path first = dir.resolve("first.lennonnet");
        Path second = dir.resolve("second.lennonnet");
        ModelBundle.pack(dir.resolve("model"), first);
        Thread.sleep(2100); // a zip's times have two seconds' resolution: a packing dated now would differ
        ModelBundle.pack(dir.resolve("model"), second);

        assertThat(Hashes.sha256(second)).isEqualTo(Hashes.sha256(first));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(first.toFile())) {
            java.util.zip.ZipEntry weights = zip.getEntry(ModelBundle.MODEL_FILE);
            assertThat(weights.getMethod()).isEqualTo(java.util.zip.ZipEntry.STORED);
            assertThat(weights.getSize()).isEqualTo(Files.size(dir.resolve("model").resolve(ModelBundle.MODEL_FILE)));
        }
        ModelBundle read = ModelBundle.read(first);
        assertThat(read.metadata()).isEqualTo(written);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 32, 32);
        assertThat(read.graph().outputSingle(x)).isEqualTo(graph.outputSingle(x));
    }

    @Test
    void refusesWeightsThatDoNotMatchTheirMetadata() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
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
                "0".repeat(64), head, Provenance.unknown())).hasMessageContaining("labels must be [john, not_john]");
        assertThatThrownBy(() -> new ModelMetadata(1, Labels.ALL, InputContract.square(32), 1.0, "",
                "0".repeat(64), head, Provenance.unknown())).hasMessageContaining("threshold must be in (0, 1), got 1.0");
    }

    @Test
    void aModelWrittenBeforeProvenanceHadATypeStillLoads() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        ModelMetadata written = ModelBundle.write(dir, graph, metadata(graph));
        // the provenance as earlier Lennonnets wrote it: a free-form map, an absolute path among it
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve(ModelBundle.METADATA_FILE).toFile());
        tree.set("provenance", json.readTree("{\"backbone\":\"random\",\"pretrained\":false,\"dataset\":\"/home/u/data\","
                + "\"datasetManifestSha256\":\"" + "b".repeat(64) + "\",\"trainImages\":{\"john\":3,\"not_john\":4},"
                + "\"versions\":{\"dl4j\":\"1.0.0-M2.1\"},\"gitCommit\":\"unknown\",\"epochs\":32}"));
        json.writeValue(dir.resolve(ModelBundle.METADATA_FILE).toFile(), tree);

        Provenance old = ModelBundle.read(dir).metadata().provenance();
        assertThat(old.backbone()).isEqualTo("random");
        assertThat(old.datasetManifestSha256()).isEqualTo("b".repeat(64));
        assertThat(ModelBundle.read(dir).metadata().modelSha256()).isEqualTo(written.modelSha256());
    }

    @Test
    void theBuildIsStampedIntoTheJarNotReadFromTheWorkingDirectory() {
        Provenance.Build build = Provenance.Build.current();
        assertThat(build.lennonnet()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(build.dl4j()).isEqualTo("1.0.0-M2.1");
        // built from a git checkout (here and in CI) the commit is a full hash; from a source archive,
        // with no .git above the project, the build says it does not know (issue 19: mvn test passes there)
        boolean inCheckout = false;
        for (java.nio.file.Path d = java.nio.file.Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            inCheckout |= java.nio.file.Files.exists(d.resolve(".git"));
        }
        if (inCheckout) {
            assertThat(build.gitCommit()).matches("[0-9a-f]{40}");
        } else {
            assertThat(build.gitCommit()).isEqualTo(Provenance.UNKNOWN);
        }
    }
}
