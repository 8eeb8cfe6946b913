package net.lennonnet.model.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import net.lennonnet.model.Explanation;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Prediction;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.face.FaceBox;
import net.lennonnet.model.face.FaceCrop;
import net.lennonnet.model.graph.TransferGraph;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class activation maps on a small graph of ResNet-50's top structure, for both engines: the grid's mean is the
 * answer's log-odds, the prediction is {@code predict}'s, the heat sits where the image differs, and the box is
 * the whole photo; a face crop's region is the square {@code FaceCrop.crop} cuts.
 */
class ClassActivationMapTest {

    @TempDir
    Path dir;

    /** A grey photo with one bright red square at the top left: what the map must point at. */
    private static BufferedImage photo() {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(120, 120, 120));
        g.fillRect(0, 0, 96, 64);
        g.setColor(new Color(250, 20, 20));
        g.fillRect(4, 4, 24, 16);
        g.dispose();
        return image;
    }

    private Path model() throws IOException {
        var graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 4), TinyGraphs.HEAD_OPTIONS);
        // P(john) away from 0 and 1, where its log-odds are well defined in floating point
        graph.getLayer(TransferGraph.findHead(graph).outputVertex()).params().muli(0.05);
        return TinyGraphs.save(graph, dir.resolve("model"), 32);
    }

    /**
     * A graph like the face descriptor's top: maps from a merge vertex (a residual add, as ResNet's last block
     * ends), their average, a linear layer with a bias, then the head.
     */
    private Path modelWithALinearLayer() throws IOException {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(5).graphBuilder()
                .addInputs("input_1")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(32, 32, 3))
                .addLayer("conv1", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(8)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build(), "input_1")
                .addLayer("conv2", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(8)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build(), "conv1")
                .addVertex("add", new org.deeplearning4j.nn.conf.graph.ElementWiseVertex(
                        org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add), "conv1", "conv2")
                .addLayer("mean", new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.PoolingType.AVG).build(), "add")
                .addLayer("fc", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(6)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "mean")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(4)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "fc")
                .setOutputs("out").build();
        var backbone = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
        backbone.init();
        backbone.getLayer("fc").getParam("b").assign(0.3); // a bias the fold must carry
        var graph = TransferGraph.twoClass(backbone, TinyGraphs.HEAD_OPTIONS);
        graph.getLayer(TransferGraph.findHead(graph).outputVertex()).params().muli(0.05);
        return TinyGraphs.save(graph, dir.resolve("linear-model"), 32);
    }

    @Test
    void aLinearLayerBetweenTheAverageAndTheHeadIsFoldedIn() throws IOException {
        assertGridAveragesToPredictsLogOdds(modelWithALinearLayer());
    }

    @Test
    void theGridAveragesToTheLogOddsOfPredictsAnswerOnBothEngines() throws IOException {
        assertGridAveragesToPredictsLogOdds(model());
    }

    private void assertGridAveragesToPredictsLogOdds(Path model) throws IOException {
        for (Engine.Choice engine : new Engine.Choice[] {Engine.Choice.ONNXRUNTIME, Engine.Choice.DL4J}) {
            try (LennonNet net = LennonNet.load(model, engine)) {
                Prediction predicted = net.predict(photo());
                Explanation explained = net.explain(photo());
                Heatmap map = explained.heatmap();
                assertThat(explained.prediction().probabilityJohn()).as(engine.name())
                        .isCloseTo(predicted.probabilityJohn(), Offset.offset(1e-5));
                assertThat(explained.prediction().label()).isEqualTo(predicted.label());
                double sum = 0;
                for (float[] row : map.grid()) {
                    for (float v : row) {
                        sum += v;
                    }
                }
                double p = predicted.probabilityJohn();
                assertThat(sum / (map.rows() * map.columns())).as(engine.name() + ": the grid's mean")
                        .isCloseTo(Math.log(p / (1 - p)), Offset.offset(1e-3));
                assertThat(map.box()).isEqualTo(new Heatmap.Box(0, 0, 96, 64));
                assertThat(map.rows()).isGreaterThan(1);

                // the red square's cells differ from the grey ones, which are all alike
                int[] red = map.cellAt(8, 8).orElseThrow();
                int[] grey = map.cellAt(80, 50).orElseThrow();
                int[] greyToo = map.cellAt(60, 56).orElseThrow();
                assertThat(map.grid()[grey[0]][grey[1]]).isCloseTo(map.grid()[greyToo[0]][greyToo[1]], Offset.offset(1e-4f));
                assertThat(Math.abs(map.grid()[red[0]][red[1]] - map.grid()[grey[0]][grey[1]])).isGreaterThan(1e-4f);
            }
        }
    }

    @Test
    void aFaceCropsRegionIsTheSquareTheCropCuts() {
        BufferedImage image = new BufferedImage(400, 300, BufferedImage.TYPE_3BYTE_BGR);
        FaceBox face = new FaceBox(300, 40, 60, 80);
        FaceBox region = FaceCrop.region(400, 300, face);
        BufferedImage crop = FaceCrop.crop(image, face);
        assertThat(region.width()).isEqualTo(crop.getWidth()).isEqualTo(region.height());
        assertThat(region.x() + region.width()).isLessThanOrEqualTo(400); // kept inside the image
        assertThat(region.x()).isLessThanOrEqualTo(face.x());
        assertThat(region.y() + region.height()).isGreaterThanOrEqualTo(face.y() + face.height());
    }

    @Test
    void aHeatmapRefusesRaggedGridsAndMapsPointsToCells() {
        assertThatThrownBy(() -> new Heatmap(new float[][] {{1, 2}, {3}}, new Heatmap.Box(0, 0, 10, 10)))
                .hasMessageContaining("same length");
        Heatmap map = new Heatmap(new float[2][4], new Heatmap.Box(10, 20, 40, 20));
        assertThat(map.cellAt(10, 20)).hasValueSatisfying(c -> assertThat(c).containsExactly(0, 0));
        assertThat(map.cellAt(49.9, 39.9)).hasValueSatisfying(c -> assertThat(c).containsExactly(1, 3));
        assertThat(map.cellAt(9, 25)).isEmpty();
    }
}
