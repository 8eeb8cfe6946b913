package net.lennonnet.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Outcome;
import net.lennonnet.model.Prediction;
import net.lennonnet.model.io.Hashes;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of {@code binaryFile} ({@code path}, {@code content}) to answer rows: each partition's images in
 * batches of {@value #BATCH} through the executor's one model ({@link ExecutorModels}), decoded by
 * Lennonnet's own pipeline. An image that cannot be used is a row with its reason; the job goes on.
 */
final class AnswerRows implements MapPartitionsFunction<Row, Row>, Serializable {

    private static final long serialVersionUID = 1L;
    static final int BATCH = 16;

    /** The answer table's columns: those of {@code lennonnet predict --csv}. */
    static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("sha256", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, true)
            .add("face_x", DataTypes.IntegerType, true)
            .add("face_y", DataTypes.IntegerType, true)
            .add("face_width", DataTypes.IntegerType, true)
            .add("face_height", DataTypes.IntegerType, true)
            .add("p_john", DataTypes.DoubleType, true)
            .add("label", DataTypes.StringType, true)
            .add("threshold", DataTypes.DoubleType, false)
            .add("model_sha256", DataTypes.StringType, false);

    private final String modelFile;
    private final String modelFileSha256;

    AnswerRows(String modelFile, String modelFileSha256) {
        this.modelFile = modelFile;
        this.modelFileSha256 = modelFileSha256;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        LennonNet net = ExecutorModels.get(modelFile, modelFileSha256);
        return new Iterator<>() {
            private Iterator<Row> batch = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!batch.hasNext() && input.hasNext()) {
                    batch = answer(net, input).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return batch.next();
            }
        };
    }

    /** The next batch of the partition, answered: only {@value #BATCH} images' bytes are held at once. */
    private static List<Row> answer(LennonNet net, Iterator<Row> input) {
        List<String> paths = new ArrayList<>(BATCH);
        List<byte[]> images = new ArrayList<>(BATCH);
        List<String> hashes = new ArrayList<>(BATCH);
        while (input.hasNext() && paths.size() < BATCH) {
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
            Outcome o = outcomes.get(i);
            if (o.prediction().isPresent()) {
                Prediction p = o.prediction().get();
                var face = p.face();
                rows.add(RowFactory.create(paths.get(i), hashes.get(i), "ok", null,
                        face.map(f -> f.x()).orElse(null), face.map(f -> f.y()).orElse(null),
                        face.map(f -> f.width()).orElse(null), face.map(f -> f.height()).orElse(null),
                        p.probabilityJohn(), p.label(), threshold, model));
            } else {
                rows.add(RowFactory.create(paths.get(i), hashes.get(i), "failed", o.error().orElseThrow(), null, null, null,
                        null, null, null, threshold, model));
            }
        }
        return rows;
    }
}
