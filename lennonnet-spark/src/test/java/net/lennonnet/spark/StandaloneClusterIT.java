package net.lennonnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.features.FeatureCache;
import net.lennonnet.data.Split;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Outcome;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.engine.Engines;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both jobs on a real standalone cluster: a Master and a Worker started from the Maven jars in their own JVMs
 * ({@code SPARK_HOME} is a folder whose {@code jars/} holds the class path), the job jar shipped to the
 * executor, which loads the model file, the backbone file, ND4J's and ONNX Runtime's natives itself, as only a
 * separate JVM can show.
 */
class StandaloneClusterIT {

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** SPARK_HOME for the Maven jars: {@code jars/} links every jar of this JVM's class path. */
    private Path sparkHome() throws IOException {
        Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            // Spark and what it needs, as a distribution's jars/ holds; Lennonnet and what only it uses (ND4J, DL4J,
            // DataVec, JavaCPP and its natives, ONNX Runtime, the image readers) reach the executor in the job jar
            String name = jar.getFileName().toString();
            boolean lennonnetsOwn = name.startsWith("lennonnet") || List.of("/net/lennonnet/", "/org/nd4j/",
                    "/org/deeplearning4j/", "/org/datavec/", "/org/bytedeco/", "/com/microsoft/onnxruntime/",
                    "/com/twelvemonkeys/", "/com/drewnoakes/").stream().anyMatch(entry::contains);
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !lennonnetsOwn) {
                Path link = jars.resolve(jar.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, jar);
                }
            }
        }
        return jars.getParent();
    }

    private static Process start(Path home, Path log, String... mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        command.addAll(List.of(System.getProperty("lennonnet.spark.opens", "").split(" ")));
        command.removeIf(String::isBlank);
        command.addAll(List.of("-cp", home.resolve("jars") + "/*"));
        command.addAll(List.of(mainAndArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    private static void waitFor(Path log, String text, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("'" + text + "' not in " + log + " within " + limit + ":\n" + Files.readString(log));
    }

    private Backbone backbone;

    /** A small backbone file, loaded as {@code train --weights FILE} loads one. */
    private Backbone backbone() throws IOException {
        return SparkTests.tinyBackbone(dir.resolve("backbone.zip"), 5);
    }

    /** Two drawn images per class and split. */
    private static Path dataset(Path folder) throws IOException {
        int n = 0;
        for (Split split : Split.values()) {
            for (String label : Labels.ALL) {
                Path classFolder = Files.createDirectories(folder.resolve(split.folder()).resolve(label));
                for (int i = 0; i < 2; i++, n++) {
                    Files.write(classFolder.resolve("img" + n + ".png"), TestImages.encode(TestImages.solid(36 + n, 33,
                            BufferedImage.TYPE_INT_RGB, new Color(20 * n, 250 - 20 * n, 90)), "png"));
                }
            }
        }
        return folder;
    }

    /** The executor's imported features against this JVM's ONNX Runtime on the same images, to 1e-5. */
    private void assertFeaturesAsComputedHere(Path data, FeatureCache cache) throws IOException {
        InputContract contract = backbone.input().with(Preparation.WHOLE);
        ImagePipeline pipeline = ImagePipeline.of(contract);
        String vertex = TransferGraph.findHead(backbone.graph()).featureVertex();
        try (Engine engine = Engines.open(Engine.Choice.ONNXRUNTIME, backbone.graph(), vertex, 3, 32, 32);
                var files = Files.walk(data)) {
            for (Path png : files.filter(p -> p.toString().endsWith(".png")).toList()) {
                SparkTests.assertSameFeatures(cache.get(Hashes.sha256(png))
                        .orElseThrow(() -> new AssertionError(png + " not imported")),
                        engine.features(pipeline.storedInput(png))[0], png.toString());
            }
        }
    }

    @Test
    void aMasterAndAWorkerInTheirOwnJvmsAnswerAndFeaturiseLikeLennonnet() throws Exception {
        backbone = backbone();
        Path jobJar = Path.of("target", "lennonnet-spark-job.jar").toAbsolutePath();
        assertThat(jobJar).as("the job jar, built by the package phase").exists();
        var graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 2), TinyGraphs.HEAD_OPTIONS);
        graph.getLayer(TransferGraph.findHead(graph).outputVertex()).params().muli(0.1);
        Path model = TinyGraphs.save(graph, dir.resolve("model"), 32);
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 24; i++) {
            Files.write(images.resolve(String.format("img%02d.png", i)), TestImages.encode(TestImages.solid(50 + i, 40,
                    BufferedImage.TYPE_INT_RGB, new Color(200 - i * 7, i * 9, 100)), "png"));
        }
        Files.writeString(images.resolve("damaged.png"), "no png here");

        Path home = sparkHome();
        int port = freePort();
        Path masterLog = dir.resolve("master.log");
        Path workerLog = dir.resolve("worker.log");
        Process master = start(home, masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()));
        Process worker = null;
        try {
            waitFor(masterLog, "I have been elected leader", Duration.ofSeconds(90));
            worker = start(home, workerLog, "org.apache.spark.deploy.worker.Worker", "spark://127.0.0.1:" + port,
                    "--host", "127.0.0.1", "--cores", "2", "--memory", "3g", "--webui-port", Integer.toString(freePort()),
                    "--work-dir", dir.resolve("work").toString());
            waitFor(workerLog, "Successfully registered with master", Duration.ofSeconds(90));
            Path out = dir.resolve("out");
            SparkSession spark = SparkSession.builder().master("spark://127.0.0.1:" + port).appName("lennonnet cluster test")
                    .config("spark.jars", jobJar.toString()).config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false")
                    .config("spark.executor.memory", "2g").config("spark.executor.cores", "2")
                    .config("spark.executor.extraJavaOptions", System.getProperty("lennonnet.spark.opens", "")
                            + " -Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.platform.extension=-onednn")
                    .getOrCreate();
            PredictJob.Result result;
            Path data = dataset(dir.resolve("data"));
            Path cache = dir.resolve("feature-cache");
            FeaturiseJob.Result features;
            try {
                result = PredictJob.run(spark, model, List.of(images.toString()), out);
                features = FeaturiseJob.run(spark, backbone, BackboneKind.RESNET50, Engine.Choice.AUTO, data,
                        dir.resolve("features"), cache);
            } finally {
                spark.stop();
            }
            assertThat(features.rows()).isEqualTo(12);
            assertThat(features.imported()).isEqualTo(12);
            assertFeaturesAsComputedHere(data, new FeatureCache(cache, features.backboneKey()));
            assertThat(result.answered()).isEqualTo(25);
            assertThat(result.failed()).isEqualTo(1);
            Map<String, Double> expected = new HashMap<>();
            try (LennonNet net = LennonNet.load(model)) {
                try (var list = Files.list(images)) {
                    for (Outcome o : net.predictFiles(list.sorted().toList())) {
                        o.prediction().ifPresent(p -> expected.put(Path.of(o.source()).getFileName().toString(),
                                p.probabilityJohn()));
                    }
                }
            }
            List<String> lines = Files.readAllLines(out.resolve(PredictJob.CSV));
            List<String> header = List.of(lines.get(0).split(","));
            int path = header.indexOf("path");
            int pJohn = header.indexOf("p_john");
            int answered = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                String name = Path.of(java.net.URI.create(cells[path])).getFileName().toString();
                if (expected.containsKey(name)) {
                    assertThat(Double.parseDouble(cells[pJohn])).as(name)
                            .isCloseTo(expected.get(name), org.assertj.core.data.Offset.offset(1e-6));
                    answered++;
                }
            }
            assertThat(answered).isEqualTo(24);
            assertThat(Files.readString(workerLog)).contains("Asked to launch executor"); // a separate executor JVM answered
        } finally {
            if (worker != null) {
                worker.destroy();
                worker.waitFor();
            }
            master.destroy();
            master.waitFor();
        }
    }
}
