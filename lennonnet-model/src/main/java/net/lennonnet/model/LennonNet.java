package net.lennonnet.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lennonnet.model.bundle.Decision;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.concurrent.Futures;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.engine.Engines;
import net.lennonnet.model.engine.SoftmaxHead;
import net.lennonnet.model.explain.ClassActivationMap;
import net.lennonnet.model.explain.Heatmap;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.explain.Occlusion;
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.face.FaceBox;
import net.lennonnet.model.face.FaceCrop;
import net.lennonnet.model.face.NoFaceException;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.image.UndecodableImageException;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.Preparation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The front door for using a trained model: is this John Lennon?
 *
 * <pre>{@code
 * try (LennonNet net = LennonNet.load(Path.of("model"))) {
 *     double p = net.predict(Path.of("photo.jpg")).probabilityJohn();
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may call {@code predict}; decoding and preprocessing run
 * in parallel, the forward pass is serialised on the one graph (DL4J graphs are not safe for
 * concurrent use). For many images, {@link #predictFiles} and {@link #predictAll} batch the
 * forward passes.
 *
 * <p>Errors: {@link IOException} when a model cannot be read or does not match its metadata;
 * {@link UndecodableImageException}, a subclass, with a one-line reason when an input is not an
 * image Lennonnet can use.
 */
public final class LennonNet implements AutoCloseable {

    /** Images per forward pass in the batch methods ({@link FileAnswers}, Spark's executors). */
    public static final int BATCH = 16;

    private final ComputationGraph graph;
    private final ModelMetadata metadata;
    private final ImagePipeline pipeline;
    private final java.util.Optional<BlazeFace> detector;
    /** Runs the backbone: ONNX Runtime when it can, else DL4J ({@link Engines}). */
    private final Engine engine;
    /** The head in plain Java, after an engine other than DL4J; empty when DL4J computes it. */
    private final java.util.Optional<SoftmaxHead> javaHead;
    private final int engineThreads;
    /**
     * Full batches' stacked inputs, kept for the next batch: a new native buffer of that size (9.6 MB for
     * ResNet-50) faults its pages in again each time, about 25 ms a batch on our VMs. At most one per caller
     * answering at once, up to {@link #MAX_STACKING_BUFFERS}.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<INDArray> stackingBuffers = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int MAX_STACKING_BUFFERS = 4;
    /** The class activation map, opened at the first {@link #explain}. */
    private ClassActivationMap activationMap;

    private LennonNet(ModelBundle bundle, long maxPixels, Engine.Choice engine) {
        this(bundle, maxPixels, engine, Runtime.getRuntime().availableProcessors());
    }

    private LennonNet(ModelBundle bundle, long maxPixels, Engine.Choice engine, int engineThreads) {
        this.graph = bundle.graph();
        this.metadata = bundle.metadata();
        this.detector = bundle.detector();
        this.pipeline = new ImagePipeline(metadata.input(), maxPixels, detector);
        Dl4jDefaults.logStatusOnce();
        // a loaded model answers its first image at speed: the pipeline's libraries load beside the engine
        java.util.concurrent.FutureTask<Void> libraries = new java.util.concurrent.FutureTask<>(pipeline::loadLibraries, null);
        Thread loader = new Thread(libraries, "lennonnet-pipeline-libraries");
        loader.setDaemon(true);
        loader.start();
        this.engine = Engines.open(engine, graph, metadata.head().featureVertex(), 3, metadata.input().height(),
                metadata.input().width(), engineThreads, metadata.int8Calibration());
        awaitLibraries(libraries);
        this.javaHead = this.engine.kind() == Engine.Kind.DL4J ? java.util.Optional.empty()
                : SoftmaxHead.of(graph, metadata.head().outputVertex());
        this.engineThreads = engineThreads;
    }

    private void awaitLibraries(java.util.concurrent.FutureTask<Void> libraries) {
        try {
            Futures.await(libraries, "the image pipeline's libraries loaded");
        } catch (RuntimeException | Error e) {
            engine.close();
            throw e;
        }
    }

    /** Largest encoded image {@link #predict(InputStream)} reads: 50 MB. */
    public static final int MAX_ENCODED_BYTES = 50 * 1024 * 1024;

    /**
     * Loads the model folder written by {@code lennonnet train --out}, or a packed {@code .lennonnet} file,
     * answering with the faster engine that loads ({@link Engine.Choice#AUTO}).
     */
    public static LennonNet load(Path model) throws IOException {
        return load(model, Engine.Choice.AUTO);
    }

    /** Loads a model folder or packed file, answering with the engine asked for. */
    public static LennonNet load(Path model, Engine.Choice engine) throws IOException {
        return new LennonNet(ModelBundle.read(model), Images.DEFAULT_MAX_PIXELS, engine);
    }

    /**
     * Loads a model folder or packed file for callers that run several batches at once (a Spark executor's
     * tasks): ONNX Runtime then uses {@code engineThreads} threads per batch instead of every core.
     */
    public static LennonNet load(Path model, Engine.Choice engine, int engineThreads) throws IOException {
        return new LennonNet(ModelBundle.read(model), Images.DEFAULT_MAX_PIXELS, engine, engineThreads);
    }

    /** Loads a packed model ({@link ModelBundle#pack}) from a stream, for example a classpath resource. */
    public static LennonNet load(InputStream packedModel) throws IOException {
        return load(packedModel, Engine.Choice.AUTO);
    }

    /** Loads a packed model from a stream, answering with the engine asked for. */
    public static LennonNet load(InputStream packedModel, Engine.Choice engine) throws IOException {
        if (packedModel == null) {
            throw new IOException("no model stream (a classpath resource that does not exist?)");
        }
        return new LennonNet(ModelBundle.read(packedModel), Images.DEFAULT_MAX_PIXELS, engine);
    }

    /** The engine that runs the backbone. */
    public Engine.Kind engine() {
        return engine.kind();
    }

    /** The precision the backbone runs in: int8 for a model trained so, when ONNX Runtime runs it. */
    public Engine.Precision precision() {
        return engine.precision();
    }

    /** What the model was trained with: labels, input contract, threshold, provenance. */
    public ModelMetadata metadata() {
        return metadata;
    }

    /** Predicts for an image file. */
    public Prediction predict(Path image) throws IOException {
        return predict(Images.read(image));
    }

    /** Predicts for encoded image bytes (JPEG, PNG, GIF, BMP ...). */
    public Prediction predict(byte[] encoded) throws UndecodableImageException {
        return predict(pipeline.decode(encoded));
    }

    /** Predicts for encoded image bytes from a stream (read to its end, at most {@value #MAX_ENCODED_BYTES} bytes). */
    public Prediction predict(InputStream encoded) throws IOException {
        byte[] bytes = encoded.readNBytes(MAX_ENCODED_BYTES + 1);
        if (bytes.length > MAX_ENCODED_BYTES) {
            throw new UndecodableImageException("image larger than " + MAX_ENCODED_BYTES + " bytes");
        }
        return predict(bytes);
    }

    /** Predicts for an image already in memory. */
    public Prediction predict(BufferedImage image) {
        return predictAll(List.of(image)).get(0);
    }

    /**
     * One prediction per face in the image, largest face first, each with its face box: for models
     * trained on faces ({@code dataset --face-align} or {@code --face-crop}); otherwise, or when a face-crop
     * model finds no face, the one prediction {@link #predict(BufferedImage)} gives; a face-align model
     * finding none throws {@link NoFaceException}.
     */
    public List<Prediction> predictEveryFace(BufferedImage image) {
        long start = System.nanoTime();
        return forward(pipeline.inputsPerFace(image), start);
    }

    /**
     * Predicts for many images in memory with one forward pass per {@code batch} images (faster than
     * one call each). Each prediction's time is its share of the batch. For a face model, an image
     * without a face throws {@link NoFaceException}.
     */
    public List<Prediction> predictAll(List<BufferedImage> images) {
        List<Prediction> out = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += BATCH) {
            long start = System.nanoTime();
            List<ImagePipeline.Input> inputs = images.subList(from, Math.min(images.size(), from + BATCH)).stream()
                    .map(pipeline::input).toList();
            out.addAll(forward(inputs, start));
        }
        return out;
    }

    /** One forward pass over prepared inputs; each prediction's time is its share since {@code start}. */
    List<Prediction> forward(List<ImagePipeline.Input> prepared, long start) {
        INDArray[] inputs = prepared.stream().map(ImagePipeline.Input::tensor).toArray(INDArray[]::new);
        INDArray reuse = inputs.length == BATCH ? stackingBuffers.pollFirst() : null;
        INDArray input = ImagePipeline.stack(java.util.Arrays.asList(inputs), reuse);
        if (reuse != null && reuse != input) {
            reuse.close();
        }
        double[] pJohn;
        try {
            pJohn = probabilitiesJohn(input);
        } finally {
            // Free the native buffers now rather than when a GC happens to run: a long-running server
            // otherwise grows its resident memory (docs/reliability.md); full batches' stacking buffers are kept
            for (INDArray a : inputs) {
                pipeline.recycle(a);
            }
            if (inputs.length == BATCH && stackingBuffers.size() < MAX_STACKING_BUFFERS) {
                stackingBuffers.offerFirst(input);
            } else {
                input.close();
            }
        }
        Duration each = Duration.ofNanos((System.nanoTime() - start) / inputs.length);
        List<Prediction> out = new ArrayList<>(inputs.length);
        for (int i = 0; i < pJohn.length; i++) {
            out.add(new Prediction(pJohn[i] >= metadata.threshold() ? Labels.JOHN : Labels.NOT_JOHN, pJohn[i], each,
                    prepared.get(i).face(), prepared.get(i).keypoints()));
        }
        return out;
    }

    /**
     * P(john) of each row of a network input, the way the model's {@link Decision} says: the graph's output
     * for a head decision, else the decision's score of the head's input. With DL4J as the engine a head
     * decision runs the whole graph; with another engine the backbone runs there and the head in plain Java
     * ({@link SoftmaxHead}; in DL4J only for a head that is not a softmax layer).
     */
    private double[] probabilitiesJohn(INDArray input) {
        Decision decision = metadata.decision();
        double[] pJohn = new double[(int) input.size(0)];
        if (engine.kind() == Engine.Kind.DL4J && !decision.readsFeatures()) {
            INDArray out;
            synchronized (graph) {
                out = graph.outputSingle(false, input);
            }
            for (int i = 0; i < pJohn.length; i++) {
                pJohn[i] = out.getDouble(i, 0);
            }
            out.close();
            return pJohn;
        }
        float[][] features = engine.features(input);
        if (decision.readsFeatures()) {
            for (int i = 0; i < pJohn.length; i++) {
                pJohn[i] = decision.probabilityJohn(features[i]);
            }
            return pJohn;
        }
        if (javaHead.isPresent()) {
            for (int i = 0; i < pJohn.length; i++) {
                pJohn[i] = javaHead.get().probabilities(features[i])[0];
            }
            return pJohn;
        }
        INDArray out;
        try (INDArray rows = Nd4j.create(features)) {
            synchronized (graph) {
                org.deeplearning4j.nn.api.Layer head = graph.getLayer(metadata.head().outputVertex());
                out = head.activate(rows.castTo(head.params().dataType()), false,
                        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()).detach();
                head.clear();
            }
        }
        for (int i = 0; i < pJohn.length; i++) {
            pJohn[i] = out.getDouble(i, 0);
        }
        out.close();
        return pJohn;
    }

    /**
     * Predicts for a decoded image and says why: the {@link Heatmap} over the photo (over the part the model
     * read: the whole photo, or the square cut around the face) whose mean is the answer's log-odds. Exact
     * class activation mapping, one forward pass to the last convolution's maps, so it costs about what
     * {@link #predict(BufferedImage)} does; the prediction is that one's (P(john) to about 1e-6).
     *
     * @throws UnsupportedOperationException for a model whose answer is not a softmax head on average-pooled
     *                                       maps (the face descriptor's, or a decision by distances), with why
     */
    public Explanation explain(BufferedImage image) {
        return explain(image, false);
    }

    /**
     * {@link #explain} for an image already prepared the way the model prepares (a dataset's stored face crop):
     * converted only; the heatmap's box is the whole image.
     */
    public Explanation explainPrepared(BufferedImage prepared) {
        return explain(prepared, true);
    }

    /**
     * Predicts for a decoded image and says why by occlusion, for any model (a face model answering by distances
     * too): each cell of a 7 x 7 grid over the image the network reads is greyed in turn, and the cell's value is
     * how much that lowers the answer's log-odds ({@link Occlusion}). 50 answers per image, batched: about 50
     * times the cost of {@link #predict(BufferedImage)}, so only when asked.
     *
     * @throws NoFaceException for a face-aligned model and an image without a face
     */
    public Explanation explainByOcclusion(BufferedImage image) {
        return explainByOcclusion(image, false);
    }

    /** {@link #explainByOcclusion} for an image already prepared the way the model prepares (a face crop or chip). */
    public Explanation explainByOcclusionPrepared(BufferedImage prepared) {
        return explainByOcclusion(prepared, true);
    }

    /** {@link #explain} or {@link #explainByOcclusion}, as {@code how} says. */
    public Explanation explain(BufferedImage image, HeatmapMethod how) {
        return how == HeatmapMethod.OCCLUSION ? explainByOcclusion(image, false) : explain(image, false);
    }

    /** {@link #explainPrepared} or {@link #explainByOcclusionPrepared}, as {@code how} says. */
    public Explanation explainPrepared(BufferedImage prepared, HeatmapMethod how) {
        return how == HeatmapMethod.OCCLUSION ? explainByOcclusion(prepared, true) : explain(prepared, true);
    }

    private Explanation explainByOcclusion(BufferedImage image, boolean alreadyPrepared) {
        long start = System.nanoTime();
        FaceCrop.Prepared prepared = alreadyPrepared ? new FaceCrop.Prepared(Images.toBgr(image), Optional.empty())
                : pipeline.prepare(image);
        List<BufferedImage> variants = Occlusion.variants(prepared.image());
        double[] pJohn = new double[variants.size()];
        for (int from = 0; from < variants.size(); from += BATCH) {
            // the batch path every answer takes (forward frees the inputs)
            List<Prediction> answers = forward(variants.subList(from, Math.min(variants.size(), from + BATCH)).stream()
                    .map(v -> new ImagePipeline.Input(pipeline.toInput(v), Optional.empty())).toList(), start);
            for (int i = 0; i < answers.size(); i++) {
                pJohn[from + i] = answers.get(i).probabilityJohn();
            }
        }
        Prediction prediction = new Prediction(pJohn[0] >= metadata.threshold() ? Labels.JOHN : Labels.NOT_JOHN, pJohn[0],
                Duration.ofNanos(System.nanoTime() - start), prepared.face(), prepared.keypoints());
        return new Explanation(prediction, onPhoto(Occlusion.grid(pJohn), image, prediction));
    }

    /**
     * Predicts for an image already prepared the way the model prepares (a dataset's stored face crop or chip, or
     * one cut by {@code pipeline().prepare}): converted only, never cut again.
     */
    public Prediction predictPrepared(BufferedImage prepared) {
        long start = System.nanoTime();
        return forward(List.of(new ImagePipeline.Input(pipeline.toInput(prepared), Optional.empty())), start).get(0);
    }

    private Explanation explain(BufferedImage image, boolean alreadyPrepared) {
        if (metadata.decision().readsFeatures()) {
            String by = metadata.decision().score() == Decision.Score.CENTRE ? "its features' distance to the john centre"
                    : "its features' nearest john and not_john neighbours";
            throw new UnsupportedOperationException("this model answers by " + by + ", which has no class activation "
                    + "map (heatmaps explain a head's answer); explainByOcclusion (predict --explain DIR --occlusion) "
                    + "explains it at about 25 times the cost");
        }
        ClassActivationMap map = activationMap();
        long start = System.nanoTime();
        ImagePipeline.Input input = alreadyPrepared ? new ImagePipeline.Input(pipeline.toInput(image), Optional.empty())
                : pipeline.input(image);
        ClassActivationMap.Result result = map.map(input.tensor())[0];
        input.tensor().close();
        double pJohn = result.probabilities()[Labels.ALL.indexOf(Labels.JOHN)];
        Prediction prediction = new Prediction(pJohn >= metadata.threshold() ? Labels.JOHN : Labels.NOT_JOHN, pJohn,
                Duration.ofNanos(System.nanoTime() - start), input.face(), input.keypoints());
        return new Explanation(prediction, onPhoto(result.grid(), image, prediction));
    }

    /**
     * A grid over the image the network read, laid on the photo: over all of it, over the square cut around the
     * face, or through the turn of the aligned chip ({@link Heatmap#throughAlignment}).
     */
    private Heatmap onPhoto(float[][] grid, BufferedImage image, Prediction answered) {
        Optional<FaceBox> face = answered.face();
        if (face.isPresent() && metadata.input().preparation() == Preparation.FACE_CROP) {
            FaceBox r = FaceCrop.region(image.getWidth(), image.getHeight(), face.get());
            return new Heatmap(grid, new Heatmap.Box(r.x(), r.y(), r.width(), r.height()));
        }
        if (face.isPresent() && metadata.input().preparation() == Preparation.FACE_ALIGN) {
            return Heatmap.throughAlignment(grid, FaceAlign.transform(answered.keypoints()), FaceAlign.CHIP,
                    image.getWidth(), image.getHeight());
        }
        return new Heatmap(grid, new Heatmap.Box(0, 0, image.getWidth(), image.getHeight()));
    }

    private synchronized ClassActivationMap activationMap() {
        if (activationMap == null) {
            ClassActivationMap.unsupported(graph, metadata.head()).ifPresent(why -> {
                throw new UnsupportedOperationException("this model has no class activation map: " + why
                        + "; explainByOcclusion (predict --explain DIR --occlusion) explains it at about 25 times the cost");
            });
            activationMap = ClassActivationMap.open(graph, metadata.head(), engine.kind(), engineThreads,
                    metadata.input().height(), metadata.input().width(), engine::features);
        }
        return activationMap;
    }

    /**
     * The backbone's features (the head's input) for a batch of network input, one row per image, from the
     * model's engine: what evaluation scores beside the head, and what a decision other than the head reads.
     */
    public float[][] features(INDArray input) {
        return engine.features(input);
    }

    /**
     * Predicts for many encoded images (JPEG, PNG ... bytes, as a distributed job reads them), one forward
     * pass per {@value #BATCH}: an {@link Outcome} per image, in order, named by {@code sources}; an image
     * that cannot be decoded (or, for a face model, has no face) gets its one-line reason, and the others go on.
     */
    public List<Outcome> predictEncoded(List<String> sources, List<byte[]> encoded) {
        if (sources.size() != encoded.size()) {
            throw new IllegalArgumentException(sources.size() + " names for " + encoded.size() + " images");
        }
        List<Outcome> out = new ArrayList<>(encoded.size());
        for (int from = 0; from < encoded.size(); from += BATCH) {
            long start = System.nanoTime();
            List<Ready> batch = encoded.subList(from, Math.min(encoded.size(), from + BATCH)).stream()
                    .map(bytes -> prepare(bytes, false)).toList();
            List<Optional<Prediction>> predictions = forwardReady(batch, start);
            for (int i = 0; i < batch.size(); i++) {
                String source = sources.get(from + i);
                String reason = batch.get(i).reason();
                out.add(predictions.get(i).map(p -> Outcome.of(source, p)).orElseGet(() -> Outcome.failed(source, reason)));
            }
        }
        return out;
    }

    /** One encoded image made ready for the network, or the one-line reason it cannot be (input null then). */
    record Ready(ImagePipeline.Input input, String reason) {

        static Ready refused(String reason) {
            return new Ready(null, reason);
        }
    }

    /**
     * Decodes and prepares one encoded image; {@code alreadyPrepared} images (a dataset's stored ones) are
     * decoded and converted only.
     */
    Ready prepare(byte[] encoded, boolean alreadyPrepared) {
        try {
            BufferedImage image = pipeline.decode(encoded);
            return new Ready(alreadyPrepared ? new ImagePipeline.Input(pipeline.toInput(image), Optional.empty())
                    : pipeline.input(image), null);
        } catch (UndecodableImageException e) {
            return Ready.refused(reason(e));
        } catch (NoFaceException e) {
            return Ready.refused(NoFaceException.REASON);
        }
    }

    /** One forward pass over the ready images of a batch: each one's prediction, empty for the refused ones. */
    List<Optional<Prediction>> forwardReady(List<Ready> batch, long start) {
        List<ImagePipeline.Input> usable = batch.stream().map(Ready::input).filter(i -> i != null).toList();
        java.util.Iterator<Prediction> predictions = usable.isEmpty() ? java.util.Collections.emptyIterator()
                : forward(usable, start).iterator();
        return batch.stream().map(r -> r.input() == null ? Optional.<Prediction>empty() : Optional.of(predictions.next()))
                .toList();
    }

    /**
     * Predicts for many image files, in batches, reading the next batch while the engine answers this one
     * ({@link FileAnswers}); a file that cannot be read or decoded gets its reason instead of a prediction,
     * and the others go on.
     */
    public List<Outcome> predictFiles(List<Path> files) {
        return predictFiles(files, false);
    }

    /**
     * Like {@link #predictFiles}, for files that already went through the input contract's preparation:
     * the images of a Lennonnet dataset built with {@code --face-crop} are stored already cut around
     * their face, and cutting them again would shrink the crop (evaluation of such a model scored crops
     * of crops). They are decoded, resized and normalised only.
     */
    public List<Outcome> predictPreparedFiles(List<Path> files) {
        return predictFiles(files, true);
    }

    private List<Outcome> predictFiles(List<Path> files, boolean alreadyPrepared) {
        List<Outcome> out = new ArrayList<>(files.size());
        FileAnswers.answer(this, files, alreadyPrepared, batch -> batch.forEach(a -> out.add(a.outcome())));
        return out;
    }

    static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The threads the engine runs a batch on (every core unless the model was loaded with fewer). */
    int engineThreads() {
        return engineThreads;
    }

    /** The model's own preprocessing: what {@code predict} does to an image before the network sees it. */
    public ImagePipeline pipeline() {
        return pipeline;
    }

    /** The underlying graph, for evaluation code that batches its own inputs. */
    public ComputationGraph graph() {
        return graph;
    }

    @Override
    public void close() {
        engine.close();
        for (INDArray buffer; (buffer = stackingBuffers.pollFirst()) != null;) {
            buffer.close();
        }
        synchronized (this) {
            if (activationMap != null) {
                activationMap.close();
            }
        }
        synchronized (graph) {
            graph.close();
        }
        detector.ifPresent(BlazeFace::close);
    }
}
