package net.lennonnet.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.io.AtomicFiles;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * {@code predict} as a Spark job: images (folders, globs, or the paths in a text file) to a table of
 * answers in {@code OUT/predictions} (Parquet) and {@code OUT/predictions.csv}, with the columns of
 * {@code lennonnet predict --csv}.
 *
 * <ul>
 *   <li>The bytes come from Spark's {@code binaryFile} source and are decoded by Lennonnet's own pipeline
 *       on the executors (never Spark's {@code image} source, which decodes differently).</li>
 *   <li>The model travels as one packed file ({@code addFile}); each executor loads it once
 *       ({@link ExecutorFiles}), while the driver plans the query, and answers 16 images per forward pass
 *       ({@link AnswerRows}).</li>
 *   <li>A bad image is a row with its reason, never a failed job.</li>
 *   <li>A run into an {@code OUT} that already has answers of the same model answers only the other images
 *       and appends; answers of another model there are an error.</li>
 * </ul>
 */
public final class PredictJob {

    static final String PARQUET = "predictions";
    static final String CSV = "predictions.csv";

    private PredictJob() {}

    /**
     * What a run did: rows in the table, failed among them, skipped as already answered, and the seconds the
     * new images took (the model's load on the executors, the query's planning, the images read, decoded,
     * answered and written: the job's rate from the model to the table, without Spark's start), and
     * the images per second per task slot of the tasks after each executor's first wave ({@link TaskClock}).
     */
    public record Result(long answered, long failed, long skipped, Path out, double seconds,
            java.util.OptionalDouble warmPerSlot) {}

    /**
     * @param modelPath a model folder or packed {@code .lennonnet} file (a folder is packed first)
     * @param inputs    folders (walked), files or globs, as Spark's file sources take them
     */
    public static Result run(SparkSession spark, Path modelPath, List<String> inputs, Path out) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("name the images: folders, files or globs");
        }
        Files.createDirectories(out);
        ExecutorFiles.Shipped model = ExecutorFiles.ship(spark, staged(modelPath, out), "model-", ".lennonnet");
        long start = System.nanoTime(); // from here to the last row written: listing, planning, the executors' load, answering
        OutputTable table;
        OutputTable.Remaining remaining;
        TaskClock clock = new TaskClock(spark);
        try (ExecutorFiles.Preload preload = ExecutorFiles.preload(spark, model, LennonNet.class, AnswerRows.LOADER)) {
            // the metadata alone: the driver names the model, the executors load (and check) it
            String modelSha256 = ModelBundle.metadata(model.file()).modelSha256();
            Dataset<Row> images = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                    .load(inputs.toArray(String[]::new)).select("path", "content");
            table = new OutputTable(out.resolve(PARQUET), "model_sha256", modelSha256);
            remaining = table.remaining(spark, images);
            table.append(remaining.images().mapPartitions(new AnswerRows(model.name(), model.sha256(), clock),
                    Encoders.row(AnswerRows.SCHEMA)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Dataset<Row> all = table.read(spark);
        OutputTable.Counts counts = OutputTable.counts(all);
        writeCsv(all, out);
        return new Result(counts.rows(), counts.failed(), remaining.skipped(), out, seconds, clock.warmPerSlot());
    }

    /** The model as one file inside {@code out}, to be shipped: packed from a folder, or copied. */
    private static Path staged(Path model, Path out) throws IOException {
        Path staged = out.resolve(".model.lennonnet.part");
        if (Files.isDirectory(model)) {
            ModelBundle.pack(model, staged);
        } else {
            Files.copy(model, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return staged;
    }

    /** {@code OUT/predictions.csv}: Spark's CSV parts, joined under one header, by path. */
    private static void writeCsv(Dataset<Row> all, Path out) throws IOException {
        Path parts = out.resolve("predictions-csv");
        all.orderBy("path").coalesce(1).write().mode(SaveMode.Overwrite).option("header", "true").csv(parts.toString());
        List<Path> files;
        try (Stream<Path> list = Files.list(parts)) {
            files = list.filter(p -> p.getFileName().toString().startsWith("part-") && p.toString().endsWith(".csv"))
                    .sorted().toList();
        }
        AtomicFiles.write(out.resolve(CSV), tmp -> {
            boolean header = false;
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Path part : files) {
                    try (java.io.BufferedReader r = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                        String first = r.readLine();
                        if (first != null && !header) {
                            w.write(first);
                            w.newLine();
                        }
                        r.transferTo(w); // part by part, never a whole table in memory
                    }
                    header = true;
                }
            }
        });
    }
}
