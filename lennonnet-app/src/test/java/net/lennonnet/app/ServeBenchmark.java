package net.lennonnet.app;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import net.lennonnet.app.serve.ServeConfig;
import net.lennonnet.app.serve.WebServer;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.zoo.model.ResNet50;

/**
 * Benchmark, not a test: prediction latency of a whole ResNet-50 at 224 x 224 (the ImageNet
 * architecture with He-initialised weights: the same arithmetic as the real model), in process and
 * through {@code POST /api/predict}, then 16 concurrent clients for 60 s. Run with
 * {@code mvn -pl lennonnet-app exec:java -Dexec.classpathScope=test -Dexec.mainClass=net.lennonnet.app.ServeBenchmark}.
 */
public final class ServeBenchmark {

    private ServeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        ComputationGraph zoo = ResNet50.builder().numClasses(2).inputShape(new int[] {3, 224, 224}).seed(1)
                .weightInit(WeightInit.RELU.getWeightInitFunction()).build().init();
        ComputationGraph graph = TransferGraph.twoClass(zoo, new TransferGraph.HeadOptions(1e-3, new double[] {1, 1}, 1));
        Path model = Files.createTempDirectory("serve-benchmark");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.imagenet(), 0.5,
                "benchmark", "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        BufferedImage photo = new DemoImages(480).john(1, 0);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(photo, "jpg", jpeg);
        byte[] body = jpeg.toByteArray();

        try (LennonNet net = LennonNet.load(model)) {
            for (int i = 0; i < 10; i++) {
                net.predict(body);
            }
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long t = System.nanoTime();
                net.predict(body);
                ms.add((System.nanoTime() - t) / 1e6);
            }
            report("embedded predict(byte[]) 480x480 JPEG", ms);
        }

        try (WebServer server = WebServer.start(new ServeConfig(model, "127.0.0.1", 0, 10 << 20, Images.DEFAULT_MAX_PIXELS))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/predict"))
                    .header("content-type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            for (int i = 0; i < 10; i++) {
                http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long t = System.nanoTime();
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                ms.add((System.nanoTime() - t) / 1e6);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                }
            }
            report("POST /api/predict, one client", ms);

            List<Double> all = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger errors = new AtomicInteger();
            long[] before = memory();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> running = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        try {
                            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        all.add((System.nanoTime() - t) / 1e6);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            double wall = (System.nanoTime() - start) / 1e9;
            report("POST /api/predict, " + clients + " clients for " + seconds + " s", all);
            System.out.printf("RESULT %d-clients requests=%d errors=%d throughput=%.2f/s%n", clients, all.size(),
                    errors.get(), all.size() / wall);
            long[] after = memory();
            System.out.printf("RESULT memory before/after the load: RSS %d/%d MiB, Java heap after GC %d/%d MiB%n",
                    before[0], after[0], before[1], after[1]);
        }
    }

    private static void report(String what, List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        double p50 = sorted.get(sorted.size() / 2);
        double p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
        System.out.printf("RESULT %s: n=%d p50=%.1f ms p99=%.1f ms%n", what, sorted.size(), p50, p99);
    }

    /** Resident memory of this process and the Java heap in use after a GC, MiB. */
    static long[] memory() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return new long[] {net.lennonnet.app.bench.ProcessStats.rssMib(), (rt.totalMemory() - rt.freeMemory()) >> 20};
    }
}
