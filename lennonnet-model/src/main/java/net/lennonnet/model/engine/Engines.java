package net.lennonnet.model.engine;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the engine a model answers with. */
public final class Engines {

    private static final Logger log = LoggerFactory.getLogger(Engines.class);

    private Engines() {}

    /** Whether ND4J computes on a GPU (the CUDA profile's backend). */
    static boolean gpuBackend() {
        String backend = org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getName().toLowerCase(java.util.Locale.ROOT);
        return backend.contains("jcublas") || backend.contains("cuda");
    }

    /**
     * The engine for {@code graph}'s backbone, up to {@code featureVertex}, on {@code [n, channels, height,
     * width]} input. {@link Engine.Choice#AUTO} takes ONNX Runtime when the graph exports and the runtime
     * loads, else DL4J with one log line saying why (also when ND4J runs on a GPU: ONNX Runtime's CPU build
     * would be the slower engine there); asking for ONNX Runtime by name makes its failure an
     * error.
     */
    public static Engine open(Engine.Choice choice, ComputationGraph graph, String featureVertex, int channels,
            int height, int width) {
        return open(choice, graph, featureVertex, channels, height, width, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The same, with ONNX Runtime's intra-op threads given: fewer than the cores where several callers run
     * batches at once (Spark's tasks on one executor), so that together they do not oversubscribe the cores.
     */
    public static Engine open(Engine.Choice choice, ComputationGraph graph, String featureVertex, int channels,
            int height, int width, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("an engine needs at least one thread, got " + threads);
        }
        if (choice == Engine.Choice.DL4J) {
            return new Dl4jEngine(graph, featureVertex);
        }
        if (choice == Engine.Choice.AUTO && gpuBackend()) {
            log.info("answering with DL4J: the ND4J backend runs on the GPU, and the ONNX Runtime here is its CPU build");
            return new Dl4jEngine(graph, featureVertex);
        }
        try {
            byte[] model = OnnxExport.export(graph, featureVertex, channels, height, width);
            return OrtEngine.open(model, threads);
        } catch (OnnxExport.UnsupportedGraphException | ai.onnxruntime.OrtException | LinkageError | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (choice == Engine.Choice.ONNXRUNTIME) {
                throw new IllegalStateException("ONNX Runtime cannot run this model: " + why, e);
            }
            log.info("answering with DL4J: ONNX Runtime cannot run this model ({})", why);
            return new Dl4jEngine(graph, featureVertex);
        }
    }
}
