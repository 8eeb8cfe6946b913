package net.lennonnet.backbones.features;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backbone features on disk, one file per image, under a folder named by the backbone's key (its
 * weights, the input contract and the feature vertex): a different backbone or preprocessing can
 * never read another's features.
 *
 * <p>Each entry holds a magic number, the feature count, the floats and their CRC32. An entry is
 * written to a temporary file and renamed, so a crash leaves either no entry or a whole one; an entry
 * that fails its checks anyway is reported as missing and recomputed.
 *
 * <p>{@code train} fills it on one machine; the Spark {@code featurise} job computes the same rows on a
 * cluster and imports them here, under the same {@link #key}.
 */
public final class FeatureCache {

    private static final Logger log = LoggerFactory.getLogger(FeatureCache.class);
    private static final int MAGIC = 0x4C4E4631; // "LNF1"

    private final String key;
    private final Path dir;

    /**
     * @param root        the cache root (shared by backbones)
     * @param backboneKey a key that changes whenever the features would
     */
    public FeatureCache(Path root, String backboneKey) {
        if (!backboneKey.matches("[0-9a-f]{16,64}")) {
            throw new IllegalArgumentException("backbone key must be 16..64 hex digits, got " + backboneKey);
        }
        this.key = backboneKey;
        this.dir = root.resolve(backboneKey);
    }

    /** The backbone key this cache's entries are under. */
    public String key() {
        return key;
    }

    /** The default cache root of a dataset: {@code feature-cache/} inside its folder. */
    public static Path defaultRoot(Path dataset) {
        return dataset.resolve("feature-cache");
    }

    /**
     * The key of the features {@code engine} computes from {@code backbone} (the backbone with its own
     * head, as it was imported): a hash of its weights, the input contract and the vertex the features are
     * read from, so that it changes whenever the features would (DL4J's keys are those of earlier versions;
     * engines agree to about 1e-5, not exactly, so the others are keyed apart).
     */
    public static String key(ComputationGraph backbone, InputContract contract, String featureVertex, Engine.Kind engine) {
        return key(backbone, contract, featureVertex, engine, java.util.Optional.empty());
    }

    /**
     * The same for features computed in int8 with {@code int8}'s calibration, when present: the precision and
     * the calibration's hash are part of the key, since the features differ from float's (and between
     * calibrations).
     */
    public static String key(ComputationGraph backbone, InputContract contract, String featureVertex, Engine.Kind engine,
            java.util.Optional<net.lennonnet.model.engine.Int8Calibration> int8) {
        MessageDigest digest = Hashes.digest();
        digest.update(("lennonnet-features-v1|" + contract + "|" + featureVertex + "|"
                + (engine == Engine.Kind.DL4J ? "" : engine.flag() + "|")
                + int8.map(c -> "int8:" + c.hash() + "|").orElse("")).getBytes(StandardCharsets.UTF_8));
        ByteBuffer weights = backbone.params().data().asNio();
        digest.update(weights.duplicate());
        return HexFormat.of().formatHex(digest.digest()).substring(0, 24);
    }

    /** The folder this backbone's entries live in. */
    public Path dir() {
        return dir;
    }

    /** The features of an image, by the SHA-256 of its file; empty when absent or damaged. */
    public Optional<float[]> get(String imageSha256) throws IOException {
        Path file = entry(imageSha256);
        try (InputStream in = Files.newInputStream(file)) {
            DataInputStream data = new DataInputStream(in);
            if (data.readInt() != MAGIC) {
                return damaged(file, "wrong magic number");
            }
            int n = data.readInt();
            if (n < 1 || n > 1 << 24) {
                return damaged(file, "feature count " + n);
            }
            byte[] bytes = data.readNBytes(n * Float.BYTES);
            if (bytes.length != n * Float.BYTES) {
                return damaged(file, "truncated");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (data.readInt() != (int) crc.getValue()) {
                return damaged(file, "checksum mismatch");
            }
            float[] features = new float[n];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(features);
            return Optional.of(features);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.io.EOFException e) {
            return damaged(file, "truncated");
        }
    }

    /** Stores an image's features atomically. */
    public void put(String imageSha256, float[] features) throws IOException {
        Path file = entry(imageSha256);
        Files.createDirectories(file.getParent());
        ByteBuffer bytes = ByteBuffer.allocate(features.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(features);
        CRC32 crc = new CRC32();
        crc.update(bytes.array());
        AtomicFiles.write(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                DataOutputStream data = new DataOutputStream(out);
                data.writeInt(MAGIC);
                data.writeInt(features.length);
                data.write(bytes.array());
                data.writeInt((int) crc.getValue());
                data.flush();
            }
        });
    }

    private Path entry(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("image key must be a hex SHA-256, got " + sha256);
        }
        // two-level fan-out keeps folders small for the original's 12,800 images and beyond
        return dir.resolve(sha256.substring(0, 2)).resolve(sha256 + ".f32");
    }

    private static Optional<float[]> damaged(Path file, String why) {
        log.warn("feature cache entry {} is damaged ({}): computing it again", file, why);
        return Optional.empty();
    }
}
