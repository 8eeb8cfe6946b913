package net.lennonnet.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.lennonnet.model.FileAnswers;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Outcome;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.io.Hashes;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of {@code binaryFile} ({@code path}, {@code content}) to answer rows: each partition's images in
 * batches of {@value LennonNet#BATCH} through the executor's one model ({@link ExecutorFiles}), decoded by
 * Lennonnet's own pipeline. An image that cannot be used is a row with its reason; the job goes on.
 */
final class AnswerRows implements MapPartitionsFunction<Row, Row>, Serializable {

    private static final long serialVersionUID = 1L;

    /** The answer table's columns ({@link FileAnswers#COLUMNS}, those of {@code lennonnet predict --csv}) and their types. */
    static final StructType SCHEMA = schema();

    private static StructType schema() {
        Map<String, DataType> types = Map.of("face_x", DataTypes.IntegerType, "face_y", DataTypes.IntegerType,
                "face_width", DataTypes.IntegerType, "face_height", DataTypes.IntegerType, "p_john", DataTypes.DoubleType,
                "threshold", DataTypes.DoubleType);
        Set<String> always = Set.of("path", "sha256", "status", "threshold", "model_sha256");
        StructType schema = new StructType();
        for (String column : FileAnswers.COLUMNS) {
            schema = schema.add(column, types.getOrDefault(column, DataTypes.StringType), !always.contains(column));
        }
        return schema;
    }

    /** How an executor loads the shipped model: its ONNX Runtime threads share the executor's cores with the other slots. */
    static final ExecutorFiles.Loader<LennonNet> LOADER = (file, threads) -> LennonNet.load(file, Engine.Choice.AUTO,
            threads);

    private final String modelFile;
    private final String modelFileSha256;
    private final TaskClock clock;

    AnswerRows(String modelFile, String modelFileSha256, TaskClock clock) {
        this.modelFile = modelFile;
        this.modelFileSha256 = modelFileSha256;
        this.clock = clock;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        boolean warm = ExecutorFiles.afterFirstWave(modelFileSha256);
        LennonNet net = ExecutorFiles.forThisTask(modelFile, modelFileSha256, LennonNet.class, LOADER);
        return clock.time(Batches.of(input, rows -> answer(net, rows)), warm);
    }

    /** The next batch of the partition, answered: only {@value LennonNet#BATCH} images' bytes are held at once. */
    private static List<Row> answer(LennonNet net, Iterator<Row> input) {
        List<String> paths = new ArrayList<>(LennonNet.BATCH);
        List<byte[]> images = new ArrayList<>(LennonNet.BATCH);
        List<String> hashes = new ArrayList<>(LennonNet.BATCH);
        while (input.hasNext() && paths.size() < LennonNet.BATCH) {
            Row row = input.next();
            byte[] content = row.getAs("content");
            paths.add(row.getAs("path"));
            images.add(content);
            hashes.add(Hashes.sha256(content));
        }
        List<Outcome> outcomes = net.predictEncoded(paths, images);
        double threshold = net.metadata().threshold();
        String model = net.metadata().modelSha256();
        List<Row> rows = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            rows.add(RowFactory.create(FileAnswers.cells(paths.get(i), hashes.get(i), outcomes.get(i), threshold, model)
                    .toArray()));
        }
        return rows;
    }
}
