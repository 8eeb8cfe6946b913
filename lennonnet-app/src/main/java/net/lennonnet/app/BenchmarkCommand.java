package net.lennonnet.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.lennonnet.app.bench.ForwardBench;
import net.lennonnet.app.bench.ProcessStats;
import net.lennonnet.app.bench.TrainingBenchmarks;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.Dl4jDefaults;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import net.lennonnet.train.TrainConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet benchmark}: the performance table of docs/performance.md, measured in one run. */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        header = "Measure Lennonnet's speed and memory on this machine.",
        description = {"Measure Lennonnet on this machine: ResNet-50 forward at batch 1, 16 and 32, feature caching",
            "from image files, training time with and without the cache (extrapolated to the original's 12,800",
            "images), warm prediction latency, peak memory; with --peer-results, beside the peer engines."})
final class BenchmarkCommand implements Callable<Integer> {

    static final int ORIGINAL_IMAGES = 12_800;

    @Option(names = "--images", defaultValue = "256", description = "Images for the feature-caching run. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--epochs", defaultValue = "32", description = "Epochs of the original's training, for the with- and without-cache comparison (the head itself is solved to convergence). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--latency-samples", defaultValue = "50", description = "Timed single-image predictions. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--peer-results", description = "results.txt of ../shared/bench-peers/run.sh from the same session.")
    Path peerResults;

    @Option(names = "--work", description = "Scratch folder (default: a new temporary folder).")
    Path work;

    @Option(names = "--graph", defaultValue = "imagenet",
            description = "imagenet: the real ResNet-50 with ImageNet weights, as training runs it (the peers' architecture); zoo: the DL4J zoo builder's cheaper variant, random weights. Default: ${DEFAULT-VALUE}.")
    String graph;

    @Option(names = "--layouts", description = "Also time the ImageNet graph at batch 16 in NCHW and NHWC, with and without batch norm folded (needs an imported bundle).")
    boolean layouts;

    @Option(names = "--faces", paramLabel = "PHOTO",
            description = "Measure the face path instead, on a photo with a face: descriptors per second, and the photo end to end (decode, detect, align, describe, head).")
    Path facePhoto;

    @Option(names = "--latency-only", description = "Only the warm single-photo figures: predict, and explain beside it "
            + "(the class activation map, and occlusion).")
    boolean latencyOnly;

    @Override
    public Integer call() throws Exception {
        Dl4jDefaults.apply();
        if (latencyOnly) {
            Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("lennonnet-benchmark");
            Map<String, String> table = new LinkedHashMap<>();
            latencyRows(table, dir, ForwardBench.of(graph));
            print(table);
            return 0;
        }
        if (facePhoto != null) {
            print(net.lennonnet.app.bench.FaceBench.run(facePhoto, samples));
            return 0;
        }
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("lennonnet-benchmark");
        Map<String, String> table = new LinkedHashMap<>();

        ForwardBench forward = ForwardBench.of(graph);
        table.put("graph", graph.equals("imagenet") ? "ResNet-50 with ImageNet weights (batch norm folded, NHWC)"
                : "DL4J zoo ResNet-50 builder, random weights (not the peers' architecture)");
        Map<Integer, ForwardBench.Result> fwd = new LinkedHashMap<>();
        for (int batch : new int[] {1, 16, 32}) {
            ForwardBench.Result r = forward.run(batch, 2, batch == 1 ? 20 : 7);
            fwd.put(batch, r);
            table.put("ResNet-50 forward 224x224, batch " + batch, String.format("%.1f images/s (median %.0f ms, %d page faults/batch)",
                    r.imagesPerSecond(), r.medianMs(), r.minorFaultsPerIter()));
        }
        ForwardBench onOrt = forward.on(net.lennonnet.model.engine.Engine.Choice.AUTO);
        for (int batch : new int[] {1, 16, 32}) {
            ForwardBench.Result r = onOrt.run(batch, 2, batch == 1 ? 20 : 7);
            table.put("ResNet-50 forward 224x224, batch " + batch + ", as LennonNet answers (backbone on "
                    + onOrt.engineName() + ", head in Java)", String.format("%.1f images/s (median %.0f ms; %.2fx the "
                    + "whole graph in DL4J)", r.imagesPerSecond(), r.medianMs(), r.imagesPerSecond() / fwd.get(batch).imagesPerSecond()));
        }
        table.put("peak RSS after the forward runs", ProcessStats.peakRssMib() + " MiB");
        if (layouts) {
            layouts(table);
        }

        Path dataset = photoDataset(dir, images);
        double caching = TrainingBenchmarks.featureCaching(dataset, forward.graph(), InputContract.imagenet(), 32);
        table.put("feature caching from PNG files (decode, resize, forward, store)", String.format("%.1f images/s (%d images, 480x480)",
                caching, images));
        table.put("peak RSS after feature caching", ProcessStats.peakRssMib() + " MiB");
        double head = TrainingBenchmarks.headTraining(ORIGINAL_IMAGES, TrainConfig.DEFAULT_EPOCHS, 2048);
        table.put("head training, 12,800 cached features x 2,048, L2 chosen on validation, solved to convergence "
                + "(measured)", String.format("%.1f s", head));
        table.put("peak RSS after head training", ProcessStats.peakRssMib() + " MiB");
        double withCache = ORIGINAL_IMAGES / caching + head;
        double withoutCache = epochs * (ORIGINAL_IMAGES / caching) + head;
        table.put("training 12,800 images x " + epochs + " epochs with the cache (extrapolated)",
                String.format("%.1f min (features once: %.1f min)", withCache / 60, ORIGINAL_IMAGES / caching / 60));
        table.put("training 12,800 images x " + epochs + " epochs without it (extrapolated)",
                String.format("%.1f min (features every epoch)", withoutCache / 60));

        FolderRate folder = folderRate(dir, forward, FOLDER_IMAGES, FOLDER_ROUNDS);
        table.put("predict DIR: " + FOLDER_IMAGES + " 224x224 PNGs through LennonNet (read and prepared as predict "
                + "does, answered 16 at a time), " + FOLDER_ROUNDS + " rounds of " + ROUND_IMAGES
                + ", each after the same engine's batch-16 forward, after a first pass over the folder",
                String.format("%.1f images/s, forward %.1f images/s: median %.2fx its own batch-16 forward rate (rounds: %s); "
                        + "the first pass over the folder: %.2fx", folder.imagesPerSecond(),
                        folder.forwardPerSecond(), folder.medianRatio(), folder.ratios(), folder.firstPassRatio()));

        latencyRows(table, dir, forward);
        table.put("peak RSS of the whole run", ProcessStats.peakRssMib() + " MiB");

        if (peerResults != null) {
            peers(table);
        }
        print(table);
        return 0;
    }

    private static void print(Map<String, String> table) {
        System.out.println();
        System.out.println("| measure | Lennonnet on this machine |");
        System.out.println("| --- | --- |");
        table.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
    }

    /** The imported graph's four forms at batch 16: which layout and whether folding pays (docs/performance.md). */
    private static void layouts(Map<String, String> table) throws IOException {
        var raw = net.lennonnet.backbones.tfjs.BackboneBundle.read(net.lennonnet.backbones.WeightsFetch.importedCacheFile()).graph();
        var nchw = net.lennonnet.model.graph.GraphSurgery.withLayout(raw, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW);
        Map<String, org.deeplearning4j.nn.graph.ComputationGraph> forms = new LinkedHashMap<>();
        forms.put("NCHW, batch norm separate", nchw);
        forms.put("NHWC (as imported), batch norm separate", net.lennonnet.model.graph.GraphSurgery.readingNchw(raw));
        forms.put("NCHW, batch norm folded", net.lennonnet.model.graph.GraphSurgery.foldBatchNorm(nchw));
        forms.put("NHWC, batch norm folded (what training uses)", net.lennonnet.model.graph.GraphSurgery.forFrozenInference(raw));
        for (int round = 1; round <= 2; round++) {
            for (var form : forms.entrySet()) {
                ForwardBench.Result r = new ForwardBench(form.getValue()).run(16, 2, 7);
                table.merge("layout: " + form.getKey() + ", batch 16", String.format("%.1f", r.imagesPerSecond()),
                        (a, b) -> a + " / " + b + " images/s (two rounds)");
            }
        }
    }

    /** N noisy 480x480 drawings (photo-sized files), half john, as a dataset's training split. */
    static Path photoDataset(Path dir, int n) throws IOException {
        Path raw = dir.resolve("raw");
        DemoImages demo = new DemoImages(480);
        Random random = new Random(3);
        for (String label : Labels.ALL) {
            Files.createDirectories(raw.resolve(label));
        }
        for (int i = 0; i < n + 4; i++) {
            boolean john = i % 2 == 0;
            BufferedImage img = john ? demo.john(5, i) : demo.notJohn(5, i);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int rgb = img.getRGB(x, y);
                    int noise = (int) Math.round(random.nextGaussian() * 12);
                    int r = Math.max(0, Math.min(255, ((rgb >> 16) & 255) + noise));
                    int g = Math.max(0, Math.min(255, ((rgb >> 8) & 255) + noise));
                    int b = Math.max(0, Math.min(255, (rgb & 255) + noise));
                    img.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
            javax.imageio.ImageIO.write(img, "jpg", raw.resolve(john ? "john" : "not_john").resolve(i + ".jpg").toFile());
        }
        Path dataset = dir.resolve("dataset");
        new DatasetBuilder(new DatasetConfig(raw, dataset, 1, 0, 1, Images.DEFAULT_MAX_PIXELS, 0, Preparation.WHOLE)).build();
        return dataset;
    }

    /** The warm single-photo rows: predict, and explain beside it (timed alternately, under the same conditions). */
    private void latencyRows(Map<String, String> table, Path dir, ForwardBench forward) throws IOException {
        double[][] latency = latency(dir, forward, samples);
        table.put("warm single-image prediction (LennonNet.predict, 640x480 JPEG, 224 input)",
                String.format("p50 %.0f ms, p99 %.0f ms (%d samples)", latency[0][0], latency[0][1], samples));
        table.put("warm single-image explanation (LennonNet.explain on the decoded JPEG: answer and class activation map)",
                String.format("p50 %.0f ms, p99 %.0f ms (%d samples); p50 %.2fx predict's", latency[1][0], latency[1][1],
                        samples, latency[1][0] / latency[0][0]));
        table.put("warm single-image explanation by occlusion (LennonNet.explainByOcclusion: 50 answers in batches of 16)",
                String.format("p50 %.0f ms, p99 %.0f ms (%d samples); p50 %.1fx predict's", latency[2][0], latency[2][1],
                        Math.max(3, samples / 10), latency[2][0] / latency[0][0]));
    }

    /**
     * p50 and p99 of LennonNet.predict(byte[]), then of decoding and LennonNet.explain, on a saved whole ResNet-50
     * two-class model, the two timed alternately; then of decoding and explaining by occlusion (a tenth as many).
     */
    static double[][] latency(Path dir, ForwardBench forward, int samples) throws IOException {
        var graph = TransferGraph.twoClass(forward.graph(), new TransferGraph.HeadOptions(1e-3, new double[] {1, 1}, 1));
        Path model = dir.resolve("model");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.imagenet(), 0.5,
                "benchmark", "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        BufferedImage photo = new DemoImages(480).john(9, 0);
        BufferedImage wide = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        wide.getGraphics().drawImage(photo, 80, 0, null);
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(wide, "jpg", jpeg);
        byte[] bytes = jpeg.toByteArray();
        List<Double> ms = new ArrayList<>();
        List<Double> explained = new ArrayList<>();
        List<Double> occluded = new ArrayList<>();
        try (LennonNet net = LennonNet.load(model)) {
            for (int i = 0; i < 5; i++) {
                net.predict(bytes);
                net.explain(net.pipeline().decode(bytes));
            }
            for (int i = 0; i < samples; i++) {
                long t = System.nanoTime();
                net.predict(bytes);
                ms.add((System.nanoTime() - t) / 1e6);
                t = System.nanoTime();
                net.explain(net.pipeline().decode(bytes));
                explained.add((System.nanoTime() - t) / 1e6);
            }
            net.explainByOcclusion(net.pipeline().decode(bytes));
            for (int i = 0; i < Math.max(3, samples / 10); i++) {
                long t = System.nanoTime();
                net.explainByOcclusion(net.pipeline().decode(bytes));
                occluded.add((System.nanoTime() - t) / 1e6);
            }
        }
        return new double[][] {percentiles(ms), percentiles(explained), percentiles(occluded)};
    }

    /** p50 and p99. */
    private static double[] percentiles(List<Double> ms) {
        Collections.sort(ms);
        return new double[] {ms.get((int) Math.floor(0.5 * (ms.size() - 1))), ms.get((int) Math.ceil(0.99 * (ms.size() - 1)))};
    }

    /** The harness's name for ONNX Runtime Java. */
    static final String ORT_PEER = "onnxruntime-java";

    private static final Pattern RESULT = Pattern.compile("RESULT engine=(\\S+) mode=infer bs=(\\d+) img_per_s=([0-9.]+)");

    /**
     * The harness's figures, and each Lennonnet engine's ratio to ONNX Runtime Java run by the harness in the
     * same session, under the same malloc mode, at batch 16 and 1: the ratios issue 21 sets targets for.
     */
    private void peers(Map<String, String> table) throws IOException {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String line : Files.readAllLines(peerResults)) {
            Matcher m = RESULT.matcher(line);
            if (m.find()) {
                rates.put(m.group(1) + " bs" + m.group(2), Double.parseDouble(m.group(3)));
                table.put("peer " + m.group(1) + ", forward batch " + m.group(2), String.format("%.1f images/s",
                        Double.parseDouble(m.group(3))));
            }
        }
        for (var e : rates.entrySet()) {
            String[] engineAndBatch = e.getKey().split(" ");
            if (!engineAndBatch[0].startsWith("lennonnet")) {
                continue;
            }
            String suffix = engineAndBatch[0].endsWith("+tunedmalloc") ? "+tunedmalloc" : "";
            Double ortRate = rates.get(ORT_PEER + suffix + " " + engineAndBatch[1]);
            if (ortRate != null) {
                table.put(engineAndBatch[0] + " / " + ORT_PEER + suffix + ", forward " + engineAndBatch[1].replace("bs", "batch "),
                        String.format("%.2f", e.getValue() / ortRate));
            }
        }
    }

    /** The folder {@code predict DIR} reads for the benchmark, and the rounds it is timed in. */
    static final int FOLDER_IMAGES = 480;
    static final int FOLDER_ROUNDS = 9;
    private static final int ROUND_IMAGES = 160;

    /**
     * A folder answered, beside the engine's own batch-16 rate timed in the same process just before each
     * round of {@value #ROUND_IMAGES} files (a few seconds each: this VM's speed drifts by 15 to 20% within
     * minutes, so a ratio of figures taken apart means little, and the median of many short pairs is kept).
     */
    record FolderRate(double imagesPerSecond, double forwardPerSecond, double medianRatio, List<String> ratios,
            double firstPassRatio) {}

    /** LennonNet over a folder of {@code n} 224 x 224 PNGs ({@code predict DIR}'s path), against its forward. */
    static FolderRate folderRate(Path dir, ForwardBench forward, int n, int roundCount) throws IOException {
        var graph = TransferGraph.twoClass(forward.graph(), new TransferGraph.HeadOptions(1e-3, new double[] {1, 1}, 1));
        Path model = dir.resolve("folder-model");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.imagenet(), 0.5,
                "benchmark", "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        Path folder = Files.createDirectories(dir.resolve("folder-224"));
        DemoImages demo = new DemoImages(224);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path f = folder.resolve(String.format("%03d.png", i));
            javax.imageio.ImageIO.write(i % 2 == 0 ? demo.john(7, i) : demo.notJohn(7, i), "png", f.toFile());
            files.add(f);
        }
        try (LennonNet net = LennonNet.load(model)) {
            List<INDArray> inputs = new ArrayList<>();
            for (Path f : files.subList(0, LennonNet.BATCH)) {
                inputs.add(net.pipeline().input(f).tensor());
            }
            INDArray batch = ImagePipeline.stack(inputs);
            inputs.forEach(INDArray::close);
            // The first pass over the whole folder, as a fresh process meets it: the JIT still compiling the
            // decoder, and each new stretch of the Java heap faulting its pages in on first use. Reported, then
            // the steady state is timed in rounds.
            double[] firstPass = round(net, batch, files, n);
            double[][] rounds = new double[roundCount][]; // folder rate, forward rate, ratio
            for (int round = 0; round < roundCount; round++) {
                int from = round * ROUND_IMAGES % (n - ROUND_IMAGES + 1);
                rounds[round] = round(net, batch, files.subList(from, from + ROUND_IMAGES), ROUND_IMAGES);
            }
            batch.close();
            List<String> ratios = java.util.Arrays.stream(rounds).map(r -> String.format("%.2f", r[2])).toList();
            java.util.Arrays.sort(rounds, java.util.Comparator.comparingDouble(r -> r[2]));
            double[] median = rounds[roundCount / 2];
            return new FolderRate(median[0], median[1], median[2], ratios, firstPass[2]);
        }
    }

    /**
     * The engine's batch-16 forward timed on {@code batch} for {@code forwardImages} images, then {@code files}
     * answered as {@code predict DIR} answers them: the folder's rate, the forward rate, and their ratio.
     */
    private static double[] round(LennonNet net, INDArray batch, List<Path> files, int forwardImages) {
        long t = System.nanoTime();
        int batches = forwardImages / LennonNet.BATCH;
        for (int b = 0; b < batches; b++) {
            net.features(batch);
        }
        double forwardRate = batches * LennonNet.BATCH / ((System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        double folderRate = net.predictFiles(files).size() / ((System.nanoTime() - t) / 1e9);
        return new double[] {folderRate, forwardRate, folderRate / forwardRate};
    }
}
