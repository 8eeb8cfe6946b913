package net.lennonnet.spark;

import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.OptionalDouble;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;

/**
 * How fast a job's tasks answered once their executor was warm: each partition times itself, from its first row
 * asked for to its last, and records whether it came after its executor's first wave of tasks with the shipped
 * file ({@link ExecutorFiles#afterFirstWave}: the wave that waits for the file's load and makes the engine's first,
 * slower passes); the driver adds up the warm ones. That is the rate per task slot without the job's fixed costs
 * (planning and code generation, the file's load and the engine's first passes, the commit), which a run of a
 * thousand images feels and an archive of millions does not.
 */
final class TaskClock implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Per partition: nanoseconds, rows, 1 when it began warm. */
    private final CollectionAccumulator<long[]> partitions;

    TaskClock(SparkSession spark) {
        this.partitions = spark.sparkContext().collectionAccumulator("lennonnet partitions");
    }

    /** Executor side: the partition's rows, timed into the accumulator when the last one has been taken. */
    <T> Iterator<T> time(Iterator<T> rows, boolean warm) {
        return new Iterator<>() {
            private long started;
            private long count;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (started == 0) {
                    started = System.nanoTime();
                }
                boolean more = rows.hasNext();
                if (!more && !done) {
                    done = true;
                    partitions.add(new long[] {System.nanoTime() - started, count, warm ? 1 : 0});
                }
                return more;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                count++;
                return rows.next();
            }
        };
    }

    /** Images per second per task slot over the partitions that began warm; empty when none did. */
    OptionalDouble warmPerSlot() {
        long nanos = 0;
        long rows = 0;
        for (long[] p : partitions.value()) {
            if (p[2] == 1) {
                nanos += p[0];
                rows += p[1];
            }
        }
        return nanos == 0 ? OptionalDouble.empty() : OptionalDouble.of(rows / (nanos / 1e9));
    }
}
