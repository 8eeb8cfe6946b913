package net.lennonnet.backbones.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.face.FaceDetection;
import net.lennonnet.model.image.Images;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * dlib's face descriptor as a DL4J graph with face-api's weights ({@link FaceDescriptorNet}), checked
 * against an independent reference, face-api's own TF.js network run by Node on the same chips, and
 * on what a face descriptor is for: the same face moved or mirrored stays close, different people's
 * faces (face-api's group photos, found by {@link BlazeFace} and aligned by {@link FaceAlign}) are far.
 */
class FaceDescriptorIT {

    @TempDir
    static Path tmp;
    static ComputationGraph net;
    static BlazeFace detector;

    @BeforeAll
    static void load() throws IOException {
        net = FaceDescriptorNet.fromPackage(RealPackages.faceApiTarball());
        detector = BlazeFace.load(RealPackages.blazeFace());
    }

    static float[] describe(BufferedImage chip) {
        INDArray out = net.outputSingle(false, FaceDescriptorNet.input(chip));
        return out.toFloatVector();
    }

    static BufferedImage chipOf(BufferedImage photo) {
        List<FaceDetection> faces = detector.detect(photo);
        assertThat(faces).isNotEmpty();
        return FaceAlign.chip(photo, faces.get(0));
    }

    static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    static BufferedImage astronaut() throws IOException {
        return Images.decode(RealPackages.skimageData().resolve("astronaut.png"), Images.DEFAULT_MAX_PIXELS);
    }

    /** The reference's descriptors of the chips, from face-api's TF.js network in Node. */
    static List<float[]> reference(List<BufferedImage> chips) throws Exception {
        Path script = tmp.resolve("face-descriptor-reference.mjs");
        try (var in = FaceDescriptorIT.class.getResourceAsStream("face-descriptor-reference.mjs")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of("node", "--no-warnings", script.toString(), RealPackages.faceApiPackage().toString()));
        for (int i = 0; i < chips.size(); i++) {
            byte[] rgb = new byte[150 * 150 * 3];
            int[] px = chips.get(i).getRGB(0, 0, 150, 150, null, 0, 150);
            for (int p = 0; p < px.length; p++) {
                rgb[3 * p] = (byte) (px[p] >> 16);
                rgb[3 * p + 1] = (byte) (px[p] >> 8);
                rgb[3 * p + 2] = (byte) px[p];
            }
            Path file = tmp.resolve("chip" + i + ".rgb");
            Files.write(file, rgb);
            command.add(file.toString());
        }
        Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).as("node: " + out).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<float[]> descriptors = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            descriptors.add(json.readValue(line, float[].class));
        }
        return descriptors;
    }

    @Test
    void theDl4jGraphComputesWhatFaceApiComputes() throws Exception {
        BufferedImage noise = new BufferedImage(150, 150, BufferedImage.TYPE_3BYTE_BGR);
        java.util.Random random = new java.util.Random(3);
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 150; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        List<BufferedImage> chips = List.of(chipOf(astronaut()), noise);
        List<float[]> expected = reference(chips);
        assertThat(expected).hasSize(2);
        for (int c = 0; c < chips.size(); c++) {
            float[] actual = describe(chips.get(c));
            assertThat(actual).hasSize(FaceDescriptorNet.FEATURES);
            double worst = 0;
            for (int i = 0; i < actual.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected.get(c)[i]));
            }
            System.out.printf("chip %d: largest difference from face-api %.2e%n", c, worst);
            assertThat(worst).as("chip %d", c).isLessThan(1e-3);
        }
    }

    @Test
    void theSameFaceMovedOrMirroredStaysCloseAndDifferentPeopleAreFar() throws IOException {
        BufferedImage photo = astronaut();
        float[] original = describe(chipOf(photo));
        BufferedImage mirrored = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = mirrored.createGraphics();
        g.drawImage(photo, new AffineTransform(-1, 0, 0, 1, photo.getWidth(), 0), null);
        g.dispose();
        BufferedImage shifted = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        g = shifted.createGraphics();
        g.drawImage(photo, 9, -6, null);
        g.dispose();
        assertThat(mirrored.getRGB(0, 200)).isEqualTo(photo.getRGB(photo.getWidth() - 1, 200));
        double toMirrored = distance(original, describe(chipOf(mirrored)));
        double toShifted = distance(original, describe(chipOf(shifted)));
        System.out.printf("astronaut: mirrored %.3f, shifted %.3f%n", toMirrored, toShifted);
        assertThat(toMirrored).isLessThan(0.35);
        assertThat(toShifted).isLessThan(0.35);

        // the 22 people of face-api's group photos: each pair of different people
        List<float[]> people = new ArrayList<>();
        Path samples = RealPackages.faceApiSamples();
        for (int i = 1; i <= 6; i++) {
            BufferedImage group = Images.decode(samples.resolve("sample" + i + ".jpg"), Images.DEFAULT_MAX_PIXELS);
            for (FaceDetection face : detector.detect(group)) {
                people.add(describe(FaceAlign.chip(group, face)));
            }
        }
        people.add(original);
        double closest = Double.MAX_VALUE;
        int pairs = 0;
        int near = 0;
        for (int i = 0; i < people.size(); i++) {
            for (int j = i + 1; j < people.size(); j++) {
                double d = distance(people.get(i), people.get(j));
                closest = Math.min(closest, d);
                pairs++;
                near += d <= 0.45 ? 1 : 0;
            }
        }
        System.out.printf("%d faces of different people: %d pairs, closest %.3f, %d pairs within 0.45%n", people.size(),
                pairs, closest, near);
        assertThat(people).hasSizeGreaterThanOrEqualTo(20);
        assertThat(closest).isGreaterThan(0.45);
    }
}
