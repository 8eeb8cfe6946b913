package net.lennonnet.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Outcome;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.io.Hashes;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The predict job on a local[2] master, on drawn images and a damaged file: the same answers as
 * {@code LennonNet.predictFiles} (what {@code lennonnet predict} runs), a row with its reason for the
 * damaged file, and a second run that answers nothing twice.
 */
class PredictJobTest {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model;
    static Path images;

    @BeforeAll
    static void start() throws IOException {
        var graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        graph.getLayer(TransferGraph.findHead(graph).outputVertex()).params().muli(0.1); // P(john) away from 0 and 1
        model = TinyGraphs.save(graph, dir.resolve("model"), 32);
        images = Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(images.resolve("more"));
        for (int i = 0; i < 41; i++) {
            Path f = (i % 3 == 0 ? images.resolve("more") : images).resolve(String.format("img%02d.png", i));
            Files.write(f, TestImages.encode(TestImages.solid(40 + i, 30 + i % 7, BufferedImage.TYPE_INT_RGB,
                    new Color(i * 6, 255 - i * 6, 40 + i)), "png"));
        }
        Files.writeString(images.resolve("damaged.jpg"), "\u00ff\u00d8 not a whole jpeg");
        spark = SparkTests.local("lennonnet test");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static List<Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i].replace("\"", ""));
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void answersEveryImageLikeLennonnetPredictAndADamagedFileIsARow() throws IOException {
        Path out = dir.resolve("out");
        PredictJob.Result result = PredictJob.run(spark, model, List.of(images.toString()), out);
        assertThat(result.answered()).isEqualTo(42);
        assertThat(result.failed()).isEqualTo(1);
        List<Map<String, String>> rows = csv(out.resolve(PredictJob.CSV));
        assertThat(rows).hasSize(42);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(images)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, Outcome> expected = new HashMap<>();
        try (LennonNet net = LennonNet.load(model)) {
            for (Outcome o : net.predictFiles(files)) {
                expected.put(Path.of(o.source()).toAbsolutePath().normalize().toString(), o);
            }
        }
        for (Map<String, String> row : rows) {
            String path = Path.of(java.net.URI.create(row.get("path"))).toString();
            Outcome o = expected.get(path);
            assertThat(o).as(path).isNotNull();
            assertThat(row.get("sha256")).isEqualTo(Hashes.sha256(Path.of(path)));
            if (o.prediction().isPresent()) {
                assertThat(row.get("status")).isEqualTo("ok");
                assertThat(Double.parseDouble(row.get("p_john"))).as(path)
                        .isCloseTo(o.prediction().get().probabilityJohn(), org.assertj.core.data.Offset.offset(1e-6));
                assertThat(row.get("label")).isEqualTo(o.prediction().get().label());
            } else {
                assertThat(path).endsWith("damaged.jpg");
                assertThat(row.get("status")).isEqualTo("failed");
                assertThat(row.get("reason")).isEqualTo(o.error().orElseThrow());
            }
        }

        // a second run answers nothing twice
        PredictJob.Result again = PredictJob.run(spark, model, List.of(images.toString()), out);
        assertThat(again.skipped()).isEqualTo(42);
        assertThat(again.answered()).isEqualTo(42);
        assertThat(csv(out.resolve(PredictJob.CSV))).hasSize(42);
    }

    /** What a run's jobs did, as Spark's listener bus reports it. */
    private static final class Jobs extends SparkListener {
        final Map<Integer, String> descriptions = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Integer, Long> ends = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Integer, Integer> jobOfStage = new java.util.concurrent.ConcurrentHashMap<>();
        final List<long[]> taskLaunches = java.util.Collections.synchronizedList(new ArrayList<>()); // job, time

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
            descriptions.put(start.jobId(), description == null ? "" : description);
            for (Object stage : scala.collection.JavaConverters.seqAsJavaList(start.stageIds())) {
                jobOfStage.put((Integer) stage, start.jobId());
            }
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd end) {
            ends.put(end.jobId(), end.time());
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
            taskLaunches.add(new long[] {jobOfStage.getOrDefault(start.stageId(), -1), start.taskInfo().launchTime()});
        }
    }

    @Test
    void theExecutorsLoadTheModelWhileTheDriverPlansAndAModelPackedAgainIsNotShippedTwice() throws Exception {
        Jobs jobs = new Jobs();
        spark.sparkContext().addSparkListener(jobs);
        try {
            PredictJob.Result first = PredictJob.run(spark, model, List.of(images.resolve("more").toString()),
                    dir.resolve("loaded-ahead"));
            spark.sparkContext().listenerBus().waitUntilEmpty();
            int load = jobs.descriptions.entrySet().stream().filter(e -> e.getValue().startsWith("lennonnet: load model-"))
                    .mapToInt(Map.Entry::getKey).min().orElseThrow(() -> new AssertionError("no job loaded the model: "
                            + jobs.descriptions));
            assertThat(jobs.descriptions.keySet()).as("the load is the run's first job").allMatch(job -> job >= load);
            List<long[]> queryTasks = jobs.taskLaunches.stream().filter(t -> t[0] > load).toList();
            assertThat(queryTasks).isNotEmpty();
            assertThat(queryTasks).as("the query's tasks begin once the model is loaded")
                    .allMatch(t -> t[1] >= jobs.ends.get(load));
            assertThat(first.answered()).isEqualTo(14);

            // the same folder packs to the same file: this session ships it once
            int shipped = spark.sparkContext().listFiles().size();
            PredictJob.run(spark, model, List.of(images.resolve("more").toString()), dir.resolve("loaded-again"));
            assertThat(spark.sparkContext().listFiles().size()).isEqualTo(shipped);
            try (Stream<Path> a = Files.list(dir.resolve("loaded-ahead")); Stream<Path> b = Files.list(dir.resolve("loaded-again"))) {
                assertThat(b.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lennonnet")).toList())
                        .isEqualTo(a.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lennonnet")).toList())
                        .hasSize(1);
            }
        } finally {
            spark.sparkContext().removeSparkListener(jobs);
        }
    }

    @Test
    void answersOfAnotherModelAreNotMixedIn() throws IOException {
        Path out = dir.resolve("mixed");
        PredictJob.run(spark, model, List.of(images.resolve("more").toString()), out);
        var other = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 9), TinyGraphs.HEAD_OPTIONS);
        Path otherModel = TinyGraphs.save(other, dir.resolve("other-model"), 32);
        assertThatThrownBy(() -> PredictJob.run(spark, otherModel, List.of(images.toString()), out))
                .hasMessageContaining("holds rows of another model_sha256");
    }
}
