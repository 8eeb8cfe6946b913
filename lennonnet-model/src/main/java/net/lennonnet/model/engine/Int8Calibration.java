package net.lennonnet.model.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The range each quantised activation of an exported backbone took on calibration photos: tensor name
 * (a DL4J vertex name, or {@link OnnxExport#INPUT}) to its smallest and largest value. With the
 * backbone's weights it fixes the int8 model ({@link Int8Export}); its {@link #hash()} keys features
 * computed through it, since they differ from the float model's.
 *
 * @param ranges each tensor's {@code [min, max]}, in name order
 * @param images how many photos the ranges were measured on
 */
public record Int8Calibration(Map<String, float[]> ranges, int images) {

    public Int8Calibration {
        if (images < 1) {
            throw new IllegalArgumentException("a calibration needs at least one image, got " + images);
        }
        TreeMap<String, float[]> copy = new TreeMap<>();
        for (var e : ranges.entrySet()) {
            float[] r = e.getValue();
            // a model file's ranges become the int8 model's scales: each one finite, ordered, and spanning a finite width
            if (r.length != 2 || !Float.isFinite(r[0]) || !Float.isFinite(r[1]) || r[0] > r[1]
                    || !Float.isFinite(Math.max(0f, r[1]) - Math.min(0f, r[0]))) {
                throw new IllegalArgumentException("tensor " + e.getKey() + ": a range is [min, max], finite, min <= max");
            }
            copy.put(e.getKey(), r.clone());
        }
        ranges = Collections.unmodifiableMap(copy);
    }

    /** The range of {@code tensor}; an error naming it when the calibration did not measure it. */
    float[] range(String tensor) {
        float[] r = ranges.get(tensor);
        if (r == null) {
            throw new IllegalArgumentException("the int8 calibration has no range for tensor " + tensor
                    + ": it was measured on another backbone");
        }
        return r;
    }

    /** Equal when both measured the same ranges (value for value) on as many images. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Int8Calibration c) || c.images != images || !c.ranges.keySet().equals(ranges.keySet())) {
            return false;
        }
        for (var e : ranges.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), c.ranges.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash().hashCode() * 31 + images;
    }

    /** A short hash of the ranges (exact float bits), for cache keys and the model record. */
    public String hash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (var e : ranges.entrySet()) {
                digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                for (float v : e.getValue()) {
                    int bits = Float.floatToIntBits(v);
                    digest.update(new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
