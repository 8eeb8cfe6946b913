package net.lennonnet.backbones.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.lennonnet.model.io.ArrayFiles;

/**
 * The one reader of TensorFlow.js weights: a {@code weightsManifest} (groups, each with its shard
 * paths and its tensors) and the shards' bytes, to named float tensors in manifest order.
 *
 * <p>A tensor is {@code float32}, stored as little-endian floats or quantised as {@code uint8} with a
 * minimum and a scale ({@code min + scale * q}); anything else is refused. Before a group is decoded,
 * its shards must hold exactly the bytes its tensors take, and every shape is checked against
 * {@link ArrayFiles#MAX_ELEMENTS}; only JSON and numbers are read.
 */
public final class TfjsWeights {

    /** Most values one package may declare in all: 1 GiB of floats. */
    public static final long MAX_VALUES = 256L * 1024 * 1024;

    private TfjsWeights() {}

    /** Gives a shard's bytes by its path in the manifest, or null when the package has no such file. */
    @FunctionalInterface
    public interface Shards {
        byte[] get(String path);
    }

    /** One tensor: its manifest name, shape and values (row-major, as TF.js stores them). */
    public record Tensor(String name, long[] shape, float[] values) {}

    /** One tensor's entry in the manifest, checked. */
    private record Spec(String name, long[] shape, long count, boolean quantised, double min, double scale) {
        long bytes() {
            return quantised ? count : 4 * count;
        }
    }

    /** The values the manifest declares in all, from its shapes alone (nothing is read from the shards). */
    public static long declaredValues(JsonNode manifest, Path source) throws IOException {
        long total = 0;
        for (JsonNode group : groups(manifest, source)) {
            for (JsonNode tensor : group.path("weights")) {
                total += spec(tensor, source).count();
                if (total > MAX_VALUES) {
                    throw new IOException(source + ": the weights declare more than " + MAX_VALUES + " values");
                }
            }
        }
        return total;
    }

    /** Every tensor of the manifest, decoded, in manifest order; names must be unique. */
    public static Map<String, Tensor> read(JsonNode manifest, Shards shards, Path source) throws IOException {
        declaredValues(manifest, source);
        Map<String, Tensor> out = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode group : groups(manifest, source)) {
            List<Spec> specs = new ArrayList<>();
            long need = 0;
            for (JsonNode tensor : group.path("weights")) {
                Spec spec = spec(tensor, source);
                specs.add(spec);
                need += spec.bytes();
            }
            ByteBuffer data = concatenate(group.path("paths"), shards, need, index, source);
            for (Spec spec : specs) {
                float[] values = new float[Math.toIntExact(spec.count())];
                if (spec.quantised()) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (spec.min() + spec.scale() * (data.get() & 0xff));
                    }
                } else {
                    data.asFloatBuffer().get(values);
                    data.position(data.position() + 4 * values.length);
                }
                if (out.put(spec.name(), new Tensor(spec.name(), spec.shape(), values)) != null) {
                    throw new IOException(source + ": tensor " + spec.name() + " appears twice");
                }
            }
            index++;
        }
        return out;
    }

    private static JsonNode groups(JsonNode manifest, Path source) throws IOException {
        if (manifest == null || !manifest.isArray() || manifest.isEmpty()) {
            throw new IOException(source + ": no weights manifest");
        }
        return manifest;
    }

    private static Spec spec(JsonNode tensor, Path source) throws IOException {
        String name = tensor.path("name").asText();
        if (name.isEmpty()) {
            throw new IOException(source + ": a tensor of the weights manifest has no name");
        }
        String dtype = tensor.path("dtype").asText("float32");
        if (!"float32".equals(dtype)) {
            throw new IOException(source + ": tensor " + name + " has dtype " + dtype + ", which Lennonnet does not read");
        }
        long[] shape = new long[tensor.path("shape").size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = tensor.path("shape").get(i).asLong(-1);
            if (shape[i] < 0 || shape[i] > ArrayFiles.MAX_ELEMENTS) {
                throw new IOException(source + ": tensor " + name + " has dimension " + shape[i]);
            }
            count *= shape[i];
            if (count > ArrayFiles.MAX_ELEMENTS) {
                throw new IOException(source + ": tensor " + name + " holds more than " + ArrayFiles.MAX_ELEMENTS + " values");
            }
        }
        JsonNode q = tensor.path("quantization");
        if (q.isMissingNode()) {
            return new Spec(name, shape, count, false, 0, 0);
        }
        if (!"uint8".equals(q.path("dtype").asText()) || !q.path("min").isNumber() || !q.path("scale").isNumber()) {
            throw new IOException(source + ": tensor " + name + " is quantised as " + q.path("dtype").asText()
                    + ", which Lennonnet does not read (only uint8 with a min and a scale)");
        }
        return new Spec(name, shape, count, true, q.path("min").asDouble(), q.path("scale").asDouble());
    }

    private static ByteBuffer concatenate(JsonNode paths, Shards shards, long need, int group, Path source)
            throws IOException {
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (JsonNode path : paths) {
            byte[] part = shards.get(path.asText());
            if (part == null) {
                throw new IOException(source + ": weight shard " + path.asText() + " is missing");
            }
            parts.add(part);
            total += part.length;
        }
        if (total != need) {
            throw new IOException(source + ": the shards of weight group " + (group + 1) + " hold " + total
                    + " bytes, its tensors take " + need + (total > need ? " (bytes that belong to no tensor)" : ""));
        }
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
        parts.forEach(all::put);
        return all.flip();
    }
}
