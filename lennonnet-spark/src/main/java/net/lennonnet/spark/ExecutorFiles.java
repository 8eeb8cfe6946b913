package net.lennonnet.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.lennonnet.model.io.Hashes;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files a job ships with {@code addFile} (a model, a backbone), loaded once per executor JVM by the file's
 * SHA-256: every task of a job (and of the next job with the same file) on that executor shares it. The
 * file is checked against the hash the driver computed before it is loaded.
 */
final class ExecutorFiles {

    private static final Logger log = LoggerFactory.getLogger(ExecutorFiles.class);
    private static final Map<String, Object> LOADED = new ConcurrentHashMap<>();

    private ExecutorFiles() {}

    /** A file shipped to the executors, and its SHA-256. */
    record Shipped(Path file, String sha256) {
        String name() {
            return file.getFileName().toString();
        }
    }

    /**
     * Driver side: ships {@code staged} to the executors, renamed {@code prefix + hash + suffix} beside it
     * (Spark ships files by name, and refuses a second file of the same name with other bytes).
     */
    static Shipped ship(SparkSession spark, Path staged, String prefix, String suffix) throws IOException {
        String sha = Hashes.sha256(staged);
        Path file = staged.resolveSibling(prefix + sha.substring(0, 16) + suffix);
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        spark.sparkContext().addFile(file.toString());
        return new Shipped(file, sha);
    }

    /** How a shipped file becomes what the tasks use. */
    interface Loader<T> {
        T load(Path file, int engineThreads) throws IOException;
    }

    /** Executor side: whether this JVM has loaded the file of {@code sha256} already. */
    static boolean loaded(String sha256) {
        return LOADED.containsKey(sha256);
    }

    /** Executor side: the file shipped as {@code fileName}, whose bytes must hash to {@code sha256}, loaded once. */
    static <T> T get(String fileName, String sha256, Class<T> type, Loader<T> loader) {
        return type.cast(LOADED.computeIfAbsent(sha256, sha -> {
            Path file = Path.of(SparkFiles.get(fileName));
            try {
                String actual = Hashes.sha256(file);
                if (!actual.equals(sha)) {
                    throw new IOException("the file " + file + " on this executor has SHA-256 " + actual
                            + ", the driver shipped " + sha);
                }
                long start = System.nanoTime();
                T loaded = loader.load(file, engineThreads());
                log.info("{} loaded on this executor in {} s", fileName, String.format("%.1f", (System.nanoTime() - start) / 1e9));
                return loaded;
            } catch (IOException e) {
                throw new UncheckedIOException("could not load " + fileName + " on this executor: " + e.getMessage(), e);
            }
        }));
    }

    /**
     * ONNX Runtime threads per engine: each task slot of the executor runs its own batches, one thread each,
     * so that the slots together use the executor's cores once, not each of them all.
     */
    private static int engineThreads() {
        int slots = Math.max(1, SparkEnv.get().conf().getInt("spark.executor.cores",
                Runtime.getRuntime().availableProcessors()));
        return Math.max(1, Runtime.getRuntime().availableProcessors() / slots);
    }
}
