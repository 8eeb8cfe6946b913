package net.lennonnet.model.io;

import java.io.BufferedInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes DL4J model zips ({@code configuration.json} + {@code coefficients.bin}, the
 * layout {@code ModelSerializer} uses) without Java deserialization.
 *
 * <p>DL4J's own {@code ModelSerializer.restoreComputationGraph} runs {@code ObjectInputStream.readObject}
 * on a {@code preprocessor.bin} entry whenever a zip holds one, so a crafted file could run code while
 * it loads. This class reads only the JSON configuration (whose type names DL4J's Jackson setup
 * resolves only to its own layer, vertex and pre-processor types) and the parameter array (ND4J's
 * binary array format: a header, a shape and raw numbers). Every other entry, updater state and
 * serialized normalisers included, is ignored and never opened.
 */
public final class GraphFiles {

    public static final String CONFIGURATION = "configuration.json";
    public static final String COEFFICIENTS = "coefficients.bin";
    /** Entries DL4J writes that hold Java-serialized objects; never read. */
    static final java.util.Set<String> SERIALIZED_ENTRIES = java.util.Set.of("preprocessor.bin", "normalizer.bin");
    /** Largest configuration read: a ResNet-50's is about 0.5 MB. */
    private static final long MAX_CONFIGURATION_BYTES = 64L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(GraphFiles.class);

    private GraphFiles() {}

    /** Reads the graph in a DL4J model zip; an updater state, if any, is never opened. */
    public static ComputationGraph read(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry confEntry = file.getEntry(CONFIGURATION);
            ZipEntry paramEntry = file.getEntry(COEFFICIENTS);
            if (confEntry == null || paramEntry == null) {
                throw new IOException(zip + " is not a DL4J model: it must hold " + CONFIGURATION + " and " + COEFFICIENTS);
            }
            file.stream().map(ZipEntry::getName).filter(SERIALIZED_ENTRIES::contains).forEach(name ->
                    log.warn("{} holds {}, a Java-serialized entry: ignored, never read", zip, name));
            String json;
            try (InputStream in = file.getInputStream(confEntry)) {
                byte[] bytes = in.readNBytes((int) MAX_CONFIGURATION_BYTES + 1);
                if (bytes.length > MAX_CONFIGURATION_BYTES) {
                    throw new IOException(zip + ": " + CONFIGURATION + " is larger than " + MAX_CONFIGURATION_BYTES + " bytes");
                }
                json = new String(bytes, StandardCharsets.UTF_8);
            }
            ComputationGraphConfiguration conf;
            try {
                conf = ComputationGraphConfiguration.fromJson(json);
            } catch (RuntimeException e) {
                throw new IOException(zip + ": unreadable " + CONFIGURATION + " (" + e.getMessage() + ")", e);
            }
            // The configuration says how many parameters it takes: a coefficients entry of another size is
            // refused before it is read, and the array is read by ArrayFiles, never by Nd4j.read (issue 19).
            long expected = parameterCount(conf, zip);
            INDArray params;
            try (InputStream in = new BufferedInputStream(file.getInputStream(paramEntry))) {
                params = ArrayFiles.read(in, paramEntry.getSize(), zip + ": " + COEFFICIENTS);
            } catch (IOException | RuntimeException e) {
                throw new IOException(zip + ": unreadable " + COEFFICIENTS + " (" + e.getMessage() + ")", e);
            }
            if (params.length() != expected) {
                throw new IOException(zip + ": " + COEFFICIENTS + " holds " + params.length() + " parameters, the "
                        + "configuration takes " + expected);
            }
            ComputationGraph graph = new ComputationGraph(conf);
            try {
                graph.init(params.reshape(1, params.length()), false);
            } catch (RuntimeException e) {
                throw new IOException(zip + ": the parameters do not fit the configuration (" + e.getMessage() + ")", e);
            }
            return graph;
        } catch (java.util.zip.ZipException e) {
            throw new IOException(zip + " is not a zip file (" + e.getMessage() + ")", e);
        }
    }

    /** The number of parameters a configuration takes, summed over its layers without allocating any. */
    public static long parameterCount(ComputationGraphConfiguration conf, Path zip) throws IOException {
        long total = 0;
        try {
            for (var vertex : conf.getVertices().values()) {
                if (vertex instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv) {
                    var layer = lv.getLayerConf().getLayer();
                    long n = layer.initializer().numParams(layer);
                    if (n < 0 || n > ArrayFiles.MAX_ELEMENTS) {
                        throw new IOException(zip + ": layer " + layer.getLayerName() + " takes " + n + " parameters");
                    }
                    total += n;
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(zip + ": " + CONFIGURATION + " does not describe its layers' sizes (" + e.getMessage()
                    + ")", e);
        }
        if (total > ArrayFiles.MAX_ELEMENTS) {
            throw new IOException(zip + ": the configuration takes " + total + " parameters, over " + ArrayFiles.MAX_ELEMENTS);
        }
        return total;
    }

    /** One entry of a zip, when present, at most {@code maxBytes} long. */
    public static Optional<byte[]> entry(Path zip, String name, int maxBytes) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry(name);
            if (entry == null) {
                return Optional.empty();
            }
            try (InputStream in = file.getInputStream(entry)) {
                byte[] bytes = in.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw new IOException(zip + ": entry " + name + " is larger than " + maxBytes + " bytes");
                }
                return Optional.of(bytes);
            }
        }
    }

    /**
     * SHA-256 of the {@value #COEFFICIENTS} entry {@link #write} would write for this graph (ND4J's
     * serialisation of the parameters is deterministic), computed without writing anything.
     */
    public static String coefficientsSha256(ComputationGraph graph) {
        java.security.DigestOutputStream digest = new java.security.DigestOutputStream(OutputStream.nullOutputStream(),
                Hashes.digest());
        try (DataOutputStream data = new DataOutputStream(digest)) {
            Nd4j.write(graph.params(), data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("serialising parameters to a null stream failed", e);
        }
        return java.util.HexFormat.of().formatHex(digest.getMessageDigest().digest());
    }

    /** SHA-256 of one entry of a zip, streamed; empty when the entry is absent. */
    public static Optional<String> entrySha256(Path zip, String name) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry(name);
            if (entry == null) {
                return Optional.empty();
            }
            try (java.security.DigestInputStream in = new java.security.DigestInputStream(file.getInputStream(entry),
                    Hashes.digest())) {
                in.transferTo(OutputStream.nullOutputStream());
                return Optional.of(java.util.HexFormat.of().formatHex(in.getMessageDigest().digest()));
            }
        }
    }

    /**
     * Writes the graph (configuration and parameters, no updater) and {@code extra} entries to a
     * zip, atomically: a crash leaves the old file or none. {@code ModelSerializer} reads the result too.
     */
    public static void write(ComputationGraph graph, Path zip, Map<String, byte[]> extra) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>(extra);
        if (entries.containsKey(CONFIGURATION) || entries.containsKey(COEFFICIENTS)) {
            throw new IllegalArgumentException("extra entries may not replace " + CONFIGURATION + " or " + COEFFICIENTS);
        }
        AtomicFiles.write(zip, temporary -> {
            try (ZipOutputStream z = new ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(temporary)))) {
                z.putNextEntry(new ZipEntry(CONFIGURATION));
                z.write(graph.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
                // the parameters are floats that deflate by 7% (ResNet-50: 95 MB against 102 MB stored) for seconds of
                // compressing: stored instead, and ND4J's small writes gathered before they reach the zip (ResNet-50's
                // written in 0.74 s, before 9.6 s; read in 0.6 s, before 1.3 s)
                z.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
                z.putNextEntry(new ZipEntry(COEFFICIENTS));
                DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(nonClosing(z), 1 << 16));
                Nd4j.write(graph.params(), data);
                data.flush();
                z.closeEntry();
                z.setLevel(java.util.zip.Deflater.DEFAULT_COMPRESSION);
                for (var e : entries.entrySet()) {
                    z.putNextEntry(new ZipEntry(e.getKey()));
                    z.write(e.getValue());
                    z.closeEntry();
                }
            }
        });
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Whether a file is a zip at all (its first bytes), before anything heavier opens it. */
    public static boolean looksLikeZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K';
        }
    }
}
