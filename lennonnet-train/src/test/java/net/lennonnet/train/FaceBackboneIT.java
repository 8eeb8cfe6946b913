package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.backbones.face.FaceDescriptorNet;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.DatasetReport;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Prediction;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import net.lennonnet.train.evaluation.CentreScore;
import net.lennonnet.train.evaluation.Evaluation;
import net.lennonnet.train.evaluation.EvaluationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --backbone face} through the stages on real faces: {@code dataset --face-align} (BlazeFace,
 * alignment), training a head on dlib's descriptor, the saved model predicting raw photos (detect,
 * align, describe, head) and {@code evaluate}. "john" is skimage's astronaut, photographed once and
 * varied here (crops, scale, mirror, light); "not_john" are the 22 people of face-api's group photos,
 * each varied twice. One photo per person makes this a test of the path, not of accuracy: the
 * held-out figures are printed, and asserted only as far as the descriptor's known separation allows.
 */
class FaceBackboneIT {

    @TempDir
    Path tmp;

    @Test
    void aFaceModelFromAlignedChipsToAnswers() throws Exception {
        BufferedImage astronaut = Images.decode(RealPackages.skimageData().resolve("astronaut.png"), Images.DEFAULT_MAX_PIXELS);
        Path raw = tmp.resolve("raw");
        Files.createDirectories(raw.resolve("john"));
        Files.createDirectories(raw.resolve("not_john"));
        int n = 0;
        for (int i = 0; i < 16; i++) {
            BufferedImage v = FacePhotos.variant(astronaut, 60 + 7 * i, 10 + 5 * (i % 5), 300 - 6 * i, 320 + 10 * i, i % 2 == 1,
                    0.8f + 0.03f * i);
            ImageIO.write(v, "png", raw.resolve("john/astronaut" + n++ + ".png").toFile());
        }
        Path samples = RealPackages.faceApiSamples();
        int people = 0;
        for (var photo : new java.util.TreeMap<>(RealPackages.GROUP_PHOTO_FACES).entrySet()) {
            BufferedImage group = Images.decode(samples.resolve(photo.getKey()), Images.DEFAULT_MAX_PIXELS);
            for (int[] f : photo.getValue()) {
                for (int k = 0; k < 2; k++) {
                    int side = (int) (f[2] * (2.2 + 0.4 * k));
                    int x = Math.max(0, Math.min(group.getWidth() - side, f[0] + f[2] / 2 - side / 2 + 10 * k));
                    int y = Math.max(0, Math.min(group.getHeight() - side, f[1] + f[3] / 2 - side / 2 - 10 * k));
                    ImageIO.write(FacePhotos.variant(group, x, y, side, 400, k == 1, 1f), "png",
                            raw.resolve("not_john/person" + people + "_" + k + ".png").toFile());
                }
                people++;
            }
        }
        // a photo without a face: --face-align rejects it as "no face found", never a guess
        Files.copy(RealPackages.skimageData().resolve("coffee.png"), raw.resolve("not_john/coffee.png"));
        Path data = tmp.resolve("dataset");
        DatasetReport built = new DatasetBuilder(new DatasetConfig(raw, data, 3, 0.2, 7, Images.DEFAULT_MAX_PIXELS, 0,
                Preparation.FACE_ALIGN)).build();
        System.out.println("face-aligned dataset: " + built.counts() + ", faces found in " + built.faces() + " of "
                + (16 + 2 * people));
        assertThat(built.preparation()).isEqualTo(Preparation.FACE_ALIGN);
        assertThat(built.faces()).isGreaterThanOrEqualTo((16 + 2 * people) * 9 / 10);
        assertThat(built.rejected()).containsEntry("no face found", 1);
        assertThat(Dataset.open(data).manifest()).anySatisfy(e -> {
            assertThat(e.source()).isEqualTo("not_john/coffee.png");
            assertThat(e.reason()).isEqualTo("no face found");
        });
        Path stored = Files.list(data.resolve("train/john")).findFirst().orElseThrow();
        assertThat(Images.decode(stored, Images.DEFAULT_MAX_PIXELS).getWidth()).isEqualTo(FaceDescriptorNet.INPUT);

        // the ResNet-50 backbone refuses a chip dataset, and the face backbone a dataset of whole photos
        assertThatThrownBy(() -> Training.run(TrainConfig.builder(data, tmp.resolve("wrong"))
                .weights(new WeightsChoice.RandomInit()).inputSize(64).build()))
                .hasMessageContaining("train on it with --backbone face");

        Path model = tmp.resolve("model");
        TrainResult result = Training.run(TrainConfig.builder(data, model).backbone(BackboneKind.FACE)
                .epochs(60).patience(60).learningRate(0.01).batchSize(8).seed(3).build());
        System.out.printf("held out: john %d/%d, not_john %d/%d%n", result.test().johnCorrect(), result.test().johnTotal(),
                result.test().notJohnCorrect(), result.test().notJohnTotal());
        assertThat(result.backbone()).contains("dlib face descriptor");
        assertThat(result.test().johnTotal() + result.test().notJohnTotal()).isEqualTo(6);
        assertThat(result.test().accuracy()).isGreaterThanOrEqualTo(5 / 6.0);

        try (LennonNet net = LennonNet.load(model)) {
            assertThat(net.metadata().input().preparation()).isEqualTo(Preparation.FACE_ALIGN);
            // a raw photo: found, aligned, described, answered; the face box in the photo's coordinates
            BufferedImage mirrored = FacePhotos.variant(astronaut, 0, 0, 512, 512, true, 1.1f);
            Prediction john = net.predict(mirrored);
            System.out.println("mirrored astronaut: " + john);
            assertThat(john.label()).isEqualTo("john");
            assertThat(john.face()).isPresent();
            // the keypoints it aligned by, in the photo: inside the face box
            var box = john.face().get();
            assertThat(john.keypoints()).hasSize(6).allSatisfy(k -> {
                assertThat(k.x()).isBetween(box.x() - 0.3 * box.width(), box.x() + 1.3 * box.width());
                assertThat(k.y()).isBetween(box.y() - 0.3 * box.height(), box.y() + 1.3 * box.height());
            });
            BufferedImage sample3 = Images.decode(samples.resolve("sample3.jpg"), Images.DEFAULT_MAX_PIXELS);
            Prediction group = net.predict(sample3);
            System.out.println("group photo: " + group);
            assertThat(group.label()).isEqualTo("not_john");
            // no face: the one clear outcome in each entry point of the API
            Path coffee = RealPackages.skimageData().resolve("coffee.png");
            assertThat(net.predictFiles(List.of(coffee)).get(0).error()).contains("no face found");
            assertThatThrownBy(() -> net.predict(Images.decode(coffee, Images.DEFAULT_MAX_PIXELS)))
                    .isInstanceOf(net.lennonnet.model.face.NoFaceException.class).hasMessage("no face found");
            // every face of the group photo, largest first, the first being the one predict answered for
            List<Prediction> everyFace = net.predictEveryFace(sample3);
            assertThat(everyFace).hasSize(3).allSatisfy(p -> assertThat(p.label()).isEqualTo("not_john"));
            assertThat(everyFace.get(0).face()).isEqualTo(group.face());
            assertThat(everyFace.get(0).probabilityJohn()).isCloseTo(group.probabilityJohn(),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
        EvaluationReport evaluation = Evaluation.run(model, Dataset.open(data), tmp.resolve("evaluation"), Evaluation.ThresholdFrom.MODEL);
        System.out.printf("evaluate: accuracy %.3f, AUC %.3f%n", evaluation.accuracy(), evaluation.auc());
        assertThat(evaluation.table().johnTotal()).isEqualTo(3);
        assertThat(evaluation.failed()).isEmpty();
        // the distance-to-centre score beside the head, in the report and on its page
        assertThat(evaluation.centreScore()).isPresent();
        CentreScore centre = evaluation.centreScore().get();
        System.out.println("centre score: " + centre);
        assertThat(centre.johnTrainingFaces()).isEqualTo(result.history().isEmpty() ? -1 : 10);
        assertThat(centre.table().johnTotal() + centre.table().notJohnTotal()).isEqualTo(6);
        assertThat(centre.auc()).isGreaterThanOrEqualTo(0.9);
        assertThat(Files.readString(tmp.resolve("evaluation/evaluation.html"))).contains("Distance to the john centre");

        // one path: predict on each held-out image's raw photo equals evaluate on the stored chip
        java.util.Map<String, String> source = new java.util.HashMap<>();
        Dataset.open(data).kept().forEach(e -> source.put(e.id(), e.source()));
        List<String> rows = Files.readAllLines(tmp.resolve("evaluation/test-predictions.csv"));
        try (LennonNet net = LennonNet.load(model)) {
            for (String row : rows.subList(1, rows.size())) {
                String[] cells = row.split(",");
                double fromRaw = net.predict(raw.resolve(source.get(cells[1]))).probabilityJohn();
                assertThat(fromRaw).as(cells[0]).isCloseTo(Double.parseDouble(cells[3]),
                        org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }
}
