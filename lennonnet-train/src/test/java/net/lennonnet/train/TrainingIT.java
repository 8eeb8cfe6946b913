package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import net.lennonnet.backbones.PretrainedWeights;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.backbones.WeightsSource;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.image.Images;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.dashboard.EpochStats;
import net.lennonnet.train.evaluation.Analysis;
import net.lennonnet.train.evaluation.AnalysisReport;
import net.lennonnet.train.evaluation.Evaluation;
import net.lennonnet.train.evaluation.EvaluationReport;
import net.lennonnet.train.run.RunFolder;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okio.Buffer;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Machinery, not accuracy: a short run on a small generated set, watched in the real dashboard. */
class TrainingIT {

    @TempDir
    static Path tmp;

    static Path dataset;

    @BeforeAll
    static void smallDataset() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(64).write(raw, 30, 11);
        dataset = tmp.resolve("dataset");
        new DatasetBuilder(new DatasetConfig(raw, dataset, 6, 0.2, 11, Images.DEFAULT_MAX_PIXELS)).build();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void trainsSavesAndServesTheRunInTheDashboard() throws Exception {
        Path out = tmp.resolve("model");
        int port = freePort();
        TrainConfig config = new TrainConfig(dataset, out, 64, 300, 16, 0.01, 10, 3, new WeightsChoice.RandomInit(), port,
                TrainConfig.defaultFeatureCache(dataset), Augmentation.none(), FineTuning.off());
        Path stats = new RunFolder(out).dashboardStats();
        Files.createDirectories(out);
        TrainResult result;
        HttpResponse<String> page;
        HttpResponse<String> lennonnetPage;
        JsonNode liveEpochs;
        try (Dashboard dashboard = Dashboard.start(port, stats)) {
            result = Training.run(config, Optional.of(dashboard));
            assertThat(listeners(port)).as("listening sockets on port %d", port).containsExactly("127.0.0.1");
            page = get(dashboard.url());
            lennonnetPage = get(dashboard.lennonnetUrl());
            liveEpochs = epochsOfOnlySession(port);
            assertThat(get("http://localhost:" + port + "/lennonnet/links").body()).isEqualTo("{}");
            dashboard.advertiseTryPage("http://127.0.0.1:8080/");
            assertThat(get("http://localhost:" + port + "/lennonnet/links").body())
                    .isEqualTo("{\"tryUrl\":\"http://127.0.0.1:8080/\"}");
        }
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("<html");
        assertThat(lennonnetPage.statusCode()).isEqualTo(200);
        assertThat(lennonnetPage.body()).contains("Lennonnet training", "/lennonnet/data/");
        int steps = result.history().size();
        assertThat(steps).as("the head's solver stops by itself, short of its cap").isBetween(1, 299);
        assertThat(liveEpochs).hasSize(steps);
        for (int i = 0; i < steps; i++) {
            assertThat(liveEpochs.get(i).get("epoch").asInt()).isEqualTo(i + 1);
            assertThat(liveEpochs.get(i).get("validationLoss").asDouble())
                    .isEqualTo(result.history().get(i).validationLoss());
        }

        // Evaluate and analyse the trained model as a user would, then replay: a fresh dashboard on the
        // stored file shows the same validation-loss series, and the reports written into the run folder.
        EvaluationReport evaluation = Evaluation.run(out, Dataset.open(dataset), out.resolve("evaluation"),
                Evaluation.ThresholdFrom.VALIDATION);
        AnalysisReport analysis = Analysis.run(out, List.of(new Analysis.ImageSet("others",
                dataset.resolve("test/not_john"), "not_john")), out.resolve("analysis"), OptionalDouble.empty(),
                new double[] {0.35, 0.65});
        // The threshold is the validation split's best, and the test split has no say in it.
        List<Path> validationFiles = new java.util.ArrayList<>();
        List<Boolean> validationJohn = new java.util.ArrayList<>();
        for (String label : List.of("john", "not_john")) {
            try (var files = Files.list(dataset.resolve("val").resolve(label))) {
                files.sorted().forEach(f -> {
                    validationFiles.add(f);
                    validationJohn.add(label.equals("john"));
                });
            }
        }
        double[] pValidation;
        try (LennonNet net = LennonNet.load(out)) {
            pValidation = net.predictFiles(validationFiles).stream()
                    .mapToDouble(o -> o.prediction().orElseThrow().probabilityJohn()).toArray();
        }
        boolean[] yValidation = new boolean[validationJohn.size()];
        for (int i = 0; i < yValidation.length; i++) {
            yValidation[i] = validationJohn.get(i);
        }
        assertThat(evaluation.threshold().value()).isEqualTo(
                net.lennonnet.train.evaluation.Metrics.bestThreshold(pValidation, yValidation));
        // Training chose its threshold on out-of-fold scores (a few validation images only) and saved it:
        // predict and serve use it.
        var saved = net.lennonnet.model.bundle.ModelBundle.read(out).metadata();
        assertThat(saved.thresholdSource()).startsWith("out-of-fold");
        assertThat(saved.decision().heldOut()).contains("cross-validation");
        assertThat(saved.decision().score()).isEqualTo(net.lennonnet.model.bundle.Decision.Score.HEAD);
        JsonNode testReport = new ObjectMapper().readTree(out.resolve("test/test-report.json").toFile());
        assertThat(testReport.get("threshold").asDouble()).isEqualTo(saved.threshold());
        assertThat(testReport.at("/histograms2/john/1").asInt()).isEqualTo(testReport.get("johnCorrect").asInt());
        Path fewerTests = tmp.resolve("fewer-tests");
        copyTree(dataset, fewerTests);
        try (var johns = Files.list(fewerTests.resolve("test/john"))) {
            for (Path f : johns.sorted().limit(3).toList()) {
                Files.delete(f);
            }
        }
        EvaluationReport onFewer = Evaluation.run(out, Dataset.open(fewerTests), tmp.resolve("evaluation-fewer"),
                Evaluation.ThresholdFrom.VALIDATION);
        assertThat(onFewer.table().johnTotal()).isEqualTo(evaluation.table().johnTotal() - 3);
        assertThat(onFewer.threshold()).isEqualTo(evaluation.threshold());

        try (Dashboard replay = Dashboard.start(port, stats)) {
            JsonNode replayed = epochsOfOnlySession(port);
            assertThat(replayed).isEqualTo(liveEpochs);
            JsonNode reports = new ObjectMapper().readTree(get("http://localhost:" + port + "/lennonnet/reports").body());
            assertThat(reports.at("/evaluation/table/johnTotal").asInt()).isEqualTo(evaluation.table().johnTotal());
            assertThat(reports.at("/evaluation/accuracy").asDouble()).isEqualTo(evaluation.accuracy());
            assertThat(reports.at("/evaluation/threshold/source").asText()).isEqualTo("validation");
            assertThat(reports.at("/analysis/sets/0/images").asInt()).isEqualTo(analysis.sets().get(0).images());
            HttpResponse<String> roc = get("http://localhost:" + port + "/lennonnet/files/evaluation/roc.png");
            assertThat(roc.statusCode()).isEqualTo(200);
            assertThat(roc.headers().firstValue("content-type")).contains("image/png");
            assertThat(get("http://localhost:" + port + "/lennonnet/files/analysis/analysis.html").body())
                    .contains("others");
            assertThat(get("http://localhost:" + port + "/lennonnet/files/evaluation/gallery/0.jpg").statusCode())
                    .isEqualTo(200);
            assertThat(get("http://localhost:" + port + "/lennonnet/files/model/lennonnet.json").statusCode())
                    .isEqualTo(404);
            assertThat(get("http://localhost:" + port + "/lennonnet/files/evaluation/..%2F..%2Flennonnet.json")
                    .statusCode()).isEqualTo(404);
            assertThat(get("http://localhost:" + port + "/lennonnet").body()).contains("/lennonnet/reports");
        }
        assertThat(Files.size(stats)).as("stats stored for replay").isPositive();

        assertThat(result.history()).allSatisfy(e -> {
            assertThat(e.trainLoss()).isFinite().isPositive();
            assertThat(e.validationLoss()).isFinite().isPositive();
        });
        // converged: the solver stopped by itself, short of its cap (above), its gradient recorded for every step
        assertThat(result.history()).allSatisfy(e -> assertThat(e.gradientNorm()).isFinite().isNotNegative());
        assertThat(result.history().get(steps - 1).trainLoss()).isLessThan(Math.log(2));
        assertThat(result.history().get(steps - 1).trainLoss()).isLessThan(result.history().get(0).trainLoss());
        List<String> history = Files.readAllLines(new RunFolder(out).history());
        assertThat(history).hasSize(steps);
        assertThat(history.get(steps - 1)).contains("\"validationLoss\"", "\"gradientNorm\"");
        assertThat(result.test().johnTotal()).isEqualTo(6);
        assertThat(result.test().histograms25().get("john").total()).isEqualTo(6);

        // The saved model, reloaded, answers like the in-memory head did for the test set.
        try (LennonNet net = LennonNet.load(out)) {
            assertThat(net.metadata().input().height()).isEqualTo(64);
            assertThat(net.metadata().provenance().pretrained()).isFalse();
            assertThat(net.metadata().provenance().datasetManifestSha256()).matches("[0-9a-f]{64}");
            // no local path goes into a model: the dataset is named by its folder's name
            assertThat(net.metadata().provenance().dataset()).isEqualTo(dataset.getFileName().toString());
            assertThat(Files.readString(out.resolve("lennonnet.json"))).doesNotContain(tmp.toString());
            int johnCorrect = 0;
            try (var files = Files.list(dataset.resolve("test/john"))) {
                for (Path f : files.toList()) {
                    johnCorrect += net.predict(f).isJohn() ? 1 : 0;
                }
            }
            assertThat(johnCorrect).isEqualTo(result.test().johnCorrect());
        }
    }

    /** The local addresses listening on a TCP port, from the kernel's socket tables (no traffic sent). */
    static List<String> listeners(int port) throws IOException {
        List<String> addresses = new java.util.ArrayList<>();
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] f = line.trim().split("\\s+");
                if (f[1].endsWith(hexPort) && f[3].equals("0A")) { // 0A: LISTEN
                    String hex = f[1].substring(0, f[1].indexOf(':'));
                    // IPv4 (and IPv4 mapped into IPv6) addresses are stored as little-endian hex
                    String v4 = hex.length() == 8 ? hex
                            : hex.startsWith("0000000000000000FFFF0000") ? hex.substring(24) : null;
                    addresses.add(v4 == null ? "[" + hex + "]" : Integer.parseInt(v4.substring(6, 8), 16) + "."
                            + Integer.parseInt(v4.substring(4, 6), 16) + "." + Integer.parseInt(v4.substring(2, 4), 16)
                            + "." + Integer.parseInt(v4.substring(0, 2), 16));
                }
            }
        }
        return addresses;
    }

    /**
     * One HTTP/1.1 client, as a browser talks to the dashboard. The JDK client's default first tries an h2c
     * upgrade; twice in CI, after the upgrade, it waited for ever on a body the server had sent (the same
     * server answered curl over HTTP/1.1 and over h2c with the whole file while the test hung).
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A GET that fails after a minute without response headers instead of waiting for ever. */
    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode epochsOfOnlySession(int port) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        JsonNode sessions = json.readTree(get("http://localhost:" + port + "/lennonnet/sessions").body());
        assertThat(sessions).hasSize(1);
        return json.readTree(get("http://localhost:" + port + "/lennonnet/data/" + sessions.get(0).asText()).body());
    }

    private TrainConfig config(Path out, int epochs, Path cache) {
        return new TrainConfig(dataset, out, 64, epochs, 16, 0.01, 100, 3, new WeightsChoice.RandomInit(), 0, cache,
                Augmentation.none(), FineTuning.off());
    }

    @Test
    void aRunAgainOnTheCachedFeaturesEndsExactlyWhereTheFirstDid() throws Exception {
        Path cache = tmp.resolve("again-cache");
        TrainResult first = Training.run(config(tmp.resolve("first"), 300, cache));
        assertThat(first.featuresComputed()).isEqualTo(60);
        // an interrupted run is simply run again: the features come from the cache, the solve is deterministic
        TrainResult again = Training.run(config(tmp.resolve("again"), 300, cache));
        assertThat(again.featuresComputed()).as("every feature came from the cache").isZero();
        assertThat(again.history()).isEqualTo(first.history().stream().map(e -> new EpochStats(e.epoch(), e.trainLoss(),
                e.validationLoss(), e.validationAccuracy(), e.learningRate(), again.history().get(e.epoch() - 1).seconds(),
                e.gradientNorm())).toList());
        try (LennonNet a = LennonNet.load(tmp.resolve("first")); LennonNet b = LennonNet.load(tmp.resolve("again"))) {
            Path image = Files.list(dataset.resolve("test/not_john")).sorted().findFirst().orElseThrow();
            assertThat(b.predict(image).probabilityJohn()).isEqualTo(a.predict(image).probabilityJohn());
            assertThat(b.metadata().threshold()).isEqualTo(a.metadata().threshold());
        }
    }

    @Test
    void evaluateWarnsWhenTheDataIsNotWhatTheModelWasTrainedOn() throws Exception {
        Path otherRaw = tmp.resolve("other-raw");
        new DemoImages(64).write(otherRaw, 30, 12);
        Path otherData = tmp.resolve("other-dataset");
        new DatasetBuilder(new DatasetConfig(otherRaw, otherData, 6, 0.2, 11, Images.DEFAULT_MAX_PIXELS)).build();
        Path fixedOut = tmp.resolve("settings-fixed-backbone");
        Training.run(config(fixedOut, 50, tmp.resolve("fixed-cache")));
        try (LennonNet trained = LennonNet.load(fixedOut)) {
            assertThat(net.lennonnet.train.evaluation.Evaluation.datasetMismatch(trained, Dataset.open(dataset))).isEmpty();
            assertThat(net.lennonnet.train.evaluation.Evaluation.datasetMismatch(trained, Dataset.open(otherData))).hasValueSatisfying(
                    w -> assertThat(w).contains("trained on a dataset whose manifest hash is").contains("mean nothing"));
        }
    }

    @Test
    void aDamagedCacheEntryIsComputedAgainWithTheSameResult() throws Exception {
        Path cache = tmp.resolve("cache-damage");
        TrainResult first = Training.run(config(tmp.resolve("d1"), 300, cache));
        Path entry;
        try (var all = Files.walk(cache)) {
            entry = all.filter(p -> p.toString().endsWith(".f32")).sorted().findFirst().orElseThrow();
        }
        Files.write(entry, new byte[] {1, 2, 3});
        TrainResult second = Training.run(config(tmp.resolve("d2"), 300, cache));
        assertThat(second.featuresComputed()).isEqualTo(1);
        // Recomputed alone rather than in a batch of 16, the features may differ in the last float bits: the
        // converged head is the same to far better than any answer needs.
        EpochStats a = first.history().get(first.history().size() - 1);
        EpochStats b = second.history().get(second.history().size() - 1);
        assertThat(b.trainLoss()).isCloseTo(a.trainLoss(), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(b.validationAccuracy()).isEqualTo(a.validationAccuracy());
    }

    @Test
    void augmentedViewsAreComputedOnceAndTrainedOn() throws Exception {
        Path cache = tmp.resolve("aug-cache");
        Augmentation three = new Augmentation(3, true, 0.1, 0.1);
        TrainConfig config = new TrainConfig(dataset, tmp.resolve("aug"), 64, 300, 16, 0.01, 10, 3,
                new WeightsChoice.RandomInit(), 0, cache, three, FineTuning.off());
        TrainResult first = Training.run(config);
        int trainImages = TrainingSet.of(net.lennonnet.data.Dataset.open(dataset)).total();
        // every image once, plus two views of each training image
        assertThat(first.featuresComputed()).isEqualTo(60 + 2 * trainImages);
        TrainResult again = Training.run(new TrainConfig(dataset, tmp.resolve("aug2"), 64, 300, 16, 0.01, 10, 3,
                new WeightsChoice.RandomInit(), 0, cache, three, FineTuning.off()));
        assertThat(again.featuresComputed()).isZero();
        assertThat(again.history()).extracting(EpochStats::trainLoss)
                .isEqualTo(first.history().stream().map(EpochStats::trainLoss).toList());
    }

    @Test
    void fineTuningTrainsTheLastStageOnlyAndKeepsItsBestEpoch() throws Exception {
        Path cache = tmp.resolve("ft-cache");
        TrainResult headOnly = Training.run(new TrainConfig(dataset, tmp.resolve("head-only"), 64, 300, 16, 0.01, 10, 3,
                new WeightsChoice.RandomInit(), 0, cache, Augmentation.none(), FineTuning.off()));
        TrainResult tuned = Training.run(new TrainConfig(dataset, tmp.resolve("fine-tuned"), 64, 300, 16, 0.01, 10, 3,
                new WeightsChoice.RandomInit(), 0, cache, Augmentation.none(), new FineTuning(2, 1e-3)));

        int h = headOnly.history().size();
        assertThat(tuned.history()).extracting(EpochStats::epoch)
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, h + 2).boxed().toList());
        // The head's steps are the head-only run's, loss for loss (the head is solved the same way).
        assertThat(tuned.history().subList(0, h)).extracting(EpochStats::trainLoss)
                .isEqualTo(headOnly.history().stream().map(EpochStats::trainLoss).toList());
        assertThat(tuned.history().subList(0, h)).extracting(EpochStats::validationLoss)
                .isEqualTo(headOnly.history().stream().map(EpochStats::validationLoss).toList());
        assertThat(tuned.history().get(h).learningRate()).isEqualTo(1e-3);
        assertThat(tuned.history().subList(h, h + 2)).allSatisfy(e -> assertThat(e.validationLoss()).isFinite().isPositive());
        try (LennonNet a = LennonNet.load(tmp.resolve("head-only")); LennonNet b = LennonNet.load(tmp.resolve("fine-tuned"))) {
            // stage 2 stays frozen whatever happens
            assertThat(b.graph().getLayer("res2a_branch2a").params()).isEqualTo(a.graph().getLayer("res2a_branch2a").params());
            boolean stageThreeMoved = !b.graph().getLayer("res3d_branch2c").params()
                    .equalsWithEps(a.graph().getLayer("res3d_branch2c").params(), 0);
            if (tuned.bestEpoch() > h) {
                assertThat(stageThreeMoved).as("a fine-tuning epoch was kept").isTrue();
            } else {
                assertThat(stageThreeMoved).as("the head alone was best, so nothing changed").isFalse();
            }
        }
    }

    @Test
    void refusesAFolderThatIsNoDataset() {
        TrainConfig config = new TrainConfig(tmp.resolve("nothing"), tmp.resolve("m2"), 64, 1, 8, 0.01, 1, 1,
                new WeightsChoice.RandomInit(), 0, tmp.resolve("cache"), Augmentation.none(), FineTuning.off());
        assertThatThrownBy(() -> Training.run(config)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a Lennonnet dataset");
        assertThatThrownBy(() -> new TrainConfig(dataset, tmp, 64, 0, 8, 0.01, 1, 1, new WeightsChoice.RandomInit(), 0,
                tmp, Augmentation.none(), FineTuning.off()))
                .hasMessage("epochs must be 1..10000, got 0");
    }

    @Test
    void trainsOnWeightsDownloadedFromALocalMirror() throws Exception {
        Path zip = tmp.resolve("stand-in-weights.zip");
        ModelSerializer.writeModel(TinyGraphs.imagenetShaped(224, 5), zip.toFile(), false);
        long adler32 = PretrainedWeights.adler32(zip);
        DL4JResources.setBaseDirectory(Files.createDirectories(tmp.resolve("dl4j-cache")).toFile());
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setBody(new Buffer().write(Files.readAllBytes(zip))));
            WeightsSource source = new WeightsSource(server.url("/weights/stand-in.zip").uri(), adler32);
            Path out = tmp.resolve("model-pretrained");
            TrainResult result = Training.run(new TrainConfig(dataset, out, 64, 300, 16, 0.01, 10, 3,
                    new WeightsChoice.Download(source), 0, tmp.resolve("cache-pretrained"), Augmentation.none(), FineTuning.off()));
            assertThat(result.pretrained()).isTrue();
            try (LennonNet net = LennonNet.load(out)) {
                // ImageNet weights fix the input at 224, whatever --input-size said
                assertThat(net.metadata().input().height()).isEqualTo(224);
                assertThat(net.metadata().head().featureVertex()).isEqualTo("flatten_1");
                assertThat(net.metadata().head().outputVertex()).isEqualTo("fc1000");
                assertThat(net.metadata().provenance().backbone()).contains("ImageNet weights")
                        .contains(String.valueOf(adler32));
            }
        } finally {
            DL4JResources.resetBaseDirectoryLocation();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
