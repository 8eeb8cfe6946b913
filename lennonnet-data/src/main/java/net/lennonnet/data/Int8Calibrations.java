package net.lennonnet.data;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.util.List;
import net.lennonnet.model.engine.Int8Calibration;
import net.lennonnet.model.engine.Int8Export;
import net.lennonnet.model.engine.OnnxExport;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;

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

    private Int8Calibrations() {}

    /**
     * The range of every activation the int8 backbone quantises, measured by the float backbone (up to
     * {@code featureVertex}) on ONNX Runtime over the training images, read as the features will be (no
     * augmented views).
     *
     * @throws OnnxExport.UnsupportedGraphException when the backbone cannot be exported for ONNX Runtime
     * @throws OrtException                         when ONNX Runtime cannot run it
     */
    public static Int8Calibration ofTrainingImages(Dataset dataset, InputContract contract, ComputationGraph backbone,
            String featureVertex) throws IOException, OnnxExport.UnsupportedGraphException, OrtException {
        var batch = DatasetIterators.of(dataset, Split.TRAIN, contract, IMAGES, SHUFFLE_SEED).next();
        return Int8Export.calibrate(backbone, featureVertex, 3, contract.height(), contract.width(),
                List.of(batch.getFeatures()));
    }
}
