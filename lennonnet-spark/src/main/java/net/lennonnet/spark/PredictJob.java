package net.lennonnet.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.model.io.Hashes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code predict} as a Spark job: images (folders, globs, or the paths in a text file) to a table of
 * answers in {@code OUT/predictions} (Parquet) and {@code OUT/predictions.csv}, with the columns of
 * {@code lennonnet predict --csv}.
 *
 * <ul>
 *   <li>The bytes come from Spark's {@code binaryFile} source and are decoded by Lennonnet's own pipeline
 *       on the executors (never Spark's {@code image} source, which decodes differently).</li>
 *   <li>The model travels as one packed file ({@code addFile}); each executor loads it once
 *       ({@link ExecutorModels}) and answers 16 images per forward pass ({@link AnswerRows}).</li>
 *   <li>A bad image is a row with its reason, never a failed job.</li>
 *   <li>A run into an {@code OUT} that already has answers of the same model answers only the other images
 *       and appends; answers of another model there are an error.</li>
 * </ul>
 */
public final class PredictJob {

    private static final Logger log = LoggerFactory.getLogger(PredictJob.class);
    static final String PARQUET = "predictions";
    static final String CSV = "predictions.csv";

    private PredictJob() {}

    /** What a run did. */
    public record Result(long answered, long failed, long skipped, Path out) {}

    /**
     * @param model  a model folder or packed {@code .lennonnet} file (a folder is packed first)
     * @param inputs folders (walked), files or globs, as Spark's file sources take them
     */
    public static Result run(SparkSession spark, Path model, List<String> inputs, Path out) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("name the images: folders, files or globs");
        }
        Files.createDirectories(out);
        Path packed = packed(model, out);
        String sha = Hashes.sha256(packed);
        spark.sparkContext().addFile(packed.toString());
        String modelSha256 = ModelBundle.read(packed).metadata().modelSha256();

        Dataset<Row> images = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(inputs.toArray(String[]::new)).select("path", "content");
        long skipped = 0;
        Path parquet = out.resolve(PARQUET);
        if (Files.isDirectory(parquet)) {
            Dataset<Row> earlier = spark.read().parquet(parquet.toString());
            List<String> models = earlier.select("model_sha256").distinct().as(Encoders.STRING()).collectAsList();
            if (!models.isEmpty() && !models.equals(List.of(modelSha256))) {
                throw new IOException(parquet + " holds answers of another model " + models + ", this one is "
                        + modelSha256 + ": write to another --out");
            }
            // the paths only: counting them does not read the images' bytes
            Dataset<Row> answeredPaths = earlier.select("path");
            skipped = images.select("path").join(answeredPaths, "path").count();
            images = images.join(answeredPaths, images.col("path").equalTo(answeredPaths.col("path")), "left_anti");
            log.info("{} images already answered in {}: skipped", skipped, parquet);
        }
        Dataset<Row> answers = images.mapPartitions(new AnswerRows(packed.getFileName().toString(), sha),
                Encoders.row(AnswerRows.SCHEMA));
        answers.write().mode(SaveMode.Append).parquet(parquet.toString());
        Dataset<Row> all = spark.read().parquet(parquet.toString());
        long answered = 0;
        long failed = 0;
        for (Row byStatus : all.groupBy("status").count().collectAsList()) {
            answered += byStatus.getLong(1);
            failed += "failed".equals(byStatus.getString(0)) ? byStatus.getLong(1) : 0;
        }
        writeCsv(all, out);
        return new Result(answered, failed, skipped, out);
    }

    /**
     * The model as one file inside {@code out}, named by its SHA-256 (Spark ships files by name, and refuses a
     * second file of the same name with other bytes): packed from a folder, or copied.
     */
    private static Path packed(Path model, Path out) throws IOException {
        Path staged = out.resolve(".model.lennonnet.part");
        if (Files.isDirectory(model)) {
            ModelBundle.pack(model, staged);
        } else {
            Files.copy(model, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path file = out.resolve("model-" + Hashes.sha256(staged).substring(0, 16) + ".lennonnet");
        Files.move(staged, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
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
