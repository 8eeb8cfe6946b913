package net.lennonnet.data;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.util.List;
import net.lennonnet.model.engine.Int8Calibration;
import net.lennonnet.model.engine.Int8Export;
import net.lennonnet.model.engine.OnnxExport;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The int8 calibration of a backbone on a dataset: {@code train --precision int8} makes it, and the Spark
 * featurise job makes the same one, so that the features both compute share the feature cache's key (which
 * holds the calibration's hash).
 *
 * <p>It depends on the dataset and the backbone only: the images are the first {@value #IMAGES} of the training
 * split in the order of a fixed shuffle ({@value #SHUFFLE_SEED}, {@code train}'s default seed), whatever seed a
 * run trains with, so runs with other seeds share their int8 features too.
 */
public final class Int8Calibrations {

    /** Training images the activation ranges are measured on. */
    public static final int IMAGES = 32;
    /** The shuffle that picks them. */
    public static final long SHUFFLE_SEED = 42;

    private static final Logger log = LoggerFactory.getLogger(Int8Calibrations.class);

    private Int8Calibrations() {}

    /**
     * The range of every activation the int8 backbone quantises, measured by the float backbone (up to
     * {@code featureVertex}) on ONNX Runtime over the training images, read as the features will be (no
     * augmented views).
     *
     * @throws IllegalStateException naming the reason when ONNX Runtime cannot run the backbone (no int8 then)
     */
    public static Int8Calibration ofTrainingImages(Dataset dataset, InputContract contract, ComputationGraph backbone,
            String featureVertex) throws IOException {
        long started = System.nanoTime();
        var batch = DatasetIterators.of(dataset, Split.TRAIN, contract, IMAGES, SHUFFLE_SEED).next();
        try {
            Int8Calibration calibration = Int8Export.calibrate(backbone, featureVertex, 3, contract.height(),
                    contract.width(), List.of(batch.getFeatures()));
            log.info("int8: calibrated {} activations on {} training images in {} s (calibration {})",
                    calibration.ranges().size(), calibration.images(),
                    String.format("%.1f", (System.nanoTime() - started) / 1e9), calibration.hash());
            return calibration;
        } catch (OnnxExport.UnsupportedGraphException | OrtException e) {
            throw new IllegalStateException("--precision int8 needs the backbone on ONNX Runtime, which cannot run it: "
                    + e.getMessage(), e);
        }
    }
}
