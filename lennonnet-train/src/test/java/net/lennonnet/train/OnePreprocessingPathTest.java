package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.DatasetIterators;
import net.lennonnet.data.ManifestEntry;
import net.lennonnet.data.Split;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import net.lennonnet.train.evaluation.Evaluation;
import org.datavec.api.records.metadata.RecordMetaDataURI;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Every path an image takes to the network meets the same tensor, for models with and without face
 * crop: training (DataVec's record reader over the dataset), the cached features, augmented view 0,
 * {@code evaluate} (its P(john) per test image) and {@code predict} on the raw photo the dataset image
 * was made from. Tensors are compared to 1e-4; where a path hands out only P(john), it must equal the
 * network's answer on the training tensor to 1e-6 (a head sensitive enough that a resize from full
 * size instead of the prepared image moves it further: checked by breaking predict that way).
 */
class OnePreprocessingPathTest {

    @TempDir
    Path tmp;

    /** Photos with a face (the astronaut portrait at varied places and sizes) for each class. */
    private Path rawPhotos() throws Exception {
        BufferedImage face;
        try (InputStream in = OnePreprocessingPathTest.class.getResourceAsStream("/net/lennonnet/model/astronaut.jpg")) {
            face = Images.decode(in.readAllBytes(), Images.DEFAULT_MAX_PIXELS);
        }
        Path raw = tmp.resolve("raw");
        for (int c = 0; c < Labels.ALL.size(); c++) {
            Path folder = Files.createDirectories(raw.resolve(Labels.ALL.get(c)));
            for (int i = 0; i < 8; i++) {
                // some larger than the 1,024-pixel working side, so preparation scales them
                int width = i % 2 == 0 ? 1400 : 700;
                BufferedImage photo = new BufferedImage(width, width * 3 / 4, BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = photo.createGraphics();
                g.setColor(new Color(30 + 25 * i, 90 + 60 * c, 160 - 15 * i));
                g.fillRect(0, 0, photo.getWidth(), photo.getHeight());
                int side = width / 3 + 20 * i;
                g.drawImage(face, 40 + 30 * i, 20 + 10 * i, side, side, null);
                g.dispose();
                ImageIO.write(photo, "png", folder.resolve("photo" + i + ".png").toFile());
            }
        }
        return raw;
    }

    @ParameterizedTest(name = "face crop {0}")
    @ValueSource(booleans = {false, true})
    void everyPathFeedsTheNetworkTheSameTensor(boolean faceCrop) throws Exception {
        Path raw = rawPhotos();
        Path ds = tmp.resolve("ds");
        new DatasetBuilder(new DatasetConfig(raw, ds, 3, 0.2, 7, Images.DEFAULT_MAX_PIXELS, 0,
                faceCrop ? Preparation.FACE_CROP : Preparation.WHOLE)).build();
        Dataset dataset = Dataset.open(ds);
        assertThat(dataset.preparation()).isEqualTo(faceCrop ? Preparation.FACE_CROP : Preparation.WHOLE);
        if (faceCrop) {
            assertThat(dataset.kept()).as("faces found").anySatisfy(e -> assertThat(e.face()).isNotEmpty());
        }
        InputContract contract = InputContract.square(64).with(faceCrop ? Preparation.FACE_CROP : Preparation.WHOLE);
        ImagePipeline pipeline = ImagePipeline.of(contract);
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(64, 1),
                new TransferGraph.HeadOptions(0.01, new double[] {1, 1}, 3));
        TransferGraph.Head head = TransferGraph.findHead(graph);
        // small head weights keep P(john) away from 0 and 1, so different inputs give different answers
        graph.getLayer(head.outputVertex()).params().muli(0.1);
        Path model = tmp.resolve("model");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, contract, 0.5, "test",
                "0".repeat(64), head, Provenance.unknown()));

        // training: the record reader's tensors of the test split, by file
        DataSet batch = DatasetIterators.of(Dataset.open(ds), Split.TEST, contract, 100, 0).next();
        Map<Path, INDArray> training = new HashMap<>();
        for (int i = 0; i < batch.numExamples(); i++) {
            Path file = Path.of(((RecordMetaDataURI) batch.getExampleMetaData().get(i)).getURI()).toAbsolutePath();
            training.put(file, batch.getFeatures().get(NDArrayIndex.interval(i, i + 1)).dup());
        }
        assertThat(training).hasSize(6);

        // features: what the feature cache gets equals the backbone on the training tensor
        Featurizer featurizer = new Featurizer(graph, head.featureVertex(), contract,
                new FeatureCache(tmp.resolve("cache-" + faceCrop), FeatureCache.key(graph, contract, head.featureVertex(), Engine.Kind.DL4J)), 4);
        Featurizer.Features features = featurizer.featurize(Dataset.open(ds), Split.TEST);
        for (int row = 0; row < features.size(); row++) {
            INDArray tensor = training.get(features.files().get(row).toAbsolutePath());
            INDArray expected = graph.output(List.of(head.featureVertex()), false, new INDArray[] {tensor}, null)[0];
            assertThat(features.features().getRow(row).equalsWithEps(expected.reshape(expected.length()), 1e-4))
                    .as("features of %s", features.files().get(row)).isTrue();
        }

        Augmentation views = new Augmentation(3, true, 0.1, 0.1);
        Map<String, String> rawSource = new HashMap<>();
        for (ManifestEntry e : dataset.kept()) {
            rawSource.put(e.id(), e.source());
        }
        // DL4J answers, as the expected values come from it: this test is about the tensors, not the engine
        try (LennonNet net = LennonNet.load(model, Engine.Choice.DL4J)) {
            for (Map.Entry<Path, INDArray> t : training.entrySet()) {
                Path file = t.getKey();
                // augmented view 0: the stored image itself, through the augmentation path's decode and convert
                String sha = Hashes.sha256(Files.readAllBytes(file));
                INDArray view0 = pipeline.toInput(views.view(pipeline.decode(file), sha, 0));
                assertThat(view0.equalsWithEps(t.getValue(), 1e-4)).as("view 0 of %s", file).isTrue();
                // predict: the raw photo the dataset image was made from, decoded, prepared and converted
                String id = file.getFileName().toString().substring(0, 16);
                Path photo = raw.resolve(rawSource.get(id));
                assertThat(pipeline.input(photo).tensor().equalsWithEps(t.getValue(), 1e-4))
                        .as("prediction input of %s", photo).isTrue();
                double expected = graph.outputSingle(false, t.getValue()).getDouble(0, 0);
                assertThat(expected).isBetween(0.001, 0.999);
                assertThat(net.predict(photo).probabilityJohn()).as("predict %s", photo)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
            }

            // evaluate: its P(john) per test image is the network's answer on the training tensor
            Evaluation.run(model, Dataset.open(ds), tmp.resolve("evaluation-" + faceCrop), Evaluation.ThresholdFrom.MODEL,
                    Engine.Choice.DL4J);
            List<String> rows = Files.readAllLines(tmp.resolve("evaluation-" + faceCrop).resolve("test-predictions.csv"));
            assertThat(rows).hasSize(1 + training.size());
            for (String row : rows.subList(1, rows.size())) {
                String[] cells = row.split(",");
                INDArray tensor = training.get(Path.of(cells[0]).toAbsolutePath());
                assertThat(tensor).as("evaluated %s", cells[0]).isNotNull();
                double expected = graph.outputSingle(false, tensor).getDouble(0, 0);
                assertThat(Double.parseDouble(cells[3])).as("evaluate %s", cells[0])
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }
}
