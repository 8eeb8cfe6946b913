package net.lennonnet.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile model files (issue 19): a {@code coefficients.bin} that declares a compressed buffer made
 * libnd4j write out of bounds and kill the JVM. Every crafted or mutated array here must either load or be
 * refused with an {@link IOException}, quickly; a native crash would end this test's JVM and fail the build.
 */
class ModelFileFuzzTest {

    @TempDir
    Path dir;

    byte[] configuration;
    byte[] coefficients;
    ComputationGraph graph;

    @BeforeEach
    void aSmallModel() throws IOException {
        graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        Path zip = dir.resolve("good.zip");
        GraphFiles.write(graph, zip, java.util.Map.of());
        try (ZipFile z = new ZipFile(zip.toFile())) {
            configuration = z.getInputStream(z.getEntry(GraphFiles.CONFIGURATION)).readAllBytes();
            coefficients = z.getInputStream(z.getEntry(GraphFiles.COEFFICIENTS)).readAllBytes();
        }
    }

    private Path zipWith(byte[] coefficientsBin, String name) throws IOException {
        Path zip = dir.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry(GraphFiles.CONFIGURATION));
            out.write(configuration);
            out.closeEntry();
            out.putNextEntry(new ZipEntry(GraphFiles.COEFFICIENTS));
            out.write(coefficientsBin);
            out.closeEntry();
        }
        return zip;
    }

    /** An ND4J array file by hand: a shape buffer (rank, shape, strides, extras, ews, order) and a data buffer. */
    static byte[] array(String mode, long[] shape, String dataType, long declaredLength, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(mode);
        out.writeLong(2L * shape.length + 4);
        out.writeUTF("LONG");
        out.writeLong(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
        for (int i = 0; i < shape.length; i++) {
            out.writeLong(1);
        }
        out.writeLong(0);
        out.writeLong(1);
        out.writeLong('c');
        out.writeUTF(mode);
        out.writeLong(declaredLength);
        out.writeUTF(dataType);
        out.write(payload);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void theGoodFileLoadsThroughTheCheckedReader() throws IOException {
        assertThat(GraphFiles.read(zipWith(coefficients, "same.zip")).params()).isEqualTo(graph.params());
    }

    @Test
    void aCompressedBufferIsRefusedBeforeNativeCodeSeesIt() throws IOException {
        long n = graph.params().length();
        // THRESHOLD encoding: a header of ints, then chosen indices (here far out of range)
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(payload);
        p.writeInt(4);
        p.writeInt((int) n);
        p.writeInt(0x7fffffff);
        p.writeInt(3);
        for (int i = 0; i < 64; i++) {
            p.writeInt(0x40000000 + i * 7919);
        }
        byte[] compressed = array("MIXED_DATA_TYPES", new long[] {1, n}, "COMPRESSED", n, payload.toByteArray());
        assertThatThrownBy(() -> GraphFiles.read(zipWith(compressed, "compressed.zip"))).isInstanceOf(IOException.class)
                .hasMessageContaining("COMPRESSED");
        // and the whole way in, with metadata whose hash matches (whoever ships a model writes both files)
        Path model = dir.resolve("model");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.square(32), 0.5,
                "test", "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        Files.copy(zipWith(compressed, "compressed2.zip"), model.resolve(ModelBundle.MODEL_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String json = Files.readString(model.resolve(ModelBundle.METADATA_FILE)).replaceAll("\"modelSha256\" : \"[0-9a-f]{64}\"",
                "\"modelSha256\" : \"" + Hashes.sha256(model.resolve(ModelBundle.MODEL_FILE)) + "\"");
        Files.writeString(model.resolve(ModelBundle.METADATA_FILE), json);
        assertThatThrownBy(() -> LennonNet.load(model)).isInstanceOf(IOException.class).hasMessageContaining("COMPRESSED");
    }

    @Test
    void hugeShapesAndLyingLengthsAreRefusedBeforeAnythingIsAllocated() throws IOException {
        long n = graph.params().length();
        byte[] few = new byte[16];
        String[][] cases = {{"huge shape"}, {"length beyond the entry"}, {"shape and length disagree"},
            {"negative dimension"}, {"unknown mode"}, {"int data"}};
        byte[][] files = {
            array("MIXED_DATA_TYPES", new long[] {1L << 20, 1L << 20}, "FLOAT", 1L << 40, few),
            array("MIXED_DATA_TYPES", new long[] {1, n}, "FLOAT", n, few),
            array("MIXED_DATA_TYPES", new long[] {1, n}, "FLOAT", n - 1, few),
            array("MIXED_DATA_TYPES", new long[] {1, -5}, "FLOAT", 5, few),
            array("NOT_A_MODE", new long[] {1, n}, "FLOAT", n, few),
            array("MIXED_DATA_TYPES", new long[] {1, n}, "INT", n, few)};
        for (int i = 0; i < files.length; i++) {
            Path zip = zipWith(files[i], "case" + i + ".zip");
            assertThatThrownBy(() -> GraphFiles.read(zip)).as(cases[i][0]).isInstanceOf(IOException.class);
        }
        // a right-sized array of the wrong size for the configuration
        byte[] floats = new byte[4 * 10];
        assertThatThrownBy(() -> GraphFiles.read(zipWith(array("MIXED_DATA_TYPES", new long[] {1, 10}, "FLOAT", 10, floats),
                "ten.zip"))).isInstanceOf(IOException.class).hasMessageContaining("the configuration takes");
    }

    @Test
    void hundredsOfMutatedFilesEachLoadOrAreRefused() throws IOException {
        Random random = new Random(19);
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            byte[] mutated;
            if (round % 10 == 9) {
                mutated = java.util.Arrays.copyOf(coefficients, random.nextInt(coefficients.length)); // truncated
            } else {
                mutated = coefficients.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    // mostly the headers (the first 160 bytes), where lengths, types and shapes live
                    int at = random.nextInt(5) == 0 ? random.nextInt(mutated.length) : random.nextInt(160);
                    mutated[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (mutated[at] ^ (1 << random.nextInt(8)));
                }
            }
            Path zip = zipWith(mutated, "m" + round + ".zip");
            try {
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> GraphFiles.read(zip),
                        "round " + round);
            } catch (Throwable e) {
                if (e instanceof IOException) {
                    refused++;
                } else {
                    // a timeout, or anything but a clean refusal
                    throw new AssertionError("round " + round + ": neither loaded nor refused cleanly", e);
                }
            }
        }
        assertThat(refused).as("most mutations of a header are refused").isGreaterThan(100);
        assertThat(new String(configuration, StandardCharsets.UTF_8)).contains("vertices");
    }
}
