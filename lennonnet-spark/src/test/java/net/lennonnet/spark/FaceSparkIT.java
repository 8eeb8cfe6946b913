package net.lennonnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.Backbones;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.DatasetReport;
import net.lennonnet.data.Split;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Outcome;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.face.NoFaceException;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import net.lennonnet.train.DeepfacePhotos;
import net.lennonnet.train.TrainConfig;
import net.lennonnet.train.TrainResult;
import net.lennonnet.train.Training;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The face backbone through both Spark jobs on real photos (deepface's 13 people): the person with the most
 * photos is john. {@code dataset --face-align}, then {@code featurise} on a local[2] master computes the
 * descriptor of every chip and imports it, {@code train --backbone face} computes none itself, and the Spark
 * {@code predict} with the trained face model (detect, align, describe, head on the executors) answers every
 * raw photo as {@code LennonNet.predictFiles} does, to 1e-6, or with the same reason.
 */
class FaceSparkIT {

    @TempDir
    Path tmp;

    @Test
    void theFaceBackboneFeaturisesAndAnswersRealPhotosThroughSpark() throws Exception {
        Map<String, List<Path>> people = DeepfacePhotos.people(tmp.resolve("photos"));
        String john = people.entrySet().stream().max(Map.Entry.comparingByValue(
                java.util.Comparator.comparingInt(List::size))).orElseThrow().getKey();
        Path raw = tmp.resolve("raw");
        Files.createDirectories(raw.resolve(Labels.JOHN));
        Files.createDirectories(raw.resolve(Labels.NOT_JOHN));
        for (var e : people.entrySet()) {
            for (Path p : e.getValue()) {
                Files.copy(p, raw.resolve(e.getKey().equals(john) ? Labels.JOHN : Labels.NOT_JOHN).resolve(p.getFileName()));
            }
        }
        Path data = tmp.resolve("data");
        DatasetReport built = new DatasetBuilder(new DatasetConfig(raw, data, 2, DatasetConfig.DEFAULT_VAL_FRACTION,
                DatasetConfig.DEFAULT_SEED, Images.DEFAULT_MAX_PIXELS, DatasetConfig.DEFAULT_NEAR_DUPLICATE_DISTANCE,
                Preparation.FACE_ALIGN)).build();
        long chips = 0;
        for (Split split : Split.values()) {
            try (Stream<Path> files = Files.walk(data.resolve(split.folder()))) {
                chips += files.filter(p -> p.toString().endsWith(".png")).count();
            }
        }
        System.out.println("aligned dataset of " + john + " against 12 others: " + built.counts() + ", " + chips + " chips");

        SparkSession spark = SparkTests.local("lennonnet face test");
        try {
            FeaturiseJob.Result features = FeaturiseJob.run(spark, Backbones.face(), BackboneKind.FACE, Engine.Choice.AUTO,
                    data, tmp.resolve("features"), FeatureCache.defaultRoot(data));
            assertThat(features.rows()).isEqualTo(chips);
            assertThat(features.failed()).isZero();
            assertThat(features.imported()).isEqualTo(chips);

            TrainResult trained = Training.run(TrainConfig.builder(data, tmp.resolve("model")).backbone(BackboneKind.FACE)
                    .build());
            assertThat(trained.featuresComputed()).as("descriptors train computed itself").isZero();
            System.out.printf("held out: john %d/%d, not_john %d/%d%n", trained.test().johnCorrect(),
                    trained.test().johnTotal(), trained.test().notJohnCorrect(), trained.test().notJohnTotal());

            Path out = tmp.resolve("answers");
            PredictJob.Result answered = PredictJob.run(spark, trained.model(), List.of(raw.toString()), out);
            List<Path> photos;
            try (Stream<Path> files = Files.walk(raw)) {
                photos = files.filter(Files::isRegularFile).sorted().toList();
            }
            assertThat(answered.answered()).isEqualTo(photos.size());
            Map<String, Outcome> expected = new HashMap<>();
            try (LennonNet net = LennonNet.load(trained.model())) {
                for (Outcome o : net.predictFiles(photos)) {
                    expected.put(Path.of(o.source()).toAbsolutePath().normalize().toString(), o);
                }
            }
            int johnCalledJohn = 0;
            for (Row row : spark.read().parquet(out.resolve(PredictJob.PARQUET).toString()).collectAsList()) {
                String path = Path.of(java.net.URI.create(row.getAs("path"))).toString();
                Outcome o = expected.get(path);
                assertThat(o).as(path).isNotNull();
                if (o.prediction().isPresent()) {
                    assertThat(row.<String>getAs("status")).as(path).isEqualTo("ok");
                    assertThat(row.<Double>getAs("p_john")).as(path).isCloseTo(o.prediction().get().probabilityJohn(),
                            org.assertj.core.data.Offset.offset(1e-6));
                    johnCalledJohn += path.contains("/" + Labels.JOHN + "/") && o.prediction().get().label().equals(Labels.JOHN)
                            ? 1 : 0;
                } else {
                    assertThat(row.<String>getAs("status")).as(path).isEqualTo("failed");
                    assertThat(row.<String>getAs("reason")).as(path).isEqualTo(o.error().orElseThrow());
                }
            }
            System.out.printf("Spark predict, face model: %d photos, %d failed (%s), %d of %d of %s's photos called john%n",
                    answered.answered(), answered.failed(), NoFaceException.REASON, johnCalledJohn,
                    people.get(john).size(), john);
        } finally {
            spark.stop();
        }
    }
}
