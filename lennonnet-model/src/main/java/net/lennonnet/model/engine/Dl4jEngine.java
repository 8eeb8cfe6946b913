package net.lennonnet.model.engine;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** DL4J's own forward pass to the feature vertex, one caller at a time (DL4J graphs are not thread-safe). */
final class Dl4jEngine implements Engine {

    private final ComputationGraph graph;
    private final String featureVertex;

    Dl4jEngine(ComputationGraph graph, String featureVertex) {
        this.graph = graph;
        this.featureVertex = featureVertex;
    }

    @Override
    public Kind kind() {
        return Kind.DL4J;
    }

    @Override
    public float[][] features(INDArray input) {
        INDArray out;
        synchronized (graph) {
            out = graph.output(List.of(featureVertex), false, new INDArray[] {input}, null)[0];
        }
        try {
            return out.reshape(input.size(0), -1).toFloatMatrix();
        } finally {
            out.close();
        }
    }

    @Override
    public void close() {
        // the graph belongs to the model, which closes it
    }
}
