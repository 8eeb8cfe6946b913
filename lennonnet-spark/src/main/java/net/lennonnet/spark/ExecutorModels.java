package net.lennonnet.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.io.Hashes;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * One {@link LennonNet} per executor JVM, by the model file's SHA-256: every task of a job (and of the
 * next job with the same model) on that executor shares it. The file is the one the driver shipped with
 * {@code addFile}; it is checked against the hash before it is loaded.
 */
final class ExecutorModels {

    private static final Map<String, LennonNet> LOADED = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** The model shipped as {@code fileName}, whose bytes must hash to {@code sha256}. */
    static LennonNet get(String fileName, String sha256) {
        return LOADED.computeIfAbsent(sha256, sha -> {
            Path file = Path.of(SparkFiles.get(fileName));
            try {
                String actual = Hashes.sha256(file);
                if (!actual.equals(sha)) {
                    throw new IOException("the model file " + file + " on this executor has SHA-256 " + actual
                            + ", the driver shipped " + sha);
                }
                // each task slot of the executor runs its own batches: one ONNX Runtime thread each, so that the
                // slots together use the executor's cores once, not each of them all
                int slots = Math.max(1, SparkEnv.get().conf().getInt("spark.executor.cores",
                        Runtime.getRuntime().availableProcessors()));
                int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / slots);
                return LennonNet.load(file, Engine.Choice.AUTO, threads);
            } catch (IOException e) {
                throw new UncheckedIOException("could not load the model on this executor: " + e.getMessage(), e);
            }
        });
    }
}
