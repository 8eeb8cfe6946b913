package net.lennonnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.backbones.Backbones;
import net.lennonnet.backbones.tfjs.BackboneBundle;
import net.lennonnet.backbones.tfjs.BackboneInfo;
import net.lennonnet.model.TinyGraphs;
import org.apache.spark.sql.SparkSession;

/** What the Spark tests share: a local master on loopback, a small backbone file, and features compared. */
final class SparkTests {

    private SparkTests() {}

    /** A {@code local[2]} session on loopback, without its web UI. */
    static SparkSession local(String name) {
        return SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** A small ImageNet-shaped backbone written as a backbone file and loaded as {@code train --weights FILE} loads it. */
    static Backbone tinyBackbone(Path file, long seed) throws IOException {
        var graph = TinyGraphs.imagenetShaped(32, seed);
        BackboneBundle.write(file, graph, new BackboneInfo(BackboneInfo.FORMAT, "tiny", "a drawn test backbone",
                "sha512-none", graph.numParams(), "0".repeat(64), 32, 32, BackboneInfo.CAFFE, List.of()));
        return Backbones.load(file);
    }

    /** Features equal to 1e-5 of their size (two engines, or two thread counts, agree that far). */
    static void assertSameFeatures(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as(what + ", feature " + i).isCloseTo(expected[i],
                    org.assertj.core.data.Offset.offset(1e-5f * Math.max(1f, Math.abs(expected[i]))));
        }
    }
}
