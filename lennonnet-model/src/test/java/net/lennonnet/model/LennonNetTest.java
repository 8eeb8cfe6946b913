package net.lennonnet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.lennonnet.model.bundle.Decision;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.face.FaceCrop;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.image.UndecodableImageException;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embeddable API on a small stand-in model: every input kind, batches, packing, threads. */
class LennonNetTest {

    @TempDir
    Path dir;

    Path model;
    List<BufferedImage> images = new ArrayList<>();

    @BeforeEach
    void smallModel() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        model = dir.resolve("model");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.square(32),
                0.5, "test", "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        for (int i = 0; i < 20; i++) {
            images.add(TestImages.solid(40 + i, 30, BufferedImage.TYPE_INT_RGB, new Color(i * 12, 255 - i * 12, 90)));
        }
    }

    @Test
    void aDistanceDecisionAnswersFromTheHeadsInputAndSurvivesSaving() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        TransferGraph.Head head = TransferGraph.findHead(graph);
        // the features of image 0 are the john centre: it must be the most john-like of all
        var features = graph.output(List.of(head.featureVertex()), false,
                new org.nd4j.linalg.api.ndarray.INDArray[] {ImagePipeline.of(InputContract.square(32))
                        .input(images.get(0)).tensor()}, null)[0];
        float[] centre = features.reshape(1, -1).toFloatVector();
        Decision centreDecision = new Decision(Decision.Score.CENTRE, 4, 1, centre, null, null, "test", null);
        Path centreModel = dir.resolve("centre");
        ModelBundle.write(centreModel, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.square(32),
                0.5, "test", "0".repeat(64), head, Provenance.unknown(), centreDecision));
        // DL4J answers here, as it computed the centre: the distance at the centre is then exactly 0
        try (LennonNet net = LennonNet.load(centreModel, Engine.Choice.DL4J); LennonNet plain = LennonNet.load(model)) {
            assertThat(net.metadata().decision().score()).isEqualTo(Decision.Score.CENTRE);
            assertThat(net.metadata().decision().centre()).containsExactly(centre);
            // at the centre the distance is 0: P = sigmoid(4 * 0 + 1)
            assertThat(net.predict(images.get(0)).probabilityJohn()).isCloseTo(Decision.sigmoid(1),
                    org.assertj.core.api.Assertions.within(1e-6));
            List<Prediction> all = net.predictAll(images);
            for (int i = 1; i < images.size(); i++) {
                assertThat(all.get(i).probabilityJohn()).isLessThan(all.get(0).probabilityJohn());
                assertThat(all.get(i).probabilityJohn()).isEqualTo(net.predict(images.get(i)).probabilityJohn());
            }
            // the head's softmax is not what answers
            assertThat(all.get(5).probabilityJohn()).isNotEqualTo(plain.predict(images.get(5)).probabilityJohn());
        }
    }

    @Test
    void aModelSavedBeforeDecisionsLoadsAndAnswersWithItsHead() throws IOException {
        Path old = dir.resolve("format-1");
        copyBundle(model, old);
        Path json = old.resolve(ModelBundle.METADATA_FILE);
        String text = Files.readString(json).replace("\"format\" : 2", "\"format\" : 1");
        int at = text.indexOf("\"decision\"");
        text = text.substring(0, text.lastIndexOf(',', at)) + "\n}\n";
        Files.writeString(json, text);
        try (LennonNet net = LennonNet.load(old); LennonNet now = LennonNet.load(model)) {
            assertThat(net.metadata().format()).isEqualTo(1);
            assertThat(net.metadata().decision().score()).isEqualTo(Decision.Score.HEAD);
            assertThat(net.predict(images.get(2)).probabilityJohn()).isEqualTo(now.predict(images.get(2)).probabilityJohn());
        }
    }

    private static void copyBundle(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : List.of(ModelBundle.METADATA_FILE, ModelBundle.MODEL_FILE)) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
    }

    @Test
    void everyInputKindGivesTheSameAnswer() throws IOException {
        byte[] png = TestImages.encode(images.get(3), "png");
        Path file = Files.write(dir.resolve("photo.png"), png);
        try (LennonNet net = LennonNet.load(model)) {
            double p = net.predict(images.get(3)).probabilityJohn();
            assertThat(net.predict(png).probabilityJohn()).isEqualTo(p);
            assertThat(net.predict(file).probabilityJohn()).isEqualTo(p);
            try (InputStream in = new ByteArrayInputStream(png)) {
                assertThat(net.predict(in).probabilityJohn()).isEqualTo(p);
            }
            Prediction prediction = net.predict(file);
            assertThat(prediction.probabilityJohn() + prediction.probabilityNotJohn()).isEqualTo(1.0);
            assertThat(prediction.label()).isEqualTo(p >= 0.5 ? "john" : "not_john");
            assertThat(prediction.elapsed()).isPositive();
        }
    }

    /**
     * Both ways files are read: each batch prepared on every core and then answered (an engine on every core,
     * the default), and one reader beside an engine that leaves a core free (one engine thread).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "engine threads {0} (0: every core)")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1})
    void batchesAgreeWithSingleImagesAndReportBadFiles(int engineThreads) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            files.add(Files.write(dir.resolve("img" + i + ".png"), TestImages.encode(images.get(i), "png")));
        }
        files.add(5, Files.writeString(dir.resolve("broken.jpg"), "<html>not an image</html>"));
        files.add(dir.resolve("missing.png"));
        // a file over 2 GB (sparse: no disk is used) used to fail the whole batch with an OutOfMemoryError
        Path huge = dir.resolve("huge.jpg");
        try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(2_200_000_000L);
        }
        files.add(huge);
        try (LennonNet net = engineThreads == 0 ? LennonNet.load(model)
                : LennonNet.load(model, Engine.Choice.AUTO, engineThreads)) {
            List<Prediction> batch = net.predictAll(images);
            assertThat(batch).hasSize(20);
            for (int i = 0; i < images.size(); i++) {
                assertThat(batch.get(i).probabilityJohn())
                        .isCloseTo(net.predict(images.get(i)).probabilityJohn(), org.assertj.core.data.Offset.offset(1e-6));
            }
            List<Outcome> outcomes = net.predictFiles(files);
            assertThat(outcomes).hasSize(23);
            assertThat(outcomes.get(5).error()).hasValue("not an image format Lennonnet can read");
            assertThat(outcomes.get(21).error()).hasValue("no such file");
            assertThat(outcomes.get(22).error()).hasValueSatisfying(e -> assertThat(e).startsWith("file too large: 2200000000 bytes"));
            assertThatThrownBy(() -> net.predict(huge)).isInstanceOf(UndecodableImageException.class)
                    .hasMessageContaining("file too large");
            assertThat(outcomes.get(6).prediction()).isPresent();
            assertThat(outcomes.get(6).prediction().get().probabilityJohn())
                    .isCloseTo(batch.get(5).probabilityJohn(), org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void aPackedModelLoadsFromAStream() throws IOException {
        Path packed = dir.resolve("john.lennonnet");
        ModelBundle.pack(model, packed);
        try (LennonNet fromDir = LennonNet.load(model);
                InputStream in = Files.newInputStream(packed);
                LennonNet fromStream = LennonNet.load(in);
                LennonNet fromFile = LennonNet.load(packed)) {
            double p = fromDir.predict(images.get(0)).probabilityJohn();
            assertThat(fromStream.predict(images.get(0)).probabilityJohn()).isEqualTo(p);
            assertThat(fromFile.predict(images.get(0)).probabilityJohn()).isEqualTo(p);
            assertThat(fromStream.metadata()).isEqualTo(fromDir.metadata());
            // the metadata alone, as a driver reads it without building the network
            assertThat(ModelBundle.metadata(packed)).isEqualTo(fromDir.metadata());
            assertThat(ModelBundle.metadata(model)).isEqualTo(fromDir.metadata());
        }
        Path noMetadata = dir.resolve("weights-only.lennonnet");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(noMetadata))) {
            zip.putNextEntry(new java.util.zip.ZipEntry(ModelBundle.MODEL_FILE));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
        assertThatThrownBy(() -> ModelBundle.metadata(noMetadata)).isInstanceOf(IOException.class)
                .hasMessageContaining("holds no lennonnet.json");
        assertThatThrownBy(() -> LennonNet.load((InputStream) null)).isInstanceOf(IOException.class)
                .hasMessageContaining("no model stream");
        assertThatThrownBy(() -> LennonNet.load(new ByteArrayInputStream(new byte[] {1, 2, 3})))
                .isInstanceOf(IOException.class).hasMessageContaining("not a packed Lennonnet model");
    }

    @Test
    void anInt8ModelAnswersInInt8AndItsCalibrationSurvivesPacking() throws Exception {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        TransferGraph.Head head = TransferGraph.findHead(graph);
        ImagePipeline pipeline = ImagePipeline.of(InputContract.square(32));
        List<org.nd4j.linalg.api.ndarray.INDArray> photos = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            photos.add(pipeline.input(images.get(i)).tensor());
        }
        var calibration = net.lennonnet.model.engine.Int8Export.calibrate(graph, head.featureVertex(), 3, 32, 32, photos);
        Path int8 = dir.resolve("int8");
        ModelBundle.write(int8, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.square(32),
                0.5, "test", "0".repeat(64), head, Provenance.unknown()).withInt8(calibration));
        Path packed = dir.resolve("int8.lennonnet");
        ModelBundle.pack(int8, packed);
        try (LennonNet quantised = LennonNet.load(packed); LennonNet dl4j = LennonNet.load(int8, Engine.Choice.DL4J)) {
            assertThat(quantised.precision()).isEqualTo(Engine.Precision.INT8);
            assertThat(quantised.metadata().precision()).isEqualTo("int8");
            assertThat(quantised.metadata().int8Calibration()).contains(calibration);
            assertThat(ModelBundle.metadata(packed)).isEqualTo(quantised.metadata());
            // DL4J has no int8: it answers the same model in float
            assertThat(dl4j.precision()).isEqualTo(Engine.Precision.FP32);
            for (int i = 10; i < 20; i++) {
                assertThat(quantised.predict(images.get(i)).probabilityJohn()).as("image %d", i)
                        .isCloseTo(dl4j.predict(images.get(i)).probabilityJohn(), org.assertj.core.api.Assertions.within(0.05));
            }
        }
        // a file whose ranges are out of order is refused at load, not made into scales
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(int8.resolve(ModelBundle.METADATA_FILE).toFile());
        var ranges = (com.fasterxml.jackson.databind.node.ObjectNode) tree.path("int8").path("ranges");
        ranges.set(ranges.fieldNames().next(), json.createArrayNode().add(2.0).add(1.0));
        json.writeValue(int8.resolve(ModelBundle.METADATA_FILE).toFile(), tree);
        assertThatThrownBy(() -> LennonNet.load(int8)).isInstanceOf(IOException.class);
        try (LennonNet plain = LennonNet.load(model)) {
            assertThat(plain.precision()).isEqualTo(Engine.Precision.FP32);
            assertThat(plain.metadata().precision()).isEqualTo("fp32");
            assertThat(Files.readString(model.resolve(ModelBundle.METADATA_FILE))).doesNotContain("int8");
        }
    }

    @Test
    void concurrentCallersGetTheAnswersOfSequentialOnes() throws Exception {
        try (LennonNet net = LennonNet.load(model)) {
            List<Double> expected = new ArrayList<>();
            for (BufferedImage img : images) {
                expected.add(net.predict(img).probabilityJohn());
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Double>> futures = new ArrayList<>();
                for (int round = 0; round < 10; round++) {
                    for (BufferedImage img : images) {
                        futures.add(pool.submit(() -> net.predict(img).probabilityJohn()));
                    }
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertThat(futures.get(i).get()).isEqualTo(expected.get(i % images.size()));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anOversizedStreamIsRefused() throws IOException {
        try (LennonNet net = LennonNet.load(model)) {
            InputStream endless = new InputStream() {
                @Override
                public int read() {
                    return 0;
                }
            };
            assertThatThrownBy(() -> net.predict(endless)).isInstanceOf(UndecodableImageException.class)
                    .hasMessageContaining("larger than");
        }
    }

    @Test
    void aFaceCropModelCropsAtPredictionAndReportsTheFace() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        Path cropping = dir.resolve("cropping");
        ModelBundle.write(cropping, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL,
                InputContract.square(32).with(Preparation.FACE_CROP), 0.5, "test", "0".repeat(64),
                TransferGraph.findHead(graph), Provenance.unknown()));
        BufferedImage portrait = TestImages.astronaut();
        try (LennonNet net = LennonNet.load(cropping); LennonNet whole = LennonNet.load(model)) {
            assertThat(net.metadata().input().preparation()).isEqualTo(Preparation.FACE_CROP);
            Prediction p = net.predict(portrait);
            assertThat(p.face()).isEqualTo(FaceCrop.detect(portrait));
            assertThat(p.face()).isPresent();
            // the same as predicting on the crop by hand with a model that does not crop
            BufferedImage crop = FaceCrop.crop(portrait, p.face().get());
            assertThat(p.probabilityJohn()).isEqualTo(whole.predict(crop).probabilityJohn());
            assertThat(whole.predict(portrait).face()).isEmpty();
            assertThat(net.predict(images.get(0)).face()).isEmpty(); // no face: used whole
        }
    }
}
