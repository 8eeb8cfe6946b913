package net.lennonnet.train;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.Split;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.engine.Engines;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import org.datavec.api.records.Record;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.image.recordreader.ImageRecordReader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backbone features for every image of a split: from the {@link FeatureCache} when it has them,
 * otherwise read through DataVec's {@code ImageRecordReader} with the {@link ImagePipeline}'s decoder, run
 * through the frozen backbone and stored in the cache.
 */
public final class Featurizer {

    private static final Logger log = LoggerFactory.getLogger(Featurizer.class);

    private final ComputationGraph graph;
    private final String featureVertex;
    /** Runs the backbone: the engine answering uses ({@link Engines}), so the head learns from the features it reads. */
    private final Engine engine;
    private final InputContract contract;
    private final ImagePipeline pipeline;
    private boolean helperLogged;
    private final FeatureCache cache;
    private final int batchSize;

    /**
     * @param graph         the transfer graph; its backbone runs up to {@code featureVertex}
     * @param featureVertex the vertex whose activations are the features (the head's input)
     */
    public Featurizer(ComputationGraph graph, String featureVertex, InputContract contract, FeatureCache cache,
            int batchSize) {
        this(graph, featureVertex, contract, cache, batchSize, Engines.open(Engine.Choice.DL4J, graph, featureVertex, 3,
                contract.height(), contract.width()));
    }

    /**
     * @param engine what runs the backbone; the cache must be keyed with its kind ({@link FeatureCache#key}), since engines agree to about 1e-5, not exactly
     */
    public Featurizer(ComputationGraph graph, String featureVertex, InputContract contract, FeatureCache cache,
            int batchSize, Engine engine) {
        this.graph = graph;
        this.featureVertex = featureVertex;
        this.engine = engine;
        this.contract = contract;
        this.pipeline = ImagePipeline.of(contract);
        this.cache = cache;
        this.batchSize = batchSize;
    }

    /** Features, one-hot labels and files of one split, files in name order within each class. */
    public record Features(INDArray features, INDArray labels, List<Path> files, int computed) {
        public int size() {
            return files.size();
        }
    }

    /** Features of a split's images as they are. */
    public Features featurize(Dataset data, Split split) throws IOException {
        return featurize(data, split, Augmentation.none());
    }

    /**
     * Features of a split's images and of their augmented views: with K views, K rows per image,
     * image by image.
     */
    public Features featurize(Dataset data, Split split, Augmentation augmentation) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (int c = 0; c < Labels.ALL.size(); c++) {
            Path dir = data.folder(split, Labels.ALL.get(c));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> list = Files.list(dir)) {
                for (Path f : list.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList()) {
                    files.add(f);
                    classes.add(c);
                }
            }
        }
        Map<Path, String> hashes = new HashMap<>();
        Map<String, float[]> features = new HashMap<>();
        List<Path> missing = new ArrayList<>();
        for (Path f : files) {
            String sha = Hashes.sha256(f);
            hashes.put(f.toAbsolutePath().normalize(), sha);
            Optional<float[]> cached = cache.get(sha);
            if (cached.isPresent()) {
                features.put(sha, cached.get());
            } else {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            compute(missing, hashes, features, split);
        }
        int computedViews = augmentation.views() > 1 ? computeViews(files, hashes, features, augmentation) : 0;
        log.info("{} features: {} images, {} from the cache, {} computed{}", split.folder(), files.size(),
                files.size() - missing.size(), missing.size(),
                augmentation.views() > 1 ? "; " + (augmentation.views() - 1) + " augmented views each, " + computedViews
                        + " computed" : "");
        if (files.isEmpty()) {
            return new Features(Nd4j.create(0, 1), Nd4j.create(0, Labels.ALL.size()), List.of(), 0);
        }
        int views = augmentation.views();
        float[][] matrix = new float[files.size() * views][];
        INDArray labels = Nd4j.zeros(files.size() * views, Labels.ALL.size());
        List<Path> rows = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String sha = hashes.get(files.get(i).toAbsolutePath().normalize());
            for (int v = 0; v < views; v++) {
                int row = i * views + v;
                matrix[row] = features.get(viewKey(sha, augmentation, v));
                labels.putScalar(row, classes.get(i), 1.0);
                rows.add(files.get(i));
            }
        }
        return new Features(Nd4j.create(matrix), labels, List.copyOf(rows), missing.size() + computedViews);
    }

    /** The cache key of a view: the image's own hash for view 0. */
    static String viewKey(String imageSha256, Augmentation augmentation, int view) {
        return view == 0 ? imageSha256
                : Hashes.sha256((imageSha256 + "|" + augmentation.key() + "|" + view).getBytes(StandardCharsets.UTF_8));
    }

    /** Features of views 1..K-1 that the cache lacks, from the decoded image through the prediction path. */
    private int computeViews(List<Path> files, Map<Path, String> hashes, Map<String, float[]> features,
            Augmentation augmentation) throws IOException {
        List<INDArray> batch = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int computed = 0;
        for (Path file : files) {
            String sha = hashes.get(file.toAbsolutePath().normalize());
            java.awt.image.BufferedImage image = null;
            for (int v = 1; v < augmentation.views(); v++) {
                String key = viewKey(sha, augmentation, v);
                Optional<float[]> cached = cache.get(key);
                if (cached.isPresent()) {
                    features.put(key, cached.get());
                    continue;
                }
                if (image == null) {
                    image = pipeline.decode(file);
                }
                batch.add(pipeline.toInput(augmentation.view(image, sha, v)));
                keys.add(key);
                if (batch.size() == batchSize) {
                    computed += flush(batch, keys, features);
                }
            }
        }
        if (!batch.isEmpty()) {
            computed += flush(batch, keys, features);
        }
        return computed;
    }

    /** Runs already-normalised inputs through the backbone and caches the rows. */
    private int flush(List<INDArray> batch, List<String> keys, Map<String, float[]> features) throws IOException {
        INDArray input = ImagePipeline.stack(batch);
        // Only the feature vertex's activations: TransferLearningHelper.featurize keeps every layer's
        // (about 10 GB of RSS and a third of the speed for ResNet-50 at batch 32, docs/performance.md).
        float[][] rows = engine.features(input);
        input.close();
        if (!helperLogged) {
            helperLogged = true;
            net.lennonnet.model.Dl4jDefaults.logStatusOnce();
            log.info("features run on {}", engine.kind() == Engine.Kind.DL4J
                    ? "DL4J, convolutions on " + net.lennonnet.model.graph.GraphSurgery.convolutionHelper(graph)
                            .map(h -> h + " (oneDNN)").orElse("DL4J's built-in im2col path (no oneDNN helper: several times slower)")
                    : engine.kind().flag());
        }
        for (int i = 0; i < keys.size(); i++) {
            float[] f = rows[i];
            cache.put(keys.get(i), f);
            features.put(keys.get(i), f);
        }
        int n = keys.size();
        batch.clear();
        keys.clear();
        return n;
    }

    private void compute(List<Path> missing, Map<Path, String> hashes, Map<String, float[]> features, Split split)
            throws IOException {
        List<URI> uris = missing.stream().map(p -> p.toAbsolutePath().normalize().toUri()).toList();
        ImageRecordReader reader = pipeline.recordReader(null);
        reader.initialize(new CollectionInputSplit(uris));
        // Decoding the next batch overlaps the backbone's forward pass on this one.
        ExecutorService decoder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lennonnet-decode");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        long lastReport = start;
        int done = 0;
        try {
            Future<Decoded> next = decoder.submit(() -> decodeBatch(reader, hashes));
            while (true) {
                Decoded batch = next.get();
                if (batch.inputs().isEmpty()) {
                    break;
                }
                next = decoder.submit(() -> decodeBatch(reader, hashes));
                done += flush(batch.inputs(), batch.keys(), features);
                long now = System.nanoTime();
                if (now - lastReport > TimeUnit.SECONDS.toNanos(5) || done == missing.size()) {
                    double rate = done / ((now - start) / 1e9);
                    log.info("{} features: {}/{} images computed, {} images/s, ETA {} s", split.folder(), done,
                            missing.size(), String.format("%.1f", rate),
                            Math.round((missing.size() - done) / Math.max(rate, 1e-9)));
                    lastReport = now;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while computing features", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io
                    : new IOException("could not decode a training image: " + e.getCause().getMessage(), e.getCause());
        } finally {
            decoder.shutdownNow();
            reader.close();
        }
    }

    private record Decoded(List<INDArray> inputs, List<String> keys) {}

    /** The next batch from the reader, decoded, resized and normalised; empty at the end. */
    private Decoded decodeBatch(ImageRecordReader reader, Map<Path, String> hashes) {
        List<INDArray> inputs = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        while (inputs.size() < batchSize && reader.hasNext()) {
            Record record = reader.nextRecord();
            INDArray image = ((NDArrayWritable) record.getRecord().get(0)).get();
            pipeline.normaliser().transform(image);
            inputs.add(image);
            keys.add(hashes.get(Path.of(record.getMetaData().getURI()).toAbsolutePath().normalize()));
        }
        return new Decoded(inputs, keys);
    }
}
