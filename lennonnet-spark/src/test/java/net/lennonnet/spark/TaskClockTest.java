package net.lennonnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The warm rate counts only the partitions that began warm, over their own rows and time. */
class TaskClockTest {

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTests.local("task-clock");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void theWarmRateIsTheWarmPartitionsRowsOverTheirOwnTime() {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(i);
        }
        TaskClock clock = new TaskClock(spark);
        // 4 partitions of 10 rows: the two cold ones take 20 ms a row, the two warm ones 5 ms a row
        long counted = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 4)
                .mapPartitions(new Slow(clock)).count();
        assertThat(counted).isEqualTo(40);

        double perSlot = clock.warmPerSlot().orElseThrow();
        // 20 warm rows in about 100 ms (at least 100: sleeping takes no less), never the cold ones' 50 a second
        assertThat(perSlot).isBetween(100.0, 200.0);
    }

    @Test
    void noWarmPartitionNoRate() {
        TaskClock clock = new TaskClock(spark);
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2, 3), 1)
                .mapPartitions((FlatMapFunction<Iterator<Integer>, Integer>) it -> clock.time(it, false)).count();
        assertThat(clock.warmPerSlot()).isEmpty();
    }

    /** Partitions 0 and 1 cold and slow, 2 and 3 warm and faster, each row's time spent as its partition is read. */
    private record Slow(TaskClock clock) implements FlatMapFunction<Iterator<Integer>, Integer> {
        @Override
        public Iterator<Integer> call(Iterator<Integer> input) {
            boolean warm = input.hasNext() && peekWarm();
            long pause = warm ? 5 : 20;
            Iterator<Integer> slowed = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return input.hasNext();
                }

                @Override
                public Integer next() {
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return input.next();
                }
            };
            return clock.time(slowed, warm);
        }

        private static boolean peekWarm() {
            return org.apache.spark.TaskContext.getPartitionId() >= 2;
        }
    }
}
