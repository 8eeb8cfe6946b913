package net.lennonnet.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import net.lennonnet.model.concurrent.Futures;
import net.lennonnet.model.io.Hashes;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files a job ships with {@code addFile} (a model, a backbone), loaded once per executor JVM by the file's
 * SHA-256: every task of a job (and of the next job with the same file) on that executor shares it. The
 * file is checked against the hash the driver computed before it is loaded. A task leases what it uses
 * ({@link #forThisTask}); an executor keeps at most {@value #KEPT} files loaded (more only while tasks use
 * them), those leased last, and closes the others, so that a long-lived session running many models does not
 * hold every one of them (hundreds of MB of native memory each).
 */
final class ExecutorFiles {

    /** Loaded files an executor keeps (more only while tasks use them): a session's model and backbone, say. */
    static final int KEPT = 2;

    private static final Logger log = LoggerFactory.getLogger(ExecutorFiles.class);
    /** By SHA-256, least recently leased first; guarded by itself. */
    private static final Map<String, Loaded> LOADED = new LinkedHashMap<>(8, 0.75f, true);
    private static final Map<String, AtomicInteger> TASKS = new ConcurrentHashMap<>();

    /** A file's load (run by the first lease, awaited by the others) and the leases on it now. */
    private static final class Loaded {
        final String fileName;
        final FutureTask<Object> load;
        int leases; // guarded by LOADED

        Loaded(String fileName, Callable<Object> load) {
            this.fileName = fileName;
            this.load = new FutureTask<>(load);
        }
    }

    /** A use of a loaded file; closing it (once) lets the executor close the file's contents when it keeps them no longer. */
    static final class Lease<T> implements AutoCloseable {
        private final T value;
        private final Loaded loaded;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(T value, Loaded loaded) {
            this.value = value;
            this.loaded = loaded;
        }

        T value() {
            return value;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                synchronized (LOADED) {
                    loaded.leases--;
                }
                closeUnkept();
            }
        }
    }

    private ExecutorFiles() {}

    /** A file shipped to the executors, and its SHA-256. */
    record Shipped(Path file, String sha256) {
        String name() {
            return file.getFileName().toString();
        }
    }

    /**
     * Driver side: ships {@code staged} to the executors, renamed {@code prefix + hash + suffix} beside it
     * (Spark ships files by name, and refuses a second file of the same name with other bytes). A file of that
     * name this session has shipped already (the same model packed again: the same bytes) is not shipped twice,
     * since a cluster's file server refuses one name from two paths; the executors have it, or fetch it, by name.
     */
    static Shipped ship(SparkSession spark, Path staged, String prefix, String suffix) throws IOException {
        String sha = Hashes.sha256(staged);
        Path file = staged.resolveSibling(prefix + sha.substring(0, 16) + suffix);
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String name = file.getFileName().toString();
        boolean shipped = scala.collection.JavaConverters.seqAsJavaList(spark.sparkContext().listFiles()).stream()
                .anyMatch(uri -> uri.endsWith("/" + name));
        if (shipped) {
            log.info("{} was shipped to the executors earlier in this session", name);
        } else {
            spark.sparkContext().addFile(file.toString());
        }
        return new Shipped(file, sha);
    }

    /** How a shipped file becomes what the tasks use (sent to the executors with them). */
    interface Loader<T> extends Serializable {
        T load(Path file, int engineThreads) throws IOException;
    }

    /**
     * A job loading a shipped file on the executors ahead of the query that uses it ({@link #preload}). Closing it
     * cancels what is left of it: only a run whose query failed, or had no task, leaves any.
     */
    static final class Preload implements AutoCloseable {
        private final JavaFutureAction<Void> job;

        private Preload(JavaFutureAction<Void> job) {
            this.job = job;
        }

        @Override
        public void close() {
            job.cancel(false); // a task already loading finishes its load; Spark interrupts no task by default
        }
    }

    /**
     * Driver side: starts a job of one task per executor core that loads the shipped file, so that the executors
     * load it while the driver lists the input and plans the query, rather than after. The query's tasks run once
     * this job's have (Spark's scheduler takes jobs in order) and find the file loaded; one that finds it still
     * loading waits for it, as any task does.
     */
    static <T> Preload preload(SparkSession spark, Shipped shipped, Class<T> type, Loader<T> loader) {
        int slots = spark.sparkContext().defaultParallelism();
        String name = shipped.name();
        String sha256 = shipped.sha256();
        spark.sparkContext().setJobDescription("lennonnet: load " + name + " on the executors");
        try {
            return new Preload(JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(IntStream.range(0, slots).boxed().toList(), slots)
                    .foreachPartitionAsync(slot -> lease(name, sha256, type, loader).close()));
        } finally {
            spark.sparkContext().setJobDescription(null);
        }
    }

    /**
     * Executor side: whether a task using the file of {@code sha256} comes after this executor's first wave of such
     * tasks (one per task slot), whose passes through the engine were its first ones, slower than the rest.
     */
    static boolean afterFirstWave(String sha256) {
        return TASKS.computeIfAbsent(sha256, sha -> new AtomicInteger()).getAndIncrement() >= slots();
    }

    /**
     * Executor side: the file shipped as {@code fileName}, whose bytes must hash to {@code sha256}, loaded once
     * (or found loaded), leased until the running task ends.
     */
    static <T> T forThisTask(String fileName, String sha256, Class<T> type, Loader<T> loader) {
        TaskContext task = TaskContext.get();
        if (task == null) {
            throw new IllegalStateException("forThisTask is for a Spark task; lease " + fileName + " instead");
        }
        Lease<T> lease = lease(fileName, sha256, type, loader);
        task.addTaskCompletionListener((TaskCompletionListener) context -> lease.close());
        return lease.value();
    }

    /**
     * Executor side: the file shipped as {@code fileName}, loaded once (the first lease loads it, the others wait)
     * and checked against {@code sha256}, leased until the lease is closed. A load that fails is tried again by
     * the next lease.
     */
    static <T> Lease<T> lease(String fileName, String sha256, Class<T> type, Loader<T> loader) {
        Loaded loaded;
        synchronized (LOADED) {
            loaded = LOADED.computeIfAbsent(sha256, sha -> new Loaded(fileName, () -> load(fileName, sha, loader)));
            loaded.leases++;
        }
        loaded.load.run(); // loads, unless another lease has (or is loading: await waits for it)
        T value;
        try {
            value = type.cast(Futures.await(loaded.load, fileName + " loaded"));
        } catch (RuntimeException | Error e) {
            synchronized (LOADED) {
                loaded.leases--;
                if (loaded.load.isDone()) {
                    LOADED.remove(sha256, loaded);
                }
            }
            throw e;
        }
        closeUnkept();
        return new Lease<>(value, loaded);
    }

    private static Object load(String fileName, String sha256, Loader<?> loader) {
        Path file = Path.of(SparkFiles.get(fileName));
        try {
            String actual = Hashes.sha256(file);
            if (!actual.equals(sha256)) {
                throw new IOException("the file " + file + " on this executor has SHA-256 " + actual
                        + ", the driver shipped " + sha256);
            }
            long start = System.nanoTime();
            Object loaded = loader.load(file, engineThreads());
            log.info("{} loaded on this executor in {} s", fileName, String.format("%.1f", (System.nanoTime() - start) / 1e9));
            return loaded;
        } catch (IOException e) {
            throw new UncheckedIOException("could not load " + fileName + " on this executor: " + e.getMessage(), e);
        }
    }

    /** Closes the loaded files beyond the {@value #KEPT} leased last that no task uses. */
    private static void closeUnkept() {
        Map<String, Object> closing = new LinkedHashMap<>();
        synchronized (LOADED) {
            int excess = LOADED.size() - KEPT;
            for (Iterator<Map.Entry<String, Loaded>> it = LOADED.entrySet().iterator(); it.hasNext() && excess > 0; ) {
                Map.Entry<String, Loaded> entry = it.next();
                Loaded loaded = entry.getValue();
                if (loaded.leases == 0 && loaded.load.isDone()) {
                    it.remove();
                    TASKS.remove(entry.getKey());
                    excess--;
                    try {
                        closing.put(loaded.fileName, loaded.load.get());
                    } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
                        // a failed load holds nothing to close (and is removed as it fails)
                    }
                }
            }
        }
        closing.forEach((fileName, contents) -> {
            if (contents instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                    log.info("{} closed on this executor, which keeps the {} files used last", fileName, KEPT);
                } catch (Exception e) {
                    log.warn("could not close {} on this executor: {}", fileName, e.toString());
                }
            }
        });
    }

    /**
     * ONNX Runtime threads per engine: each task slot of the executor runs its own batches, one thread each,
     * so that the slots together use the executor's cores once, not each of them all.
     */
    private static int engineThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / slots());
    }

    /** The executor's task slots: {@code spark.executor.cores}, or its cores. */
    private static int slots() {
        return Math.max(1, SparkEnv.get().conf().getInt("spark.executor.cores", Runtime.getRuntime().availableProcessors()));
    }
}
