package net.lennonnet.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.Int8Calibrations;
import net.lennonnet.data.Split;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.engine.Engines;
import net.lennonnet.model.engine.Int8Calibration;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code featurise} as a Spark job: a dataset's stored images (train, validation and test) to feature rows in
 * {@code OUT/features} (Parquet, {@link FeatureRows}' columns), keyed as {@code train}'s feature cache keys
 * them; then, on the driver, imported into that cache, so that {@code train} on the dataset computes no
 * feature and trains its head on one node as always.
 *
 * <ul>
 *   <li>The driver chooses the engine once (with {@code auto}: ONNX Runtime if it runs the backbone here)
 *       and every executor runs that one, since features of two engines agree to about 1e-5 and are cached
 *       apart; an executor where it cannot run fails the job instead of writing other rows.</li>
 *   <li>The backbone travels as one file ({@link ShippedBackbone}) and is loaded once per executor JVM, while the
 *       driver plans the query.</li>
 *   <li>Augmented views ({@code train --views}) are not computed here: {@code train} computes those itself.</li>
 *   <li>A re-run skips the images already in {@code OUT/features}; another backbone's rows there are an error.</li>
 * </ul>
 */
public final class FeaturiseJob {

    private static final Logger log = LoggerFactory.getLogger(FeaturiseJob.class);
    static final String PARQUET = "features";

    private FeaturiseJob() {}

    /**
     * What a run did: feature rows in the table, the failed among them, skipped as already there, imported, and
     * the seconds the new images took (the backbone's load on the executors, the query's planning, the images read,
     * decoded, featurised and written; without Spark's start or the import),
     * and the images per second per task slot of the tasks after each executor's first wave ({@link TaskClock}).
     */
    public record Result(String backboneKey, long rows, long failed, long skipped, long imported, Path out,
            double seconds, java.util.OptionalDouble warmPerSlot) {}

    /**
     * @param backbone the backbone {@code train --backbone kind} would use (with its own head, as imported)
     * @param cache    the feature cache root to import into ({@link FeatureCache#defaultRoot} is {@code train}'s
     *                 default), or null to leave the rows in {@code OUT/features} only
     */
    public static Result run(SparkSession spark, Backbone backbone, BackboneKind kind, Engine.Choice choice,
            Path datasetFolder, Path out, Path cache) throws IOException {
        return run(spark, backbone, kind, choice, Engine.Precision.FP32, datasetFolder, out, cache);
    }

    /**
     * The same in {@code precision}: with int8, the backbone is calibrated on the driver as {@code train --precision
     * int8} calibrates it ({@link Int8Calibrations}: same images, same ranges), the executors compute the features
     * with ONNX Runtime's integer kernels, and the rows carry the key {@code train --precision int8} reads.
     */
    public static Result run(SparkSession spark, Backbone backbone, BackboneKind kind, Engine.Choice choice,
            Engine.Precision precision, Path datasetFolder, Path out, Path cache) throws IOException {
        Dataset dataset = Dataset.open(datasetFolder);
        InputContract contract = kind.contract(backbone, dataset.preparation());
        String vertex = TransferGraph.findHead(backbone.graph()).featureVertex();
        precision.requireOn(choice);
        Optional<Int8Calibration> int8 = precision == Engine.Precision.INT8
                ? Optional.of(Int8Calibrations.ofTrainingImages(dataset, contract, backbone.graph(), vertex))
                : Optional.empty();
        Engine.Kind engine;
        try (Engine probe = Engines.openInPrecision(choice, backbone.graph(), vertex, 3, contract.height(),
                contract.width(), 1, int8)) {
            engine = probe.kind();
        }
        String key = FeatureCache.key(backbone.graph(), contract, vertex, engine, int8);
        log.info("features of {} on {} {}, cache key {}", backbone.origin(), engine.flag(), precision.flag(), key);

        List<String> folders = new ArrayList<>();
        for (Split split : Split.values()) {
            if (Files.isDirectory(dataset.folder(split))) {
                folders.add(dataset.folder(split).toString());
            }
        }
        if (folders.isEmpty()) {
            throw new IOException(datasetFolder + " has no train, val or test folder: is it a Lennonnet dataset?");
        }
        Files.createDirectories(out);
        Path staged = out.resolve(".backbone.zip.part");
        ShippedBackbone.write(staged, backbone.graph(),
                new ShippedBackbone.Spec(contract, vertex, engine, key, int8.orElse(null)));
        ExecutorFiles.Shipped shipped = ExecutorFiles.ship(spark, staged, "backbone-", ".zip");
        long start = System.nanoTime(); // from here to the last row written: listing, planning, the executors' load, featurising
        OutputTable table = new OutputTable(out.resolve(PARQUET), "backbone_key", key);
        OutputTable.Remaining remaining;
        TaskClock clock = new TaskClock(spark);
        try (ExecutorFiles.Preload preload = ExecutorFiles.preload(spark, shipped, ShippedBackbone.class,
                FeatureRows.LOADER)) {
            org.apache.spark.sql.Dataset<Row> images = spark.read().format("binaryFile")
                    .option("recursiveFileLookup", "true").option("pathGlobFilter", "*.png")
                    .load(folders.toArray(String[]::new)).select("path", "content");
            remaining = table.remaining(spark, images);
            table.append(remaining.images().mapPartitions(new FeatureRows(shipped.name(), shipped.sha256(), clock),
                    Encoders.row(FeatureRows.SCHEMA)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        org.apache.spark.sql.Dataset<Row> all = table.read(spark);
        OutputTable.Counts counts = OutputTable.counts(all);
        long imported = cache == null ? 0 : importInto(all, new FeatureCache(cache, key));
        return new Result(key, counts.rows(), counts.failed(), remaining.skipped(), imported, out, seconds,
                clock.warmPerSlot());
    }

    /**
     * Puts a feature table's rows into {@code cache}, streaming them partition by partition to the driver; returns
     * how many. Rows of another key are refused, so that no feature lands under a backbone that did not make it.
     */
    static long importInto(org.apache.spark.sql.Dataset<Row> table, FeatureCache cache) throws IOException {
        long imported = 0;
        Iterator<Row> rows = table.filter("status = 'ok' AND view = 0").select("backbone_key", "image_sha256", "features")
                .toLocalIterator();
        while (rows.hasNext()) {
            Row row = rows.next();
            if (!cache.key().equals(row.getString(0))) {
                throw new IOException("a feature row of backbone " + row.getString(0) + " cannot go into the cache of "
                        + cache.key());
            }
            cache.put(row.getString(1), FeatureRows.floats((byte[]) row.get(2)));
            imported++;
        }
        log.info("{} feature rows imported into {}", imported, cache.dir());
        return imported;
    }
}
