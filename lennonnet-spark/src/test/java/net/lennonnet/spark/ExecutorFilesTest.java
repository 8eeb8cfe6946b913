package net.lennonnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an executor keeps loaded: every file once while tasks use it, and, between jobs, the {@value ExecutorFiles#KEPT}
 * used last; the others are closed, never one a task still uses. (With a local master the executor is this JVM, so
 * what its loader made can be looked at from here.)
 */
class ExecutorFilesTest {

    /** What the executor loaded, by shipped file name, in order. */
    static final Map<String, List<Probe>> LOADS = new ConcurrentHashMap<>();

    static final class Probe implements AutoCloseable {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static final ExecutorFiles.Loader<Probe> LOADER = (file, threads) -> {
        Probe probe = new Probe();
        LOADS.computeIfAbsent(file.getFileName().toString(), name -> new CopyOnWriteArrayList<>()).add(probe);
        return probe;
    };

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTests.local("executor-files");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void anExecutorKeepsTheFilesUsedLastAndClosesTheOthersButNeverOneInUse(@TempDir Path dir) throws Exception {
        List<ExecutorFiles.Shipped> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path staged = dir.resolve("file" + i + ".part");
            Files.writeString(staged, "file " + i, StandardCharsets.UTF_8);
            files.add(ExecutorFiles.ship(spark, staged, "probe" + i + "-", ".bin"));
        }
        useInTasks(files.get(0));
        useInTasks(files.get(1));
        assertThat(loads(files.get(0))).hasSize(1); // two tasks, one load
        assertThat(open(files.get(0))).isTrue();
        assertThat(open(files.get(1))).isTrue();

        useInTasks(files.get(2)); // a third: the one used least recently goes
        assertThat(open(files.get(0))).isFalse();
        assertThat(open(files.get(1))).isTrue();
        assertThat(open(files.get(2))).isTrue();

        ExecutorFiles.Shipped held = files.get(1);
        try (ExecutorFiles.Lease<Probe> lease = ExecutorFiles.lease(held.name(), held.sha256(), Probe.class, LOADER)) {
            assertThat(lease.value()).isSameAs(loads(held).get(0));
            useInTasks(files.get(3)); // the least recently used one not in use goes: file 2, not the leased file 1
            assertThat(open(files.get(2))).isFalse();
            assertThat(open(files.get(3))).isTrue();
            useInTasks(files.get(0)); // loaded again; file 1 is still in use, so file 3 goes
            assertThat(loads(files.get(0))).hasSize(2);
            assertThat(open(files.get(0))).isTrue();
            assertThat(open(files.get(3))).isFalse();
            assertThat(open(held)).isTrue();
        }
        assertThat(open(held)).as("kept: one of the two used last").isTrue();
        assertThat(loads(held)).hasSize(1);
    }

    private static void useInTasks(ExecutorFiles.Shipped file) {
        String name = file.name();
        String sha256 = file.sha256();
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2)
                .foreach(i -> ExecutorFiles.forThisTask(name, sha256, Probe.class, LOADER));
    }

    private static List<Probe> loads(ExecutorFiles.Shipped file) {
        return LOADS.getOrDefault(file.name(), List.of());
    }

    /** Whether the last load of the file is open. */
    private static boolean open(ExecutorFiles.Shipped file) {
        List<Probe> loads = loads(file);
        assertThat(loads).as(file.name() + " loaded").isNotEmpty();
        return !loads.get(loads.size() - 1).closed.get();
    }
}
