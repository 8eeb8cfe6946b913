package net.lennonnet.model.bundle;

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
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.model.io.GraphFiles;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.Preparation;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A saved Lennonnet model: a directory holding {@code model.zip} (the DL4J graph, without updater
 * state) and {@code lennonnet.json} ({@link ModelMetadata}), and for a face-aligned model
 * {@code detector.onnx}, the face detector it finds faces with, pinned by SHA-256 in the metadata. All
 * files are written atomically, the metadata last, so a crash never leaves metadata that points at half
 * a model. Answering needs nothing outside the bundle: no npm, no network, no cache.
 *
 * <p>The same files packed into one zip ({@link #pack}, conventionally {@code *.lennonnet}) can
 * travel as a single file or a classpath resource and be read from a stream.
 *
 * <p>Loading never deserializes Java objects ({@link GraphFiles}); the JSON configuration names DL4J
 * layer classes, which DL4J's configuration reader resolves (docs/reliability.md says what is trusted).
 */
public record ModelBundle(ComputationGraph graph, ModelMetadata metadata, java.util.Optional<BlazeFace> detector) {

    public static final String MODEL_FILE = "model.zip";
    public static final String METADATA_FILE = "lennonnet.json";
    /** A face-aligned model's face detector (BlazeFace, ONNX). */
    public static final String DETECTOR_FILE = "detector.onnx";
    private static final java.util.Set<String> ENTRIES = java.util.Set.of(MODEL_FILE, METADATA_FILE, DETECTOR_FILE);
    /** Largest detector file read: BlazeFace's is 442 KB. */
    private static final long MAX_DETECTOR_BYTES = 16L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Writes a bundle without a face detector; see {@link #write(Path, ComputationGraph, ModelMetadata, java.util.Optional)}. */
    public static ModelMetadata write(Path dir, ComputationGraph graph, ModelMetadata metadata) throws IOException {
        return write(dir, graph, metadata, java.util.Optional.empty());
    }

    /**
     * Writes the bundle into {@code dir} (created if needed), with a copy of {@code detector} for a
     * face-aligned model, and returns the metadata as written.
     */
    public static ModelMetadata write(Path dir, ComputationGraph graph, ModelMetadata metadata,
            java.util.Optional<Path> detector) throws IOException {
        Files.createDirectories(dir);
        if (detector.isPresent()) {
            AtomicFiles.write(dir.resolve(DETECTOR_FILE), temporary -> Files.copy(detector.get(), temporary,
                    StandardCopyOption.REPLACE_EXISTING));
            metadata = metadata.withDetectorSha256(Hashes.sha256(dir.resolve(DETECTOR_FILE)));
        } else {
            Files.deleteIfExists(dir.resolve(DETECTOR_FILE));
            metadata = metadata.withDetectorSha256("");
        }
        Path model = dir.resolve(MODEL_FILE);
        GraphFiles.write(graph, model, java.util.Map.of()); // atomic: the old file or the new one, never half
        String sha = Hashes.sha256(model);
        ModelMetadata written = metadata.withModelSha256(sha);
        AtomicFiles.write(dir.resolve(METADATA_FILE), tmp -> JSON.writeValue(tmp.toFile(), written));
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
        ModelMetadata metadata = readMetadata(dir);
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
        return new ModelBundle(graph, metadata, detector(dir, metadata));
    }

    /** The face detector a face-aligned model carries, checked against its pinned hash; empty for other models. */
    private static java.util.Optional<BlazeFace> detector(Path dir, ModelMetadata metadata) throws IOException {
        if (metadata.input().preparation() != Preparation.FACE_ALIGN) {
            return java.util.Optional.empty();
        }
        if (metadata.detectorSha256().isEmpty()) {
            throw new IOException("the face model in " + dir + " was saved without its face detector (by an older "
                    + "Lennonnet): 'lennonnet pack --model " + dir + " --out FILE.lennonnet' adds the pinned detector "
                    + "to it, or train it again");
        }
        Path file = dir.resolve(DETECTOR_FILE);
        if (!Files.isRegularFile(file) || Files.size(file) > MAX_DETECTOR_BYTES) {
            throw new IOException("the face model in " + dir + " lacks its face detector " + DETECTOR_FILE);
        }
        String sha = Hashes.sha256(file);
        if (!sha.equals(metadata.detectorSha256())) {
            throw new IOException("the face detector " + file + " does not match its model (SHA-256 " + sha
                    + ", expected " + metadata.detectorSha256() + ")");
        }
        return java.util.Optional.of(BlazeFace.load(file));
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

    /** Where the pinned face detector file can be had, asked only when a model needs it. */
    public interface DetectorFile {
        Path get() throws IOException;
    }

    /**
     * Packs a bundle folder into one file holding everything answering needs. A face-aligned model saved
     * without its detector (by an older Lennonnet) gets the one {@code pinnedDetector} gives, which must
     * have {@code pinnedSha256}.
     *
     * @return whether the detector was added
     */
    public static boolean pack(Path dir, Path packed, DetectorFile pinnedDetector, String pinnedSha256)
            throws IOException {
        Path source = dir;
        Path staged = null;
        try {
            ModelMetadata metadata = readMetadata(Files.isDirectory(dir) ? dir : dir.toAbsolutePath().getParent());
            boolean adding = metadata.input().preparation() == Preparation.FACE_ALIGN && metadata.detectorSha256().isEmpty();
            if (adding) {
                Path detector = pinnedDetector.get();
                String sha = Hashes.sha256(detector);
                if (!sha.equals(pinnedSha256)) {
                    throw new IOException("the face detector " + detector + " is not the pinned one (SHA-256 " + sha
                            + ")");
                }
                staged = Files.createTempDirectory("lennonnet-pack");
                Files.copy(dir.resolve(MODEL_FILE), staged.resolve(MODEL_FILE));
                Files.copy(detector, staged.resolve(DETECTOR_FILE));
                JSON.writeValue(staged.resolve(METADATA_FILE).toFile(), metadata.withDetectorSha256(sha));
                source = staged;
            }
            ModelBundle checked = read(source); // refuse to pack a damaged bundle
            checked.graph().close();
            checked.detector().ifPresent(BlazeFace::close);
            Path from = source;
            AtomicFiles.write(packed, temporary -> {
                try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(temporary))) {
                    for (String name : new String[] {METADATA_FILE, MODEL_FILE, DETECTOR_FILE}) {
                        if (Files.isRegularFile(from.resolve(name))) {
                            zip.putNextEntry(storedEntry(name, from.resolve(name)));
                            Files.copy(from.resolve(name), zip);
                            zip.closeEntry();
                        }
                    }
                }
            });
            return adding;
        } finally {
            if (staged != null) {
                deleteFolder(staged);
            }
        }
    }

    /**
     * A packed file's entry for {@code file}: stored as it is (the weights are a zip already, which deflating again
     * only slows down, to pack and to load) and dated 1980-01-01, so that one folder always packs to the same bytes,
     * and so to the same SHA-256 (a Spark executor that has loaded a model knows it again by that hash).
     */
    private static ZipEntry storedEntry(String name, Path file) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size);
        entry.setCompressedSize(size);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
        return entry;
    }

    /** Packs a bundle folder that already carries everything it needs. */
    public static void pack(Path dir, Path packed) throws IOException {
        pack(dir, packed, () -> {
            throw new IOException("the face model in " + dir + " was saved without its face detector; packing it "
                    + "needs the pinned detector file ('lennonnet pack' gets it)");
        }, "");
    }

    /** The most bytes a packed model's {@code lennonnet.json} may hold (a neighbours decision carries its references). */
    private static final int MAX_METADATA_BYTES = 64 << 20;

    /**
     * A model's metadata alone, from its folder (or its {@code lennonnet.json}) or a packed file, without building
     * the network or checking the weights' hash: what a driver that only names the model needs (loading it is where
     * the bundle is checked).
     */
    public static ModelMetadata metadata(Path dirOrPacked) throws IOException {
        if (!Files.isRegularFile(dirOrPacked) || dirOrPacked.getFileName().toString().equals(METADATA_FILE)) {
            return readMetadata(Files.isDirectory(dirOrPacked) ? dirOrPacked : dirOrPacked.toAbsolutePath().getParent());
        }
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(dirOrPacked))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (!entry.getName().equals(METADATA_FILE)) {
                    continue;
                }
                byte[] json = zip.readNBytes(MAX_METADATA_BYTES + 1);
                if (json.length > MAX_METADATA_BYTES) {
                    throw new IOException("the metadata in " + dirOrPacked + " is larger than " + MAX_METADATA_BYTES + " bytes");
                }
                try {
                    return JSON.readValue(json, ModelMetadata.class);
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException("unreadable model metadata in " + dirOrPacked + ": " + e.getMessage(), e);
                }
            }
        }
        throw new IOException("not a packed Lennonnet model: " + dirOrPacked + " holds no " + METADATA_FILE);
    }

    private static ModelMetadata readMetadata(Path dir) throws IOException {
        Path metaFile = dir.resolve(METADATA_FILE);
        try {
            return JSON.readValue(metaFile.toFile(), ModelMetadata.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("unreadable model metadata " + metaFile + ": " + e.getMessage(), e);
        }
    }

    private static void deleteFolder(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    /**
     * Reads a packed bundle from a stream: its two entries are unpacked to a temporary folder, checked
     * like a bundle folder, loaded, and the folder is deleted.
     */
    public static ModelBundle read(InputStream packed) throws IOException {
        Path dir = Files.createTempDirectory("lennonnet-model");
        try {
            try (ZipInputStream zip = new ZipInputStream(packed)) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    String name = entry.getName();
                    if (!ENTRIES.contains(name) || Files.exists(dir.resolve(name))) {
                        throw new IOException("not a packed Lennonnet model: unexpected entry '" + name + "'");
                    }
                    Files.copy(zip, dir.resolve(name));
                }
            }
            if (!Files.isRegularFile(dir.resolve(MODEL_FILE)) || !Files.isRegularFile(dir.resolve(METADATA_FILE))) {
                throw new IOException("not a packed Lennonnet model: it must hold " + MODEL_FILE + " and "
                        + METADATA_FILE);
            }
            return read(dir); // the detector, if any, is loaded before the folder goes
        } finally {
            deleteFolder(dir);
        }
    }
}
