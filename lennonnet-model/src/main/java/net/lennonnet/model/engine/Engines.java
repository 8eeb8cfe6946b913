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
        return open(choice, graph, featureVertex, channels, height, width, threads, java.util.Optional.empty());
    }

    /**
     * The same, in int8 when {@code int8} holds a calibration ({@link Int8Export}): ONNX Runtime's integer
     * kernels on the quantised backbone. Only ONNX Runtime runs int8; where DL4J answers (asked for by name,
     * a GPU backend, an export that fails under {@code auto}) it computes in float, and one log line says so.
     */
    public static Engine open(Engine.Choice choice, ComputationGraph graph, String featureVertex, int channels,
            int height, int width, int threads, java.util.Optional<Int8Calibration> int8) {
        if (threads < 1) {
            throw new IllegalArgumentException("an engine needs at least one thread, got " + threads);
        }
        if (choice == Engine.Choice.DL4J) {
            return dl4j(graph, featureVertex, int8);
        }
        if (choice == Engine.Choice.AUTO && gpuBackend()) {
            log.info("answering with DL4J: the ND4J backend runs on the GPU, and the ONNX Runtime here is its CPU build");
            return dl4j(graph, featureVertex, int8);
        }
        try {
            byte[] model = OnnxExport.export(graph, featureVertex, channels, height, width);
            if (int8.isPresent()) {
                return OrtEngine.open(Int8Export.quantise(model, int8.get()), threads, Engine.Precision.INT8);
            }
            return OrtEngine.open(model, threads);
        } catch (OnnxExport.UnsupportedGraphException | ai.onnxruntime.OrtException | LinkageError | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (choice == Engine.Choice.ONNXRUNTIME) {
                throw new IllegalStateException("ONNX Runtime cannot run this model: " + why, e);
            }
            log.info("answering with DL4J: ONNX Runtime cannot run this model ({})", why);
            return dl4j(graph, featureVertex, int8);
        }
    }

    /**
     * The same, for callers that key what the engine computes by its precision (feature caches, feature tables):
     * where answering may fall back to float, these may not, since their rows would be keyed as int8 features
     * they are not. An engine that would compute in float when {@code int8} holds a calibration is closed, and
     * refused with what it would have been.
     */
    public static Engine openInPrecision(Engine.Choice choice, ComputationGraph graph, String featureVertex,
            int channels, int height, int width, int threads, java.util.Optional<Int8Calibration> int8) {
        Engine engine = open(choice, graph, featureVertex, channels, height, width, threads, int8);
        if (int8.isPresent() && engine.precision() != Engine.Precision.INT8) {
            engine.close();
            throw new IllegalStateException("int8 features need ONNX Runtime, and these would be computed by "
                    + engine.kind().flag() + " in " + engine.precision().flag() + " (the log line above says why)");
        }
        return engine;
    }

    private static Engine dl4j(ComputationGraph graph, String featureVertex, java.util.Optional<Int8Calibration> int8) {
        if (int8.isPresent()) {
            log.info("computing in float: the model's backbone was calibrated for int8, which only ONNX Runtime runs; "
                    + "its features differ from int8's a little (cosine about 0.995 on real photos)");
        }
        return new Dl4jEngine(graph, featureVertex);
    }
}
