package net.lennonnet.model.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Runtime on an exported backbone ({@link OnnxExport}): a session opened on the model bytes in
 * memory, with all optimisations, its intra-op threads set to the cores it may use and one inter-op
 * thread (ONNX Runtime sessions are safe for concurrent runs).
 */
final class OrtEngine implements Engine {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final Precision precision;

    private OrtEngine(OrtEnvironment environment, OrtSession session, Precision precision) {
        this.environment = environment;
        this.session = session;
        this.precision = precision;
    }

    /** Stack of the thread that creates ONNX Runtime's environment ({@link #environment}). */
    private static final long ENVIRONMENT_STACK_BYTES = 256L << 20;
    private static OrtEnvironment shared;

    /**
     * ONNX Runtime's environment (one per process), created the first time on a thread of its own with a 256 MB
     * stack. Creating it (ONNX Runtime 1.29) recurses through the process's command line, about 250 bytes of stack a
     * character: on a default 1 MB thread stack a command line of some 4,000 characters (`java -cp` with a Maven
     * project's class path, or a long `-D`) crashed the JVM with a silent SIGSEGV. 256 MB covers the longest single
     * argument Linux takes (128 KB); the stack is reserved, and only what the recursion touches is used.
     */
    static synchronized OrtEnvironment environment() {
        if (shared == null) {
            java.util.concurrent.FutureTask<OrtEnvironment> create =
                    new java.util.concurrent.FutureTask<>(OrtEnvironment::getEnvironment);
            Thread creator = new Thread(null, create, "onnxruntime-environment", ENVIRONMENT_STACK_BYTES);
            creator.setDaemon(true);
            creator.start();
            shared = net.lennonnet.model.concurrent.Futures.await(create, "ONNX Runtime's environment was created");
        }
        return shared;
    }

    /** A session on the float ONNX model, with {@code threads} intra-op threads. */
    static OrtEngine open(byte[] onnxModel, int threads) throws OrtException {
        return open(onnxModel, threads, Precision.FP32);
    }

    /** A session on the ONNX model, float or quantised ({@link Int8Export}), with {@code threads} intra-op threads. */
    static OrtEngine open(byte[] onnxModel, int threads, Precision precision) throws OrtException {
        OrtEnvironment environment = environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new OrtEngine(environment, environment.createSession(onnxModel, options), precision);
        }
    }

    @Override
    public Kind kind() {
        return Kind.ONNXRUNTIME;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public float[][] features(INDArray input) {
        INDArray in = input.dataType() == DataType.FLOAT && input.ordering() == 'c' && !input.isView()
                ? input : input.castTo(DataType.FLOAT).dup('c');
        try {
            FloatBuffer values = in.data().asNioFloat();
            try (OnnxTensor tensor = OnnxTensor.createTensor(environment, values, in.shape());
                    OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, tensor))) {
                return (float[][]) result.get(0).getValue();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + input.size(0) + ": " + e.getMessage(), e);
        } finally {
            if (in != input) {
                in.close();
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session only releases memory; nothing to tell the caller
        }
    }
}
