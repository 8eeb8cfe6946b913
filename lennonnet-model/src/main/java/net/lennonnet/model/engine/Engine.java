package net.lennonnet.model.engine;

import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What runs a model's backbone for answering: from a batch of network input to the rows the head and
 * the decision read. DL4J remains the framework (it imports, trains, saves and is the reference); an
 * engine only computes the frozen backbone's forward pass, and may be faster at it ({@link Engines}).
 */
public interface Engine extends AutoCloseable {

    /** The engines there are. */
    enum Kind {
        /** ONNX Runtime on the backbone exported in memory ({@link OnnxExport}). */
        ONNXRUNTIME,
        /** DL4J's own forward pass on the graph. */
        DL4J;

        /** The name the command line takes: {@code onnxruntime} or {@code dl4j}. */
        public String flag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which engine to answer with. */
    enum Choice {
        /** The faster engine that loads: ONNX Runtime, else DL4J with a log line saying why. */
        AUTO,
        ONNXRUNTIME,
        DL4J;

        /** {@code auto}, {@code onnxruntime} or {@code dl4j}; an error naming the three otherwise. */
        public static Choice parse(String text) {
            for (Choice c : values()) {
                if (c.name().equalsIgnoreCase(text)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("engine must be auto, onnxruntime or dl4j, got " + text);
        }
    }

    /** The numbers the backbone computes in. */
    enum Precision {
        /** 32-bit float, as DL4J computes. */
        FP32,
        /** ONNX Runtime's int8 kernels on the backbone quantised with a calibration ({@link Int8Export}). */
        INT8;

        /** The name the command line takes: {@code fp32} or {@code int8}. */
        public String flag() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code fp32} or {@code int8}; an error naming both otherwise. */
        public static Precision parse(String text) {
            for (Precision p : values()) {
                if (p.name().equalsIgnoreCase(text)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("precision must be fp32 or int8, got " + text);
        }

        /** Refuses this precision on an engine that cannot compute in it: int8 runs on ONNX Runtime only. */
        public void requireOn(Choice engine) {
            if (this == INT8 && engine == Choice.DL4J) {
                throw new IllegalArgumentException("int8 runs on ONNX Runtime's integer kernels, not with --engine dl4j: "
                        + "use --engine auto or onnxruntime with --precision int8");
            }
        }
    }

    Kind kind();

    /** The precision the backbone runs in: float unless an int8 calibration was given and the engine runs it. */
    default Precision precision() {
        return Precision.FP32;
    }

    /**
     * The backbone's features for a batch: one row per image of {@code input} ({@code [n, channels,
     * height, width]}, as {@code ImagePipeline} makes it). Safe to call from several threads.
     */
    float[][] features(INDArray input);

    @Override
    void close();
}
