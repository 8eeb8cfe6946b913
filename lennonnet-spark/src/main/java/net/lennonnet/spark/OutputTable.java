package net.lennonnet.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's Parquet output that grows across runs: rows of one producer (a model, a backbone), named by an
 * identity column; a run answers only the images whose paths are not there yet and appends its rows.
 *
 * @param parquet  the table's folder
 * @param column   the column naming what wrote a row
 * @param identity this run's value of it; rows of another value in the table are an error
 */
record OutputTable(Path parquet, String column, String identity) {

    private static final Logger log = LoggerFactory.getLogger(OutputTable.class);

    /** The images of {@code images} ({@code path}, ...) the table has no row for, and how many it has. */
    record Remaining(Dataset<Row> images, long skipped) {}

    Remaining remaining(SparkSession spark, Dataset<Row> images) throws IOException {
        if (!Files.isDirectory(parquet)) {
            return new Remaining(images, 0);
        }
        Dataset<Row> earlier = spark.read().parquet(parquet.toString());
        List<String> writers = earlier.select(column).distinct().as(Encoders.STRING()).collectAsList();
        if (!writers.isEmpty() && !writers.equals(List.of(identity))) {
            throw new IOException(parquet + " holds rows of another " + column + " " + writers + ", this run's is "
                    + identity + ": write to another --out");
        }
        // the paths only: counting them does not read the images' bytes
        Dataset<Row> done = earlier.select("path");
        long skipped = images.select("path").join(done, "path").count();
        log.info("{} images already in {}: skipped", skipped, parquet);
        return new Remaining(images.join(done, images.col("path").equalTo(done.col("path")), "left_anti"), skipped);
    }

    /** Appends a run's rows: the query that computes them runs here. */
    void append(Dataset<Row> rows) {
        rows.write().mode(SaveMode.Append).parquet(parquet.toString());
    }

    /** The whole table, this run's rows and the earlier ones. */
    Dataset<Row> read(SparkSession spark) {
        return spark.read().parquet(parquet.toString());
    }

    /** A table's rows, and how many of them are {@code failed}. */
    record Counts(long rows, long failed) {}

    /** Counts a table's rows and its failed ones, in one aggregation. */
    static Counts counts(Dataset<Row> table) {
        long rows = 0;
        long failed = 0;
        for (Row byStatus : table.groupBy("status").count().collectAsList()) {
            rows += byStatus.getLong(1);
            failed += "failed".equals(byStatus.getString(0)) ? byStatus.getLong(1) : 0;
        }
        return new Counts(rows, failed);
    }
}
