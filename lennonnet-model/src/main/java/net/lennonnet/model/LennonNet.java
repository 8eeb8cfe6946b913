package net.lennonnet.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The front door for using a trained model: is this John Lennon?
 *
 * <pre>{@code
 * try (LennonNet net = LennonNet.load(Path.of("model"))) {
 *     double p = net.predict(Path.of("photo.jpg")).probabilityJohn();
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may call {@code predict}; decoding and preprocessing run
 * in parallel, the forward pass is serialised on the one graph (DL4J graphs are not safe for
 * concurrent use).
 */
public final class LennonNet implements AutoCloseable {

    private final ComputationGraph graph;
    private final ModelMetadata metadata;
    private final long maxPixels;

    private LennonNet(ModelBundle bundle, long maxPixels) {
        this.graph = bundle.graph();
        this.metadata = bundle.metadata();
        this.maxPixels = maxPixels;
    }

    /** Loads the model folder written by {@code lennonnet train --out}. */
    public static LennonNet load(Path model) throws IOException {
        return new LennonNet(ModelBundle.read(model), Images.DEFAULT_MAX_PIXELS);
    }

    /** What the model was trained with: labels, input contract, threshold, provenance. */
    public ModelMetadata metadata() {
        return metadata;
    }

    /** Predicts for an image file. */
    public Prediction predict(Path image) throws IOException {
        return predict(Files.readAllBytes(image));
    }

    /** Predicts for encoded image bytes (JPEG, PNG, GIF, BMP ...). */
    public Prediction predict(byte[] encoded) throws UndecodableImageException {
        return predict(Images.decode(encoded, maxPixels));
    }

    /** Predicts for an image already in memory. */
    public Prediction predict(BufferedImage image) {
        long start = System.nanoTime();
        INDArray input = metadata.input().toInput(Images.toBgr(image));
        double pJohn;
        synchronized (graph) {
            INDArray out = graph.outputSingle(false, input);
            pJohn = out.getDouble(0, 0);
        }
        String label = pJohn >= metadata.threshold() ? Labels.JOHN : Labels.NOT_JOHN;
        return new Prediction(label, pJohn, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The underlying graph, for evaluation code that batches its own inputs. */
    public ComputationGraph graph() {
        return graph;
    }

    @Override
    public void close() {
        synchronized (graph) {
            graph.close();
        }
    }
}
