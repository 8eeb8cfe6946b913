package net.lennonnet.train;

import net.lennonnet.train.dashboard.EpochStats;
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
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.Images;
import net.lennonnet.train.run.RunFolder;
import net.lennonnet.model.LennonNet;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.evaluation.Analysis;
import net.lennonnet.train.evaluation.AnalysisReport;
import net.lennonnet.train.evaluation.Evaluation;
import net.lennonnet.train.evaluation.EvaluationReport;
import net.lennonnet.model.WeightsChoice;
import net.lennonnet.model.PretrainedWeights;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.WeightsSource;
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
        TrainConfig config = new TrainConfig(dataset, out, 64, 4, 16, 0.01, 10, 3, new WeightsChoice.RandomInit(), port,
                TrainConfig.defaultFeatureCache(dataset), false, Augmentation.none(), FineTuning.off());
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
        assertThat(liveEpochs).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(liveEpochs.get(i).get("epoch").asInt()).isEqualTo(i + 1);
            assertThat(liveEpochs.get(i).get("validationLoss").asDouble())
                    .isEqualTo(result.history().get(i).validationLoss());
        }

        // Evaluate and analyse the trained model as a user would, then replay: a fresh dashboard on the
        // stored file shows the same validation-loss series, and the reports written into the run folder.
        EvaluationReport evaluation = Evaluation.run(out, dataset, out.resolve("evaluation"),
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
        // Training chose the same threshold by the same rule and saved it: predict and serve use it.
        var saved = net.lennonnet.model.ModelBundle.read(out).metadata();
        assertThat(saved.thresholdSource()).startsWith("validation");
        assertThat(saved.threshold()).isCloseTo(evaluation.threshold().value(), org.assertj.core.api.Assertions.within(1e-3));
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
        EvaluationReport onFewer = Evaluation.run(out, fewerTests, tmp.resolve("evaluation-fewer"),
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

        assertThat(result.history()).hasSize(4);
        assertThat(result.history()).allSatisfy(e -> {
            assertThat(e.trainLoss()).isFinite().isPositive();
            assertThat(e.validationLoss()).isFinite().isPositive();
        });
        List<String> history = Files.readAllLines(new RunFolder(out).history());
        assertThat(history).hasSize(4);
        assertThat(history.get(3)).contains("\"validationLoss\"");
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

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode epochsOfOnlySession(int port) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        JsonNode sessions = json.readTree(get("http://localhost:" + port + "/lennonnet/sessions").body());
        assertThat(sessions).hasSize(1);
        return json.readTree(get("http://localhost:" + port + "/lennonnet/data/" + sessions.get(0).asText()).body());
    }

    private TrainConfig config(Path out, int epochs, Path cache, boolean resume) {
        return new TrainConfig(dataset, out, 64, epochs, 16, 0.01, 100, 3, new WeightsChoice.RandomInit(), 0, cache,
                resume, Augmentation.none(), FineTuning.off());
    }

    @Test
    void aResumedRunEndsExactlyWhereAnUninterruptedOneDoes() throws Exception {
        Path cache = tmp.resolve("resume-cache");
        TrainResult straight = Training.run(config(tmp.resolve("straight"), 6, cache, false));
        assertThat(straight.featuresComputed()).isEqualTo(60);

        Path interrupted = tmp.resolve("interrupted");
        TrainResult firstHalf = Training.run(config(interrupted, 3, cache, false));
        assertThat(firstHalf.featuresComputed()).as("every feature came from the cache").isZero();
        assertThat(firstHalf.history()).hasSize(3);
        TrainResult resumed = Training.run(config(interrupted, 6, cache, true));

        assertThat(resumed.history()).extracting(EpochStats::epoch).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Files.readAllLines(new RunFolder(interrupted).history())).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(resumed.history().get(i).validationLoss()).as("epoch %d", i + 1)
                    .isEqualTo(straight.history().get(i).validationLoss());
            assertThat(resumed.history().get(i).trainLoss()).isEqualTo(straight.history().get(i).trainLoss());
        }
        assertThat(resumed.bestEpoch()).isEqualTo(straight.bestEpoch());
        try (LennonNet a = LennonNet.load(tmp.resolve("straight")); LennonNet b = LennonNet.load(interrupted)) {
            Path image = Files.list(dataset.resolve("test/not_john")).sorted().findFirst().orElseThrow();
            assertThat(b.predict(image).probabilityJohn()).isEqualTo(a.predict(image).probabilityJohn());
        }
        try (var files = Files.list(new RunFolder(interrupted).checkpoints())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part"))).isEmpty();
        }
    }

    @Test
    void resumingWithOtherSettingsIsRefused() throws Exception {
        Path out = tmp.resolve("settings");
        Training.run(config(out, 2, tmp.resolve("shared-cache"), false));
        TrainConfig otherSeed = new TrainConfig(dataset, out, 64, 4, 16, 0.01, 100, 4, new WeightsChoice.RandomInit(),
                0, tmp.resolve("shared-cache"), true, Augmentation.none(), FineTuning.off());
        assertThatThrownBy(() -> Training.run(otherSeed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the checkpoint in").hasMessageContaining("is from another run");
        // The same settings on other data: the dataset is part of the run's identity.
        Path otherRaw = tmp.resolve("other-raw");
        new DemoImages(64).write(otherRaw, 30, 12);
        Path otherData = tmp.resolve("other-dataset");
        new DatasetBuilder(new DatasetConfig(otherRaw, otherData, 6, 0.2, 11, Images.DEFAULT_MAX_PIXELS)).build();
        // A fixed backbone (a random one is calibrated on the data, so it alone would differ).
        Path bundle = tmp.resolve("tiny-backbone.zip");
        var tiny = TinyGraphs.imagenetShaped(64, 5);
        net.lennonnet.model.BackboneBundle.write(bundle, tiny, new net.lennonnet.model.BackboneInfo(
                net.lennonnet.model.BackboneInfo.FORMAT, "resnet50", "test", "sha512-test", tiny.numParams(), "0".repeat(64),
                64, 64, net.lennonnet.model.BackboneInfo.CAFFE, List.of()));
        Path fixedOut = tmp.resolve("settings-fixed-backbone");
        Training.run(new TrainConfig(dataset, fixedOut, 64, 2, 16, 0.01, 100, 3, new WeightsChoice.LocalFile(bundle), 0,
                tmp.resolve("fixed-cache"), false, Augmentation.none(), FineTuning.off()));
        TrainConfig sameSettingsOtherData = new TrainConfig(otherData, fixedOut, 64, 4, 16, 0.01, 100, 3,
                new WeightsChoice.LocalFile(bundle), 0, tmp.resolve("fixed-cache"), true, Augmentation.none(), FineTuning.off());
        assertThatThrownBy(() -> Training.run(sameSettingsOtherData)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is from another run").hasMessageContaining("same dataset");
        // evaluate warns when the data is not what the model was trained on (its manifest hash differs)
        try (LennonNet trained = LennonNet.load(fixedOut)) {
            assertThat(net.lennonnet.train.evaluation.Evaluation.datasetMismatch(trained, dataset)).isEmpty();
            assertThat(net.lennonnet.train.evaluation.Evaluation.datasetMismatch(trained, otherData)).hasValueSatisfying(
                    w -> assertThat(w).contains("trained on a dataset whose manifest hash is").contains("mean nothing"));
        }
    }

    @Test
    void aDamagedCacheEntryIsComputedAgainWithTheSameResult() throws Exception {
        Path cache = tmp.resolve("cache-damage");
        TrainResult first = Training.run(config(tmp.resolve("d1"), 2, cache, false));
        Path entry;
        try (var all = Files.walk(cache)) {
            entry = all.filter(p -> p.toString().endsWith(".f32")).sorted().findFirst().orElseThrow();
        }
        Files.write(entry, new byte[] {1, 2, 3});
        TrainResult second = Training.run(config(tmp.resolve("d2"), 2, cache, false));
        assertThat(second.featuresComputed()).isEqualTo(1);
        // Recomputed alone rather than in a batch of 16, the features may differ in the last float bits.
        for (int i = 0; i < 2; i++) {
            assertThat(second.history().get(i).validationLoss())
                    .isCloseTo(first.history().get(i).validationLoss(), org.assertj.core.data.Offset.offset(1e-5));
            assertThat(second.history().get(i).validationAccuracy()).isEqualTo(first.history().get(i).validationAccuracy());
        }
    }

    @Test
    void augmentedViewsAreComputedOnceAndTrainedOn() throws Exception {
        Path cache = tmp.resolve("aug-cache");
        Augmentation three = new Augmentation(3, true, 0.1, 0.1);
        TrainConfig config = new TrainConfig(dataset, tmp.resolve("aug"), 64, 2, 16, 0.01, 10, 3,
                new WeightsChoice.RandomInit(), 0, cache, false, three, FineTuning.off());
        TrainResult first = Training.run(config);
        int trainImages = TrainingSet.of(net.lennonnet.data.Dataset.open(dataset)).total();
        // every image once, plus two views of each training image
        assertThat(first.featuresComputed()).isEqualTo(60 + 2 * trainImages);
        TrainResult again = Training.run(new TrainConfig(dataset, tmp.resolve("aug2"), 64, 2, 16, 0.01, 10, 3,
                new WeightsChoice.RandomInit(), 0, cache, false, three, FineTuning.off()));
        assertThat(again.featuresComputed()).isZero();
        assertThat(again.history()).extracting(EpochStats::trainLoss)
                .isEqualTo(first.history().stream().map(EpochStats::trainLoss).toList());
    }

    @Test
    void fineTuningTrainsTheLastStageOnlyAndKeepsItsBestEpoch() throws Exception {
        Path cache = tmp.resolve("ft-cache");
        TrainResult headOnly = Training.run(new TrainConfig(dataset, tmp.resolve("head-only"), 64, 3, 16, 0.01, 10, 3,
                new WeightsChoice.RandomInit(), 0, cache, false, Augmentation.none(), FineTuning.off()));
        TrainResult tuned = Training.run(new TrainConfig(dataset, tmp.resolve("fine-tuned"), 64, 3, 16, 0.01, 10, 3,
                new WeightsChoice.RandomInit(), 0, cache, false, Augmentation.none(), new FineTuning(2, 1e-3)));

        assertThat(tuned.history()).extracting(EpochStats::epoch).containsExactly(1, 2, 3, 4, 5);
        // The first three epochs are the head-only run's, loss for loss (the head trains the same way).
        assertThat(tuned.history().subList(0, 3)).extracting(EpochStats::trainLoss)
                .isEqualTo(headOnly.history().stream().map(EpochStats::trainLoss).toList());
        assertThat(tuned.history().subList(0, 3)).extracting(EpochStats::validationLoss)
                .isEqualTo(headOnly.history().stream().map(EpochStats::validationLoss).toList());
        assertThat(tuned.history().get(3).learningRate()).isEqualTo(1e-3);
        assertThat(tuned.history().subList(3, 5)).allSatisfy(e -> assertThat(e.validationLoss()).isFinite().isPositive());
        try (LennonNet a = LennonNet.load(tmp.resolve("head-only")); LennonNet b = LennonNet.load(tmp.resolve("fine-tuned"))) {
            // stage 2 stays frozen whatever happens
            assertThat(b.graph().getLayer("res2a_branch2a").params()).isEqualTo(a.graph().getLayer("res2a_branch2a").params());
            boolean stageThreeMoved = !b.graph().getLayer("res3d_branch2c").params()
                    .equalsWithEps(a.graph().getLayer("res3d_branch2c").params(), 0);
            if (tuned.bestEpoch() > 3) {
                assertThat(stageThreeMoved).as("a fine-tuning epoch was kept").isTrue();
            } else {
                assertThat(stageThreeMoved).as("the head alone was best, so nothing changed").isFalse();
            }
        }
    }

    @Test
    void refusesAFolderThatIsNoDataset() {
        TrainConfig config = new TrainConfig(tmp.resolve("nothing"), tmp.resolve("m2"), 64, 1, 8, 0.01, 1, 1,
                new WeightsChoice.RandomInit(), 0, tmp.resolve("cache"), false, Augmentation.none(), FineTuning.off());
        assertThatThrownBy(() -> Training.run(config)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a Lennonnet dataset");
        assertThatThrownBy(() -> new TrainConfig(dataset, tmp, 64, 0, 8, 0.01, 1, 1, new WeightsChoice.RandomInit(), 0,
                tmp, false, Augmentation.none(), FineTuning.off()))
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
            TrainResult result = Training.run(new TrainConfig(dataset, out, 64, 3, 16, 0.01, 10, 3,
                    new WeightsChoice.Download(source), 0, tmp.resolve("cache-pretrained"), false, Augmentation.none(), FineTuning.off()));
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
