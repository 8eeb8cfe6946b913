package net.lennonnet.spark;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.image.UndecodableImageException;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.ImagePipeline;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of {@code binaryFile} ({@code path}, {@code content}) over a dataset's stored images to feature rows
 * keyed like the feature cache: {@code backbone_key}, {@code image_sha256}, {@code view} (0: the image as
 * it is), and the features as little-endian float32 bytes; {@value LennonNet#BATCH} images per forward pass
 * through the executor's one backbone ({@link ShippedBackbone}). An image that cannot be decoded is a row
 * with its reason and no features.
 */
final class FeatureRows implements MapPartitionsFunction<Row, Row>, Serializable {

    private static final long serialVersionUID = 1L;

    static final StructType SCHEMA = new StructType()
            .add("backbone_key", DataTypes.StringType, false)
            .add("image_sha256", DataTypes.StringType, false)
            .add("view", DataTypes.IntegerType, false)
            .add("path", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, true)
            .add("features", DataTypes.BinaryType, true);

    /** How an executor loads the shipped backbone. */
    static final ExecutorFiles.Loader<ShippedBackbone> LOADER = ShippedBackbone::open;

    private final String backboneFile;
    private final String backboneFileSha256;
    private final TaskClock clock;

    FeatureRows(String backboneFile, String backboneFileSha256, TaskClock clock) {
        this.backboneFile = backboneFile;
        this.backboneFileSha256 = backboneFileSha256;
        this.clock = clock;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        boolean warm = ExecutorFiles.afterFirstWave(backboneFileSha256);
        ShippedBackbone backbone = ExecutorFiles.forThisTask(backboneFile, backboneFileSha256, ShippedBackbone.class, LOADER);
        return clock.time(Batches.of(input, rows -> featurise(backbone, rows)), warm);
    }

    /** The next batch of the partition: only {@value LennonNet#BATCH} images' bytes are held at once. */
    private static List<Row> featurise(ShippedBackbone backbone, Iterator<Row> input) {
        String key = backbone.spec().key();
        List<Row> rows = new ArrayList<>(LennonNet.BATCH);
        List<INDArray> inputs = new ArrayList<>(LennonNet.BATCH);
        List<String[]> usable = new ArrayList<>(LennonNet.BATCH); // path, sha256 of the decoded ones
        while (input.hasNext() && rows.size() + usable.size() < LennonNet.BATCH) {
            Row row = input.next();
            String path = row.getAs("path");
            byte[] content = row.getAs("content");
            String sha = Hashes.sha256(content);
            try {
                inputs.add(backbone.pipeline().toInput(backbone.pipeline().decode(content)));
                usable.add(new String[] {path, sha});
            } catch (UndecodableImageException e) {
                rows.add(RowFactory.create(key, sha, 0, path, "failed", e.getMessage(), null));
            }
        }
        if (!inputs.isEmpty()) {
            INDArray batch = ImagePipeline.stack(inputs);
            float[][] features = backbone.engine().features(batch);
            batch.close();
            for (int i = 0; i < usable.size(); i++) {
                rows.add(RowFactory.create(key, usable.get(i)[1], 0, usable.get(i)[0], "ok", null, bytes(features[i])));
            }
        }
        return rows;
    }

    /** Features as the little-endian float32 bytes of the {@code features} column. */
    static byte[] bytes(float[] features) {
        ByteBuffer out = ByteBuffer.allocate(features.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(features);
        return out.array();
    }

    /** The {@code features} column's bytes as floats. */
    static float[] floats(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("a features cell of " + bytes.length + " bytes is not float32s");
        }
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
