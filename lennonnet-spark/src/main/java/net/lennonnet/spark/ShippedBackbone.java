package net.lennonnet.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.engine.Engines;
import net.lennonnet.model.engine.Int8Calibration;
import net.lennonnet.model.io.GraphFiles;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A frozen backbone as the {@code featurise} job ships it: one DL4J model zip ({@link GraphFiles}:
 * configuration and parameters, nothing serialized) holding {@value #SPEC_ENTRY}, which says how its
 * features are read (the input contract, the feature vertex, the engine, the feature cache's key). On an
 * executor it is that backbone's engine and the pipeline that makes its input.
 */
final class ShippedBackbone implements AutoCloseable {

    static final String SPEC_ENTRY = "lennonnet-features.json";
    private static final int MAX_SPEC_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * How the features are read.
     *
     * @param key  the {@link net.lennonnet.backbones.features.FeatureCache#key} of features from this backbone,
     *             contract, vertex, engine and calibration: the key {@code train} reads them under
     * @param int8 for features computed in int8, the calibration the backbone is quantised with; null for float
     */
    record Spec(InputContract contract, String featureVertex, Engine.Kind engine, String key, Int8Calibration int8) {}

    private final Spec spec;
    private final ImagePipeline pipeline;
    private final Engine engine;

    private ShippedBackbone(Spec spec, Engine engine) {
        this.spec = spec;
        this.pipeline = ImagePipeline.of(spec.contract());
        this.engine = engine;
        pipeline.loadLibraries(); // here, once per executor, rather than in its first wave of tasks
    }

    /** Driver side: writes {@code graph} and its spec to {@code file}. */
    static void write(Path file, ComputationGraph graph, Spec spec) throws IOException {
        GraphFiles.write(graph, file, Map.of(SPEC_ENTRY, JSON.writeValueAsBytes(spec)));
    }

    /**
     * Executor side: the backbone's engine, the one the driver chose, in the precision it chose (an engine that
     * cannot run, or cannot run in int8, is an error: its features would be keyed as what they are not).
     */
    static ShippedBackbone open(Path file, int threads) throws IOException {
        byte[] json = GraphFiles.entry(file, SPEC_ENTRY, MAX_SPEC_BYTES)
                .orElseThrow(() -> new IOException(file + " has no " + SPEC_ENTRY + ": not a shipped backbone"));
        Spec spec = JSON.readValue(json, Spec.class);
        ComputationGraph graph = GraphFiles.read(file);
        Engine.Choice choice = spec.engine() == Engine.Kind.ONNXRUNTIME ? Engine.Choice.ONNXRUNTIME : Engine.Choice.DL4J;
        try {
            return new ShippedBackbone(spec, Engines.openInPrecision(choice, graph, spec.featureVertex(), 3,
                    spec.contract().height(), spec.contract().width(), threads, java.util.Optional.ofNullable(spec.int8())));
        } catch (IllegalStateException e) {
            throw new IOException("the backbone " + file + " on this executor: " + e.getMessage(), e);
        }
    }

    Spec spec() {
        return spec;
    }

    /** The pipeline of a dataset's stored images: decoded, resized and normalised, as {@code train} reads them. */
    ImagePipeline pipeline() {
        return pipeline;
    }

    Engine engine() {
        return engine;
    }

    /** Releases the engine (an executor closes a backbone it no longer keeps, {@link ExecutorFiles}). */
    @Override
    public void close() {
        engine.close();
    }
}
