package net.lennonnet.backbones;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lennonnet.backbones.face.FaceModels;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.bundle.Decision;
import net.lennonnet.model.engine.Engines;
import net.lennonnet.model.engine.FeatureVectors;
import net.lennonnet.model.engine.Int8Export;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Runtime against DL4J on the real backbones and real photos: the features within 1e-4 of each
 * image's largest feature, and the same decisions (ImageNet's top class for ResNet-50; same person or
 * not, at dlib's 0.6, for every pair of faces with the face descriptor).
 */
class OnnxParityIT {

    private static final List<String> SKIMAGE_PHOTOS = List.of("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg",
            "motorcycle_left.png", "hubble_deep_field.jpg", "camera.png", "coins.png");

    private record Pair(float[][] dl4j, float[][] onnx) {}

    private static Pair bothEngines(ComputationGraph graph, String vertex, InputContract contract, INDArray input) {
        float[][] dl4j;
        try (Engine engine = Engines.open(Engine.Choice.DL4J, graph, vertex, 3, contract.height(), contract.width())) {
            dl4j = engine.features(input);
        }
        try (Engine engine = Engines.open(Engine.Choice.ONNXRUNTIME, graph, vertex, 3, contract.height(), contract.width())) {
            return new Pair(dl4j, engine.features(input));
        }
    }

    /** Each feature within 1e-4 of its image's largest; returns the largest relative difference seen. */
    private static double assertClose(Pair p) {
        double worst = 0;
        for (int i = 0; i < p.dl4j().length; i++) {
            double scale = 0;
            for (float v : p.dl4j()[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertThat(scale).isGreaterThan(0);
            for (int j = 0; j < p.dl4j()[i].length; j++) {
                double relative = Math.abs(p.dl4j()[i][j] - p.onnx()[i][j]) / scale;
                worst = Math.max(worst, relative);
                assertThat(relative).as("image %d, feature %d", i, j).isLessThanOrEqualTo(1e-4);
            }
        }
        return worst;
    }

    @Test
    void resnet50GivesDl4jsFeaturesAndImageNetClassesOnRealPhotos() throws IOException {
        Backbone backbone = Backbones.load(RealPackages.resnet50());
        ComputationGraph graph = backbone.graph();
        TransferGraph.Head head = TransferGraph.findHead(graph);
        ImagePipeline pipeline = ImagePipeline.of(backbone.input());
        List<INDArray> inputs = photos(pipeline, SKIMAGE_PHOTOS, 1, 6);
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(12);
        INDArray batch = Nd4j.concat(0, inputs.toArray(INDArray[]::new));
        Pair features = bothEngines(graph, head.featureVertex(), backbone.input(), batch);
        double worst = assertClose(features);
        int[] dl4jTop = topClass(graph, head, features.dl4j());
        int[] onnxTop = topClass(graph, head, features.onnx());
        System.out.printf("ResNet-50, %d real photos: largest relative feature difference %.2e; top-1 classes %s%n",
                inputs.size(), worst, java.util.Arrays.toString(dl4jTop));
        assertThat(onnxTop).containsExactly(dl4jTop);
    }

    /** The network inputs of skimage's photos {@code skimage}, then face-api's samples {@code first} to {@code last}. */
    private static List<INDArray> photos(ImagePipeline pipeline, List<String> skimage, int first, int last) throws IOException {
        List<INDArray> inputs = new ArrayList<>();
        for (String name : skimage) {
            inputs.add(pipeline.input(RealPackages.skimageData().resolve(name)).tensor());
        }
        for (int i = first; i <= last; i++) {
            inputs.add(pipeline.input(RealPackages.faceApiSamples().resolve("sample" + i + ".jpg")).tensor());
        }
        return inputs;
    }

    /** skimage's photos the int8 calibration is measured on: none of the photos it is then tested on. */
    private static final List<String> CALIBRATION_PHOTOS = List.of("motorcycle_right.png", "retina.jpg", "brick.png",
            "grass.png", "ihc.png", "horse.png");

    @Test
    void int8ResNet50KeepsImageNetsClassesOnRealPhotos() throws Exception {
        Backbone backbone = Backbones.load(RealPackages.resnet50());
        ComputationGraph graph = backbone.graph();
        TransferGraph.Head head = TransferGraph.findHead(graph);
        ImagePipeline pipeline = ImagePipeline.of(backbone.input());
        List<INDArray> calibration = photos(pipeline, CALIBRATION_PHOTOS, 1, 3);
        List<INDArray> tested = photos(pipeline, SKIMAGE_PHOTOS, 4, 6);
        var int8 = Int8Export.calibrate(graph, head.featureVertex(), 3, 224, 224, calibration);
        INDArray batch = Nd4j.concat(0, tested.toArray(INDArray[]::new));
        float[][] exact;
        float[][] approx;
        try (Engine f = Engines.open(Engine.Choice.ONNXRUNTIME, graph, head.featureVertex(), 3, 224, 224, 2, Optional.empty());
                Engine q = Engines.open(Engine.Choice.ONNXRUNTIME, graph, head.featureVertex(), 3, 224, 224, 2, Optional.of(int8))) {
            assertThat(q.precision()).isEqualTo(Engine.Precision.INT8);
            exact = f.features(batch);
            approx = q.features(batch);
        }
        double worst = 1;
        for (int i = 0; i < exact.length; i++) {
            worst = Math.min(worst, FeatureVectors.cosine(exact[i], approx[i]));
        }
        int[] floatTop = topClass(graph, head, exact);
        int[] int8Top = topClass(graph, head, approx);
        System.out.printf("ResNet-50 in int8 (calibrated on %d real photos), %d others: top-1 %s (float %s); lowest feature "
                + "cosine to float %.4f%n", calibration.size(), tested.size(), java.util.Arrays.toString(int8Top),
                java.util.Arrays.toString(floatTop), worst);
        assertThat(int8Top).containsExactly(floatTop);
        assertThat(worst).isGreaterThan(0.98);
    }

    private static int[] topClass(ComputationGraph graph, TransferGraph.Head head, float[][] features) {
        var classifier = graph.getLayer(head.outputVertex());
        INDArray scores = classifier.activate(Nd4j.create(features), false, LayerWorkspaceMgr.noWorkspaces()).detach();
        int[] top = new int[features.length];
        for (int i = 0; i < top.length; i++) {
            top[i] = scores.getRow(i).argMax().getInt(0);
        }
        return top;
    }

    @Test
    void theFaceDescriptorGivesDl4jsDescriptorsAndPairDecisionsOnRealFaces() throws Exception {
        Backbone face = Backbones.face();
        ImagePipeline pipeline = new ImagePipeline(InputContract.faceChip(), Images.DEFAULT_MAX_PIXELS,
                Optional.of(FaceModels.detector()));
        List<INDArray> chips = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            var photo = Images.decode(RealPackages.faceApiSamples().resolve("sample" + i + ".jpg"), Images.DEFAULT_MAX_PIXELS);
            pipeline.inputsPerFace(photo).forEach(in -> chips.add(in.tensor()));
        }
        chips.add(pipeline.input(RealPackages.skimageData().resolve("astronaut.png")).tensor());
        assertThat(chips).hasSizeGreaterThanOrEqualTo(20);
        String vertex = TransferGraph.findHead(face.graph()).featureVertex();
        Pair descriptors = bothEngines(face.graph(), vertex, InputContract.faceChip(), Nd4j.concat(0, chips.toArray(INDArray[]::new)));
        double worst = assertClose(descriptors);
        int pairs = 0;
        double largestShift = 0;
        for (int i = 0; i < chips.size(); i++) {
            for (int j = i + 1; j < chips.size(); j++) {
                double a = Decision.distance(descriptors.dl4j()[i], descriptors.dl4j()[j]);
                double b = Decision.distance(descriptors.onnx()[i], descriptors.onnx()[j]);
                largestShift = Math.max(largestShift, Math.abs(a - b));
                assertThat(b < 0.6).as("faces %d and %d: %.5f vs %.5f", i, j, a, b).isEqualTo(a < 0.6);
                pairs++;
            }
        }
        System.out.printf("face descriptor, %d real faces: largest relative difference %.2e; %d pairs, distances "
                + "moved at most %.2e, the same decisions%n", chips.size(), worst, pairs, largestShift);
        assertThat(largestShift).isLessThan(1e-3);

        // in int8, calibrated on the faces of the first three group photos: distances move, decisions do not
        List<INDArray> calibration = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            var photo = Images.decode(RealPackages.faceApiSamples().resolve("sample" + i + ".jpg"), Images.DEFAULT_MAX_PIXELS);
            pipeline.inputsPerFace(photo).forEach(in -> calibration.add(in.tensor()));
        }
        var int8 = Int8Export.calibrate(face.graph(), vertex, 3, InputContract.faceChip().height(), InputContract.faceChip().width(),
                calibration);
        float[][] quantised;
        try (Engine q = Engines.open(Engine.Choice.ONNXRUNTIME, face.graph(), vertex, 3, InputContract.faceChip().height(),
                InputContract.faceChip().width(), 2, Optional.of(int8))) {
            quantised = q.features(Nd4j.concat(0, chips.toArray(INDArray[]::new)));
        }
        List<String> changed = new ArrayList<>();
        double moved = 0;
        for (int i = 0; i < chips.size(); i++) {
            for (int j = i + 1; j < chips.size(); j++) {
                double a = Decision.distance(descriptors.dl4j()[i], descriptors.dl4j()[j]);
                double b = Decision.distance(quantised[i], quantised[j]);
                moved = Math.max(moved, Math.abs(a - b));
                if ((a < 0.6) != (b < 0.6)) {
                    changed.add(String.format("%.4f -> %.4f", a, b));
                    // only a pair at the threshold's edge may change sides
                    assertThat(Math.abs(a - 0.6)).as("faces %d and %d", i, j).isLessThan(0.03);
                }
            }
        }
        System.out.printf("face descriptor in int8 (calibrated on %d of the faces): %d of %d pair decisions changed %s, "
                + "distances moved at most %.4f%n", calibration.size(), changed.size(), pairs, changed, moved);
        assertThat(changed.size()).isLessThanOrEqualTo(pairs / 50);
        assertThat(moved).isLessThan(0.05);
    }
}
