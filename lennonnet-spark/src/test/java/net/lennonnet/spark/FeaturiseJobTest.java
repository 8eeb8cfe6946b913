package net.lennonnet.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.data.Split;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.train.TrainConfig;
import net.lennonnet.train.TrainResult;
import net.lennonnet.train.Training;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The featurise job on a local[2] master, on a dataset of drawn images and a small backbone file: its rows,
 * imported into the dataset's feature cache, are the ones {@code train} reads (it computes none of them), and
 * equal to 1e-5 what {@code train} computes itself into an empty cache; a damaged image is a row with its
 * reason, a re-run skips what is there, and another backbone's table is refused.
 */
class FeaturiseJobTest {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path weights;
    static Backbone backbone;

    @BeforeAll
    static void start() throws IOException {
        weights = dir.resolve("backbone.zip");
        backbone = SparkTests.tinyBackbone(weights, 7);
        spark = SparkTests.local("lennonnet featurise test");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** A dataset of drawn images: john reddish, not_john bluish, {@code perClass} per class in train. */
    private static Path dataset(Path folder, int perClass) throws IOException {
        return dataset(folder, perClass, false);
    }

    /**
     * The same, the train images of each class from dark to bright when {@code spread} (so that each has its own
     * extremes, and an int8 calibration's ranges depend on which it reads).
     */
    private static Path dataset(Path folder, int perClass, boolean spread) throws IOException {
        int n = 0;
        for (Split split : Split.values()) {
            for (String label : Labels.ALL) {
                Path classFolder = Files.createDirectories(folder.resolve(split.folder()).resolve(label));
                int count = split == Split.TRAIN ? perClass : 3;
                for (int i = 0; i < count; i++, n++) {
                    Color c = label.equals(Labels.JOHN) ? new Color(200 + i * 5 % 56, 40 + n % 50, 30)
                            : new Color(30, 40 + n % 50, 200 + i * 5 % 56);
                    if (spread) {
                        float f = (i + 1f) / count;
                        c = new Color((int) (c.getRed() * f), (int) (c.getGreen() * f), (int) (c.getBlue() * f));
                    }
                    BufferedImage image = TestImages.solid(32 + n % 9, 32 + n % 5, BufferedImage.TYPE_INT_RGB, c);
                    Files.write(classFolder.resolve(String.format("%s-%03d.png", label, n)), TestImages.encode(image, "png"));
                }
            }
        }
        return folder;
    }

    /**
     * Every training image's features imported into {@code data}'s default cache under {@code key} are the ones
     * {@code train} computed itself into {@code ownCache} under the same key.
     */
    private static void assertImportedAsComputed(Path data, Path ownCache, String key) throws IOException {
        FeatureCache imported = new FeatureCache(FeatureCache.defaultRoot(data), key);
        FeatureCache computed = new FeatureCache(ownCache, key);
        try (var files = Files.walk(data.resolve("train"))) {
            for (Path png : files.filter(p -> p.toString().endsWith(".png")).toList()) {
                String sha = Hashes.sha256(png);
                SparkTests.assertSameFeatures(imported.get(sha).orElseThrow(), computed.get(sha)
                        .orElseThrow(() -> new AssertionError("train keyed " + png + " elsewhere")), png.toString());
            }
        }
    }

    @Test
    void trainReadsEveryImportedFeatureAndComputesTheSame() throws IOException {
        Path data = dataset(dir.resolve("data"), 9);
        Path out = dir.resolve("out");
        FeaturiseJob.Result result = FeaturiseJob.run(spark, backbone, BackboneKind.RESNET50, Engine.Choice.AUTO, data, out,
                FeatureCache.defaultRoot(data));
        int images = 2 * (9 + 3 + 3);
        assertThat(result.rows()).isEqualTo(images);
        assertThat(result.failed()).isZero();
        assertThat(result.imported()).isEqualTo(images);

        // train on the dataset: every feature comes from the imported rows
        TrainResult trained = Training.run(TrainConfig.builder(data, dir.resolve("model"))
                .weights(new WeightsChoice.LocalFile(weights)).build());
        assertThat(trained.featuresComputed()).as("features train computed itself").isZero();
        assertThat(trained.test().johnTotal() + trained.test().notJohnTotal()).isEqualTo(6);

        // and they are what train computes when it has none
        Path ownCache = dir.resolve("own-cache");
        TrainResult own = Training.run(TrainConfig.builder(data, dir.resolve("model-own"))
                .weights(new WeightsChoice.LocalFile(weights)).featureCache(ownCache).build());
        assertThat(own.featuresComputed()).isEqualTo(images);
        assertImportedAsComputed(data, ownCache, result.backboneKey());
    }

    @Test
    void int8FeaturesAreTheOnesTrainInInt8ReadsWhateverItsSeed() throws IOException {
        Path data = dataset(dir.resolve("data-int8"), 20, true); // more training images than a calibration reads
        FeaturiseJob.Result result = FeaturiseJob.run(spark, backbone, BackboneKind.RESNET50, Engine.Choice.AUTO,
                Engine.Precision.INT8, data, dir.resolve("out-int8"), FeatureCache.defaultRoot(data));
        int images = 2 * (20 + 3 + 3);
        assertThat(result.failed()).isZero();
        assertThat(result.imported()).isEqualTo(images);
        FeaturiseJob.Result floats = FeaturiseJob.run(spark, backbone, BackboneKind.RESNET50, Engine.Choice.AUTO, data,
                dir.resolve("out-fp32"), null);
        assertThat(result.backboneKey()).as("int8 features are keyed apart from float ones").isNotEqualTo(floats.backboneKey());

        // train in int8, with the default seed and another one: every feature comes from the imported rows
        for (long seed : new long[] {TrainConfig.DEFAULT_SEED, 7}) {
            TrainResult trained = Training.run(TrainConfig.builder(data, dir.resolve("model-int8-" + seed)).seed(seed)
                    .weights(new WeightsChoice.LocalFile(weights)).precision(Engine.Precision.INT8).build());
            assertThat(trained.featuresComputed()).as("features train --precision int8 --seed %d computed", seed).isZero();
        }

        // and they are what train computes in int8 when it has none
        Path ownCache = dir.resolve("own-cache-int8");
        TrainResult own = Training.run(TrainConfig.builder(data, dir.resolve("model-int8-own"))
                .weights(new WeightsChoice.LocalFile(weights)).featureCache(ownCache).precision(Engine.Precision.INT8)
                .build());
        assertThat(own.featuresComputed()).isEqualTo(images);
        assertImportedAsComputed(data, ownCache, result.backboneKey());

        assertThatThrownBy(() -> FeaturiseJob.run(spark, backbone, BackboneKind.RESNET50, Engine.Choice.DL4J,
                Engine.Precision.INT8, data, dir.resolve("out-dl4j-int8"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not with --engine dl4j");
    }

    @Test
    void aDamagedImageIsARowAReRunSkipsAndAnotherBackboneIsRefused() throws IOException {
        Path data = dataset(dir.resolve("damaged-data"), 3);
        Files.writeString(data.resolve("train/john/damaged.png"), "\u0089PNG not a whole png");
        Path out = dir.resolve("damaged-out");
        FeaturiseJob.Result first = FeaturiseJob.run(spark, backbone, BackboneKind.RESNET50, Engine.Choice.DL4J, data, out,
                null);
        assertThat(first.rows()).isEqualTo(2 * 9 + 1);
        assertThat(first.failed()).isEqualTo(1);
        assertThat(first.imported()).isZero();
        Row damaged = spark.read().parquet(out.resolve(FeaturiseJob.PARQUET).toString())
                .filter("status = 'failed'").collectAsList().get(0);
        assertThat(damaged.<String>getAs("path")).endsWith("damaged.png");
        assertThat(damaged.<String>getAs("reason")).isNotBlank();
        assertThat(damaged.<Object>getAs("features")).isNull();

        FeaturiseJob.Result again = FeaturiseJob.run(spark, backbone, BackboneKind.RESNET50, Engine.Choice.DL4J, data, out,
                null);
        assertThat(again.skipped()).isEqualTo(2 * 9 + 1);
        assertThat(again.rows()).isEqualTo(2 * 9 + 1);

        // ONNX Runtime's features are keyed apart from DL4J's: into this table they would mix
        assertThatThrownBy(() -> FeaturiseJob.run(spark, backbone, BackboneKind.RESNET50, Engine.Choice.ONNXRUNTIME, data,
                out, null)).hasMessageContaining("another backbone_key");
        assertThatThrownBy(() -> FeaturiseJob.run(spark, backbone, BackboneKind.FACE, Engine.Choice.DL4J, data, out, null))
                .hasMessageContaining("--face-align");
    }
}
