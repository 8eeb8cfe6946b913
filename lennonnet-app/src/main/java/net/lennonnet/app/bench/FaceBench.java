package net.lennonnet.app.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.lennonnet.backbones.face.FaceDescriptorNet;
import net.lennonnet.backbones.face.FaceModels;
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.face.FaceDetection;
import net.lennonnet.model.image.Images;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The face path's speed, for {@code lennonnet benchmark --faces PHOTO}: face descriptors per second on
 * aligned chips in batches of 16 and from photo files one by one, and one photo end to end, warm: decode, the largest face
 * ({@link BlazeFace#largest}), align, describe and a two-class head on the descriptor.
 */
public final class FaceBench {

    private FaceBench() {}

    public static Map<String, String> run(Path photo, int samples) throws IOException {
        Map<String, String> table = new LinkedHashMap<>();
        byte[] bytes = Files.readAllBytes(photo);
        try (BlazeFace detector = BlazeFace.load(FaceModels.blazeFace())) {
            ComputationGraph descriptor = FaceDescriptorNet.fromPackage(FaceModels.faceDescriptor());
            INDArray head = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, FaceDescriptorNet.FEATURES, 2);
            BufferedImage image = Images.decode(bytes, Images.DEFAULT_MAX_PIXELS);
            List<FaceDetection> faces = detector.detect(image);
            if (faces.isEmpty()) {
                throw new IOException("no face found in " + photo + ": the benchmark needs a photo with a face");
            }
            BufferedImage chip = FaceAlign.chip(image, faces.get(0));
            INDArray batch = Nd4j.concat(0, java.util.Collections.nCopies(16, FaceDescriptorNet.input(chip))
                    .toArray(INDArray[]::new));
            for (int i = 0; i < 2; i++) {
                descriptor.outputSingle(false, batch);
            }
            int rounds = 10;
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                descriptor.outputSingle(false, batch);
            }
            double perSecond = rounds * 16 / ((System.nanoTime() - start) / 1e9);
            table.put("face descriptors from aligned chips, batch 16", String.format("%.1f per second", perSecond));

            double[] millis = new double[samples];
            for (int i = -3; i < samples; i++) {
                long t = System.nanoTime();
                BufferedImage decoded = Images.decode(bytes, Images.DEFAULT_MAX_PIXELS);
                FaceDetection face = detector.largest(decoded).orElseThrow();
                INDArray d = descriptor.outputSingle(false, FaceDescriptorNet.input(FaceAlign.chip(decoded, face)));
                Transforms.softmax(d.mmul(head), false);
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - t) / 1e6;
                }
            }
            Arrays.sort(millis);

            // a folder of photo files, one after another, as dataset --face-align and predict go through them
            Path folder = Files.createTempDirectory("lennonnet-face-bench");
            int files = 20;
            for (int i = 0; i < files; i++) {
                Files.write(folder.resolve("photo" + i + photo.getFileName().toString().replaceAll("^.*(\\.[^.]+)$", "$1")), bytes);
            }
            long folderStart = System.nanoTime();
            int described = 0;
            try (var list = Files.list(folder)) {
                for (Path file : list.sorted().toList()) {
                    BufferedImage decoded = Images.decode(file, Images.DEFAULT_MAX_PIXELS);
                    var face = detector.largest(decoded);
                    if (face.isPresent()) {
                        descriptor.outputSingle(false, FaceDescriptorNet.input(FaceAlign.chip(decoded, face.get())));
                        described++;
                    }
                }
            }
            double filesPerSecond = described / ((System.nanoTime() - folderStart) / 1e9);
            try (var list = Files.list(folder)) {
                for (Path f : list.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(folder);
            table.put(String.format("face descriptors from %d photo files, one by one (decode, detect, align, describe)", files),
                    String.format("%.1f per second", filesPerSecond));
            table.put(String.format("one photo end to end, warm (%dx%d: decode, detect, align, describe, head)",
                    image.getWidth(), image.getHeight()), String.format("p50 %.0f ms, p90 %.0f ms (%d samples, %d faces in the photo)",
                    millis[samples / 2], millis[(int) (samples * 0.9)], samples, faces.size()));
        }
        return table;
    }
}
