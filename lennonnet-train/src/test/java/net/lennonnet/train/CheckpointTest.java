package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class CheckpointTest {

    @TempDir
    Path out;

    private static ComputationGraph head() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build());
        graph.init();
        return graph;
    }

    private Stream<String> names() throws Exception {
        return Files.list(new net.lennonnet.train.run.RunFolder(out).checkpoints()).map(p -> p.getFileName().toString()).sorted();
    }

    @Test
    void theNextCheckpointRemovesWhatAKilledWriteLeftBehind() throws Exception {
        ComputationGraph head = head();
        Checkpoint.State first = Checkpoint.write(out, 1, head, true, null, 0.7, "key", "s");
        // what kill -9 leaves in the middle of writing epoch 2's head: a temporary file, never renamed
        Path dir = new net.lennonnet.train.run.RunFolder(out).checkpoints();
        Files.write(dir.resolve("head-e00002.zip4033745.part"), new byte[100]);
        Files.write(dir.resolve("state.json.part"), new byte[10]);

        Checkpoint.State second = Checkpoint.write(out, 2, head, false, first, 0.8, "key", "s");

        assertThat(names()).containsExactly("best-e00001.zip", "head-e00002.zip", "state.json");
        assertThat(Checkpoint.read(out)).contains(second);
        assertThat(Checkpoint.load(out, second.bestFile()).params()).isEqualTo(head.params());
    }
}
