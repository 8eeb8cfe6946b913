package net.lennonnet.model.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import org.junit.jupiter.api.Test;

class FaceAlignTest {

    /** A face whose eyes and nose tip are the chip template turned by {@code degrees}, scaled and moved. */
    private static FaceDetection face(double degrees, double scale, double dx, double dy) {
        double c = Math.cos(Math.toRadians(degrees)) * scale;
        double s = Math.sin(Math.toRadians(degrees)) * scale;
        List<FaceDetection.Point> k = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            double[] t = FaceAlign.TEMPLATE[Math.min(i, 2)];
            k.add(new FaceDetection.Point(c * t[0] - s * t[1] + dx, s * t[0] + c * t[1] + dy));
        }
        return new FaceDetection(dx, dy, 150 * scale, 150 * scale, k, 0.9);
    }

    @Test
    void keypointsThatAreATurnedScaledTemplateLandExactlyOnIt() {
        FaceDetection face = face(25, 2.7, 310, 140);
        for (int i = 0; i < 3; i++) {
            Point2D p = FaceAlign.toChip(face, face.keypoints().get(i));
            assertThat(p.getX()).as("point %d", i).isCloseTo(FaceAlign.TEMPLATE[i][0], within(1e-9));
            assertThat(p.getY()).as("point %d", i).isCloseTo(FaceAlign.TEMPLATE[i][1], within(1e-9));
        }
    }

    @Test
    void theChipShowsWhatWasAtTheEyesWhereTheTemplatePutsThem() {
        FaceDetection face = face(-30, 3, 200, 260);
        BufferedImage image = new BufferedImage(900, 900, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, 900, 900);
        Color[] marks = {Color.RED, Color.BLUE, Color.GREEN};
        for (int i = 0; i < 3; i++) {
            FaceDetection.Point p = face.keypoints().get(i);
            g.setColor(marks[i]);
            g.fillOval((int) Math.round(p.x()) - 9, (int) Math.round(p.y()) - 9, 19, 19);
        }
        g.dispose();
        BufferedImage chip = FaceAlign.chip(image, face);
        assertThat(chip.getWidth()).isEqualTo(FaceAlign.CHIP);
        for (int i = 0; i < 3; i++) {
            int rgb = chip.getRGB((int) Math.round(FaceAlign.TEMPLATE[i][0]), (int) Math.round(FaceAlign.TEMPLATE[i][1]));
            assertThat(rgb & 0xffffff).as("mark %d", i).isEqualTo(marks[i].getRGB() & 0xffffff);
        }
        // the grey around the marks
        assertThat(chip.getRGB(74, 20) & 0xffffff).isEqualTo(Color.GRAY.getRGB() & 0xffffff);
    }

    @Test
    void noisyKeypointsGiveTheBestFitNotAnExactOne() {
        FaceDetection exact = face(10, 2, 100, 100);
        List<FaceDetection.Point> k = new ArrayList<>(exact.keypoints());
        k.set(FaceDetection.NOSE, new FaceDetection.Point(k.get(2).x() + 6, k.get(2).y() - 4));
        FaceDetection noisy = new FaceDetection(100, 100, 300, 300, k, 0.9);
        double worst = 0;
        for (int i = 0; i < 3; i++) {
            Point2D p = FaceAlign.toChip(noisy, noisy.keypoints().get(i));
            worst = Math.max(worst, Math.hypot(p.getX() - FaceAlign.TEMPLATE[i][0], p.getY() - FaceAlign.TEMPLATE[i][1]));
        }
        // the 7.2-pixel error (3.6 in the chip) is shared among the three points, not left on one
        assertThat(worst).isGreaterThan(0).isLessThan(3.6);
    }

    @Test
    void theFaceChipContractFeedsTheDescriptorItsOwnInput() {
        BufferedImage chip = new BufferedImage(150, 150, BufferedImage.TYPE_3BYTE_BGR);
        java.util.Random random = new java.util.Random(5);
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 150; x++) {
                chip.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        var viaPipeline = ImagePipeline.of(InputContract.faceChip()).toInput(chip);
        assertThat(viaPipeline.shape()).containsExactly(1, 3, 150, 150);
        // channels R, G, B, each (value - face-api's mean) / 256, at every pixel tried
        for (int[] at : new int[][] {{7, 3}, {0, 0}, {149, 149}, {75, 20}}) {
            int rgb = chip.getRGB(at[0], at[1]);
            int[] channel = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
            for (int c = 0; c < 3; c++) {
                assertThat(viaPipeline.getDouble(0, c, at[1], at[0]))
                        .isCloseTo((channel[c] - InputContract.DLIB_FACE_MEAN_RGB[c]) / 256, within(1e-5));
            }
        }
    }

    @Test
    void theBoxDetectorIsTheFallbackWhenTheLandmarkDetectorFindsNothing() {
        BufferedImage image = new BufferedImage(400, 300, BufferedImage.TYPE_3BYTE_BGR);
        FaceDetection landmarks = face(0, 1, 100, 80);
        FaceBox box = new FaceBox(120, 60, 100, 100);
        // the landmark detector's face wins when there is one
        assertThat(FaceAlign.locate(image, i -> java.util.Optional.of(landmarks), i -> java.util.Optional.of(box)))
                .contains(landmarks);
        // else the box detector's, with keypoints placed in the box
        FaceDetection fallback = FaceAlign.locate(image, i -> java.util.Optional.empty(), i -> java.util.Optional.of(box))
                .orElseThrow();
        assertThat(fallback.score()).isZero();
        assertThat(fallback.keypoints().get(FaceDetection.LEFT_EYE)).isEqualTo(new FaceDetection.Point(150, 98));
        assertThat(fallback.keypoints().get(FaceDetection.RIGHT_EYE)).isEqualTo(new FaceDetection.Point(190, 98));
        assertThat(fallback.keypoints().get(FaceDetection.NOSE)).isEqualTo(new FaceDetection.Point(170, 122));
        // and nothing when neither finds a face
        assertThat(FaceAlign.locate(image, i -> java.util.Optional.empty(), i -> java.util.Optional.empty())).isEmpty();
    }
}
