package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import net.lennonnet.train.evaluation.CentreScore;
import net.lennonnet.train.evaluation.Evaluation;
import net.lennonnet.train.evaluation.EvaluationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two backbones side by side on the same real photos and the same split (docs/evaluation.md): the
 * same raw folder built once with {@code --face-crop} for ImageNet ResNet-50 and once with {@code
 * --face-align} for dlib's descriptor; the test images are the same raw files in both (the split goes
 * by each raw file's own hash). "john" is skimage's astronaut in 40 variants of one photo; "not_john"
 * the 22 people of face-api's group photos, three variants each. One photo per person: a small,
 * easy task, measured rather than claimed.
 */
class FaceVersusImageNetIT {

    @TempDir
    Path tmp;

    @Test
    void theFaceDescriptorBesideImageNetFeatures() throws Exception {
        BufferedImage astronaut = Images.decode(RealPackages.skimageData().resolve("astronaut.png"), Images.DEFAULT_MAX_PIXELS);
        Path raw = tmp.resolve("raw");
        Files.createDirectories(raw.resolve("john"));
        Files.createDirectories(raw.resolve("not_john"));
        for (int i = 0; i < 40; i++) {
            ImageIO.write(FacePhotos.variant(astronaut, 40 + 4 * i, 5 + 3 * (i % 7), 330 - 4 * i, 300 + 7 * i, i % 2 == 1,
                    0.75f + 0.012f * i), "png", raw.resolve("john/a" + i + ".png").toFile());
        }
        int person = 0;
        for (var photo : new java.util.TreeMap<>(RealPackages.GROUP_PHOTO_FACES).entrySet()) {
            BufferedImage group = Images.decode(RealPackages.faceApiSamples().resolve(photo.getKey()), Images.DEFAULT_MAX_PIXELS);
            for (int[] f : photo.getValue()) {
                for (int k = 0; k < 3; k++) {
                    int side = (int) (f[2] * (2.0 + 0.35 * k));
                    int x = Math.max(0, Math.min(group.getWidth() - side, f[0] + f[2] / 2 - side / 2 + 8 * k));
                    int y = Math.max(0, Math.min(group.getHeight() - side, f[1] + f[3] / 2 - side / 2 - 8 * k));
                    ImageIO.write(FacePhotos.variant(group, x, y, side, 360, k == 1, 0.9f + 0.1f * k), "png",
                            raw.resolve("not_john/p" + person + "_" + k + ".png").toFile());
                }
                person++;
            }
        }
        StringBuilder table = new StringBuilder("| backbone | held out right | accuracy (95% interval) | AUC | other people called john |\n"
                + "| --- | --- | --- | --- | --- |\n");
        double[] accuracy = new double[2];
        for (int b = 0; b < 2; b++) {
            boolean face = b == 1;
            Path data = tmp.resolve(face ? "aligned" : "cropped");
            new DatasetBuilder(new DatasetConfig(raw, data, 10, 0.2, 11, Images.DEFAULT_MAX_PIXELS, 0,
                    face ? Preparation.FACE_ALIGN : Preparation.FACE_CROP)).build();
            Path model = tmp.resolve(face ? "face-model" : "resnet-model");
            TrainConfig.Builder config = TrainConfig.builder(data, model).epochs(80).patience(20).learningRate(0.005)
                    .batchSize(16).seed(5);
            if (face) {
                config.backbone(BackboneKind.FACE);
            } else {
                config.weights(new WeightsChoice.LocalFile(RealPackages.resnet50()));
            }
            Training.run(config.build());
            EvaluationReport r = Evaluation.run(model, Dataset.open(data), tmp.resolve(face ? "face-eval" : "resnet-eval"),
                    Evaluation.ThresholdFrom.VALIDATION);
            var t = r.table();
            accuracy[b] = r.accuracy();
            table.append(String.format("| %s | john %d/%d, not_john %d/%d | %.3f (%.3f to %.3f) | %.3f | %d of %d |%n",
                    face ? "face (dlib descriptor, --face-align)" : "resnet50 (ImageNet, --face-crop)", t.johnCorrect(),
                    t.johnTotal(), t.notJohnCorrect(), t.notJohnTotal(), r.accuracy(), r.accuracyCi95().low(),
                    r.accuracyCi95().high(), r.auc(), t.notJohnTotal() - t.notJohnCorrect(), t.notJohnTotal()));
            assertThat(t.johnTotal() + t.notJohnTotal()).isEqualTo(20);
            if (face) {
                CentreScore c = r.centreScore().orElseThrow();
                table.append(String.format("| face, distance to the john centre | john %d/%d, not_john %d/%d | %.3f (%.3f to %.3f) | %.3f | %d of %d |%n",
                        c.table().johnCorrect(), c.table().johnTotal(), c.table().notJohnCorrect(), c.table().notJohnTotal(),
                        c.accuracy(), c.accuracyCi95().low(), c.accuracyCi95().high(), c.auc(),
                        c.table().notJohnTotal() - c.table().notJohnCorrect(), c.table().notJohnTotal()));
            } else {
                assertThat(r.centreScore()).isEmpty();
            }
        }
        System.out.println(table);
        // the identity descriptor must not be worse than ImageNet features at telling one person from others
        assertThat(accuracy[1]).isGreaterThanOrEqualTo(accuracy[0]);
    }
}
