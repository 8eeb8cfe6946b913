package net.lennonnet.backbones.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one TF.js weights reader, on hand-made manifests whose values are worked out here. */
class TfjsWeightsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCE = Path.of("hand-made");

    private static JsonNode manifest(String weights) throws IOException {
        return JSON.readTree("[{\"paths\": [\"w.bin\"], \"weights\": [" + weights + "]}]");
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void readsFloat32AsStoredAndUint8AsMinPlusScaleTimesQ() throws IOException {
        JsonNode manifest = manifest("{\"name\": \"a\", \"shape\": [2], \"dtype\": \"float32\"},"
                + "{\"name\": \"b\", \"shape\": [3], \"dtype\": \"float32\","
                + " \"quantization\": {\"dtype\": \"uint8\", \"min\": -1.0, \"scale\": 0.5}}");
        byte[] shard = ByteBuffer.allocate(11).put(floats(1.5f, -2f)).put(new byte[] {0, 2, (byte) 255}).array();
        Map<String, TfjsWeights.Tensor> tensors = TfjsWeights.read(manifest, path -> shard, SOURCE);
        assertThat(tensors.keySet()).containsExactly("a", "b");
        assertThat(tensors.get("a").values()).containsExactly(1.5f, -2f);
        assertThat(tensors.get("b").shape()).containsExactly(3L);
        assertThat(tensors.get("b").values()[0]).isCloseTo(-1f, within(1e-6f));
        assertThat(tensors.get("b").values()[1]).isCloseTo(0f, within(1e-6f));
        assertThat(tensors.get("b").values()[2]).isCloseTo(126.5f, within(1e-4f));
        assertThat(TfjsWeights.declaredValues(manifest, SOURCE)).isEqualTo(5);
    }

    @Test
    void shardsMustHoldExactlyTheBytesTheTensorsTake() throws IOException {
        JsonNode manifest = manifest("{\"name\": \"a\", \"shape\": [2, 2], \"dtype\": \"float32\"}");
        assertThatThrownBy(() -> TfjsWeights.read(manifest, path -> floats(1, 2, 3), SOURCE))
                .hasMessageContaining("hold 12 bytes, its tensors take 16");
        assertThatThrownBy(() -> TfjsWeights.read(manifest, path -> floats(1, 2, 3, 4, 5), SOURCE))
                .hasMessageContaining("hold 20 bytes, its tensors take 16").hasMessageContaining("belong to no tensor");
        assertThatThrownBy(() -> TfjsWeights.read(manifest, path -> null, SOURCE))
                .hasMessageContaining("weight shard w.bin is missing");
    }

    @Test
    void refusesWhatItCannotReadBeforeAllocating() throws IOException {
        assertThatThrownBy(() -> TfjsWeights.read(manifest("{\"name\": \"a\", \"shape\": [2], \"dtype\": \"int32\"}"),
                path -> new byte[8], SOURCE)).hasMessageContaining("tensor a has dtype int32");
        assertThatThrownBy(() -> TfjsWeights.read(manifest("{\"name\": \"a\", \"shape\": [2], \"dtype\": \"float32\","
                + " \"quantization\": {\"dtype\": \"uint16\", \"min\": 0, \"scale\": 1}}"), path -> new byte[4], SOURCE))
                .hasMessageContaining("quantised as uint16");
        assertThatThrownBy(() -> TfjsWeights.read(manifest("{\"name\": \"a\", \"shape\": [100000, 100000, 100000]}"),
                path -> new byte[4], SOURCE)).hasMessageContaining("holds more than");
        assertThatThrownBy(() -> TfjsWeights.read(manifest("{\"name\": \"a\", \"shape\": [1]},{\"name\": \"a\", \"shape\": [1]}"),
                path -> floats(1, 2), SOURCE)).hasMessageContaining("tensor a appears twice");
    }
}
