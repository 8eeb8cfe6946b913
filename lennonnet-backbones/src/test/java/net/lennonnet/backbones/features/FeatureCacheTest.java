package net.lennonnet.backbones.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCacheTest {

    @TempDir
    Path tmp;

    static final String IMAGE = "ab".repeat(32);

    private Path onlyEntry() throws IOException {
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.filter(p -> p.toString().endsWith(".f32")).findFirst().orElseThrow();
        }
    }

    @Test
    void roundTripsFeaturesUnderTheBackbonesKey() throws IOException {
        FeatureCache cache = new FeatureCache(tmp, "0123456789abcdef");
        assertThat(cache.get(IMAGE)).isEmpty();
        float[] features = {0f, 1.5f, -2.25f, Float.MAX_VALUE};
        cache.put(IMAGE, features);
        assertThat(cache.get(IMAGE)).hasValueSatisfying(f -> assertThat(f).containsExactly(features));
        assertThat(new FeatureCache(tmp, "fedcba9876543210").get(IMAGE)).as("another backbone").isEmpty();
        assertThat(onlyEntry()).startsWithRaw(tmp.resolve("0123456789abcdef"));
    }

    @Test
    void aTruncatedOrFlippedEntryCountsAsMissing() throws IOException {
        FeatureCache cache = new FeatureCache(tmp, "0123456789abcdef");
        cache.put(IMAGE, new float[] {1, 2, 3, 4});
        Path entry = onlyEntry();
        byte[] bytes = Files.readAllBytes(entry);

        Files.write(entry, Arrays.copyOf(bytes, bytes.length - 3));
        assertThat(cache.get(IMAGE)).isEmpty();

        byte[] flipped = bytes.clone();
        flipped[10] ^= 0x01;
        Files.write(entry, flipped);
        assertThat(cache.get(IMAGE)).isEmpty();

        Files.write(entry, new byte[0]);
        assertThat(cache.get(IMAGE)).isEmpty();
    }

    @Test
    void keysAreValidated() {
        assertThatThrownBy(() -> new FeatureCache(tmp, "../../etc")).hasMessageContaining("16..64 hex digits");
        FeatureCache cache = new FeatureCache(tmp, "0123456789abcdef");
        assertThatThrownBy(() -> cache.get("../x")).hasMessageContaining("hex SHA-256");
    }
}
