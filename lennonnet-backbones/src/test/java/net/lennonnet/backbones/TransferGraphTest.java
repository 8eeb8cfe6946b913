package net.lennonnet.backbones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class TransferGraphTest {

    @Test
    void findsTheHeadOfTheImagenetStructure() {
        TransferGraph.Head head = TransferGraph.findHead(TinyGraphs.imagenetShaped(32, 1));
        assertThat(head).isEqualTo(new TransferGraph.Head("flatten_1", "fc1000", 8));
    }

    @Test
    void replacesTheHeadWithTwoClassesAndFreezesTheRest() {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        assertThat(graph.getConfiguration().getNetworkOutputs()).containsExactly("fc1000");
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 6, 3, 32, 32);
        INDArray out = graph.outputSingle(x);
        assertThat(out.shape()).containsExactly(6, 2);
        for (double s : out.sum(1).toDoubleVector()) {
            assertThat(s).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }

        INDArray convBefore = graph.getLayer("conv1").params().dup();
        INDArray headBefore = graph.getLayer("fc1000").params().dup();
        INDArray labels = Nd4j.zeros(6, 2);
        for (int i = 0; i < 6; i++) {
            labels.putScalar(i, i % 2, 1);
        }
        for (int i = 0; i < 5; i++) {
            graph.fit(new DataSet(x, labels));
        }
        assertThat(graph.getLayer("conv1").params()).as("frozen backbone").isEqualTo(convBefore);
        assertThat(graph.getLayer("fc1000").params()).as("trained head").isNotEqualTo(headBefore);
    }

    @Test
    void refusesGraphsWithoutASingleHead() {
        assertThatThrownBy(() -> new TransferGraph.HeadOptions(0.01, new double[] {1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one class weight per label");
        assertThatThrownBy(() -> new TransferGraph.HeadOptions(2, new double[] {1, 1}, 1))
                .hasMessageContaining("learning rate must be in (0, 1], got 2.0");
    }

    @Test
    void aRandomBackboneIsCutAfterStageThreeAndStaysFinite() {
        InputContract contract = InputContract.square(64);
        INDArray calibration = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 64, 64).muli(255).subi(120);
        Backbone backbone = Backbones.random(contract, 5, calibration);
        assertThat(backbone.pretrained()).isFalse();
        TransferGraph.Head head = TransferGraph.findHead(backbone.graph());
        assertThat(head).isEqualTo(new TransferGraph.Head("avgpool", "output", 512));
        assertThat(backbone.graph().getVertex("res4a_branch2a")).isNull();
        INDArray features = backbone.graph().output(java.util.List.of("avgpool"), false,
                new INDArray[] {calibration}, null)[0];
        // Calibrated batch norm keeps activations in a sane range (the zoo's own init gives -Infinity here).
        assertThat(features.isInfinite().any() || features.isNaN().any()).isFalse();
        assertThat(features.maxNumber().doubleValue()).isBetween(0.01, 1000.0);

        // The last stage of the cut graph is stage 3; fine-tuning unfreezes from its input on.
        String boundary = TransferGraph.lastStageInput(backbone.graph());
        assertThat(backbone.graph().getConfiguration().getVertexInputs().get("res3a_branch2a")).containsExactly(boundary);
        assertThat(boundary).startsWith("res2");
    }

    @Test
    void theWholeZooGraphKeepsTheInputPreprocessorOfItsHead() {
        var zoo = org.deeplearning4j.zoo.model.ResNet50.builder().numClasses(2).inputShape(new int[] {3, 128, 128})
                .seed(1).weightInit(org.deeplearning4j.nn.weights.WeightInit.RELU.getWeightInitFunction()).build().init();
        TransferGraph.Head head = TransferGraph.findHead(zoo);
        assertThat(head).isEqualTo(new TransferGraph.Head("avgpool", "output", 2048));
        ComputationGraph graph = TransferGraph.twoClass(zoo, TinyGraphs.HEAD_OPTIONS);
        INDArray out = graph.outputSingle(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 128, 128));
        assertThat(out.shape()).containsExactly(2, 2);
    }

    @Test
    void aGraphWithoutResNetStagesCannotBeFineTuned() {
        assertThatThrownBy(() -> TransferGraph.lastStageInput(TinyGraphs.imagenetShaped(32, 1)))
                .hasMessageContaining("no ResNet stage");
    }
}
