package net.lennonnet.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A saved Lennonnet model: a directory holding {@code model.zip} (the DL4J graph, without updater
 * state) and {@code lennonnet.json} ({@link ModelMetadata}). Both files are written atomically, the
 * weights first, so a crash never leaves metadata that points at half a model.
 *
 * <p>The same two files packed into one zip ({@link #pack}, conventionally {@code *.lennonnet}) can
 * travel as a single file or a classpath resource and be read from a stream.
 *
 * <p>Loading never deserializes Java objects ({@link GraphFiles}); the JSON configuration names DL4J
 * layer classes, which DL4J's configuration reader resolves (docs/reliability.md says what is trusted).
 */
public record ModelBundle(ComputationGraph graph, ModelMetadata metadata) {

    public static final String MODEL_FILE = "model.zip";
    public static final String METADATA_FILE = "lennonnet.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Writes the bundle into {@code dir} (created if needed) and returns the metadata as written. */
    public static ModelMetadata write(Path dir, ComputationGraph graph, ModelMetadata metadata) throws IOException {
        Files.createDirectories(dir);
        Path model = dir.resolve(MODEL_FILE);
        GraphFiles.write(graph, model, java.util.Map.of()); // atomic: the old file or the new one, never half
        String sha = Hashes.sha256(model);
        ModelMetadata written = metadata.withModelSha256(sha);
        Path tmpMeta = dir.resolve(METADATA_FILE + ".part");
        JSON.writeValue(tmpMeta.toFile(), written);
        Files.move(tmpMeta, dir.resolve(METADATA_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        return written;
    }

    /**
     * Reads a bundle from its directory (or its {@code lennonnet.json}, or a packed bundle file), refusing one whose weights do
     * not match the recorded hash or whose output layer does not match the labels.
     */
    public static ModelBundle read(Path dirOrMetadata) throws IOException {
        if (!Files.exists(dirOrMetadata)) {
            throw new IOException("not a Lennonnet model: " + dirOrMetadata + " does not exist (give the folder that "
                    + "'lennonnet train --out' wrote, or a packed .lennonnet file)");
        }
        if (Files.isRegularFile(dirOrMetadata) && !dirOrMetadata.getFileName().toString().equals(METADATA_FILE)) {
            try (InputStream in = Files.newInputStream(dirOrMetadata)) {
                return read(in); // a packed bundle
            }
        }
        Path dir = Files.isDirectory(dirOrMetadata) ? dirOrMetadata : dirOrMetadata.toAbsolutePath().getParent();
        Path metaFile = dir.resolve(METADATA_FILE);
        Path model = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(metaFile) || !Files.isRegularFile(model)) {
            throw new IOException("not a Lennonnet model: " + dir + " must hold " + MODEL_FILE + " and " + METADATA_FILE
                    + " (the folder that 'lennonnet train --out' wrote)");
        }
        ModelMetadata metadata;
        try {
            metadata = JSON.readValue(metaFile.toFile(), ModelMetadata.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("unreadable model metadata " + metaFile + ": " + e.getMessage(), e);
        }
        String sha = Hashes.sha256(model);
        if (!sha.equals(metadata.modelSha256())) {
            throw new IOException("model weights " + model + " do not match their metadata (SHA-256 " + sha
                    + ", expected " + metadata.modelSha256() + "): the bundle is damaged or was mixed up");
        }
        ComputationGraph graph;
        try {
            graph = GraphFiles.read(model);
        } catch (IOException | RuntimeException e) {
            throw new IOException("could not load model weights " + model + ": " + e.getMessage(), e);
        }
        checkMatches(graph, metadata, model);
        return new ModelBundle(graph, metadata);
    }

    private static void checkMatches(ComputationGraph graph, ModelMetadata metadata, Path model) throws IOException {
        var outputs = graph.getConfiguration().getNetworkOutputs();
        String head = metadata.head().outputVertex();
        if (!outputs.equals(java.util.List.of(head)) || graph.getVertex(head) == null
                || !(graph.getVertex(head).getLayer().conf().getLayer() instanceof FeedForwardLayer layer)
                || layer.getNOut() != metadata.labels().size()) {
            throw new IOException("model " + model + " does not match its metadata: expected one output '" + head
                    + "' with " + metadata.labels().size() + " classes, found " + outputs);
        }
    }

    /** Packs a bundle folder into one zip holding its two files. */
    public static void pack(Path dir, Path packed) throws IOException {
        read(dir); // refuse to pack a damaged bundle
        Path tmp = packed.resolveSibling(packed.getFileName() + ".part");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (String name : new String[] {METADATA_FILE, MODEL_FILE}) {
                zip.putNextEntry(new ZipEntry(name));
                Files.copy(dir.resolve(name), zip);
                zip.closeEntry();
            }
        }
        Files.move(tmp, packed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a packed bundle from a stream: its two entries are unpacked to a temporary folder, checked
     * like a bundle folder, loaded, and the folder is deleted.
     */
    public static ModelBundle read(InputStream packed) throws IOException {
        Path dir = Files.createTempDirectory("lennonnet-model");
        try {
            int entries = 0;
            try (ZipInputStream zip = new ZipInputStream(packed)) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    String name = entry.getName();
                    if (!name.equals(MODEL_FILE) && !name.equals(METADATA_FILE)) {
                        throw new IOException("not a packed Lennonnet model: unexpected entry '" + name + "'");
                    }
                    Files.copy(zip, dir.resolve(name));
                    entries++;
                }
            }
            if (entries != 2) {
                throw new IOException("not a packed Lennonnet model: it must hold " + MODEL_FILE + " and "
                        + METADATA_FILE);
            }
            return read(dir);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
