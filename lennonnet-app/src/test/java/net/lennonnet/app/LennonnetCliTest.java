package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class LennonnetCliTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = LennonnetCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void listsOnlyTheCommandsThatWork() {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("demo", "weights", "scrape", "dataset", "train", "evaluate", "analyze", "label",
                "predict", "serve", "dashboard");
    }

    @Test
    void everyHelpRendersWithoutAPicocliWarningAndEverySummaryIsASentence() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            Run top = run("--help");
            assertThat(top.exit()).isZero();
            String commands = top.out().substring(top.out().indexOf("Commands:"));
            // every summary ends its sentence on its own line (no "..., baselines," cut-offs)
            for (String block : commands.split("\\n(?=  \\S)")) {
                if (!block.startsWith("Commands:")) {
                    assertThat(block.strip()).as(block).endsWith(".");
                }
            }
            for (String command : List.of("demo", "weights", "scrape", "dataset", "train", "evaluate", "analyze", "label",
                    "predict", "serve", "dashboard", "benchmark")) {
                assertThat(run(command, "--help").exit()).as(command).isZero();
            }
            for (String sub : List.of("fetch", "import", "check")) {
                assertThat(run("weights", sub, "--help").exit()).isZero();
            }
        } finally {
            System.setErr(stderr);
        }
        assertThat(captured.toString()).doesNotContain("picocli WARN");
    }

    @ParameterizedTest
    @CsvSource({"fetch,--no-npm", "import,--tfjs", "import,--out", "check,--weights"})
    void theWeightsCommandsHaveHelp(String command, String option) {
        Run help = run("weights", command, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains(option);
    }

    @Test
    void datasetCheckExitsNonZeroOnLeakage(@TempDir Path tmp) throws java.io.IOException {
        Path raw = tmp.resolve("raw");
        new net.lennonnet.data.synthetic.DemoImages(64).write(raw, 20, 3);
        Path ds = tmp.resolve("ds");
        assertThat(run("dataset", "--raw", raw.toString(), "--out", ds.toString(), "--test-per-class", "3").exit()).isZero();
        Run clean = run("dataset", "--check", ds.toString());
        assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).contains("ok: 0 leak(s), 0 problem(s)");
        Path trainImage;
        try (var files = java.nio.file.Files.list(ds.resolve("train/not_john"))) {
            trainImage = files.sorted().findFirst().orElseThrow();
        }
        java.nio.file.Files.copy(trainImage, ds.resolve("test/not_john/copy.png"));
        Run leaked = run("dataset", "--check", ds.toString());
        assertThat(leaked.exit()).isEqualTo(1);
        assertThat(leaked.out()).contains("leak: ", "copy.png", "(identical)", "NOT OK: 1 leak(s)");
    }

    @Test
    void checkingAFileThatIsNoWeightsIsOneLine(@TempDir Path tmp) throws java.io.IOException {
        Path notWeights = java.nio.file.Files.writeString(tmp.resolve("weights.zip"), "not a zip");
        Run r = run("weights", "check", "--weights", notWeights.toString(), tmp.resolve("x.png").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("lennonnet weights check: pretrained weights " + notWeights)
                .contains("Adler32").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({"demo,--work", "scrape,--recipe", "scrape,--query", "scrape,--per-query", "scrape,--out",
        "scrape,--duckduckgo-url", "scrape,--bing-url", "scrape,--allow-private-hosts", "dataset,--raw",
        "dataset,--face-crop", "dataset,--test-per-class", "dataset,--val-fraction", "evaluate,--model", "evaluate,--data",
        "evaluate,--out", "analyze,--model", "analyze,--set", "analyze,--out", "label,--mislabelled", "dataset,--out", "train,--data", "train,--out", "predict,--model",
        "predict,--json", "serve,--model", "serve,--port", "serve,--host", "dashboard,--stats"})
    void everyCommandHasHelpWithItsContractOptions(String command, String option) {
        Run help = run(command, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains(option);
    }

    @Test
    void aMissingModelIsOneLineNotAStackTrace(@TempDir Path tmp) {
        Run r = run("predict", "--model", tmp.toString(), tmp.resolve("x.jpg").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("lennonnet predict: not a Lennonnet model").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void aModelPathThatDoesNotExistIsNamedAsGiven(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-model");
        Run r = run("predict", "--model", missing.toString(), tmp.resolve("x.jpg").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("lennonnet predict: not a Lennonnet model: " + missing + " does not exist");
    }

    @Test
    void badOptionsExitWithUsageError() {
        Run r = run("dataset", "--raw", "a");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--out=<out>'");
        Run bad = run("dataset", "--raw", "/nonexistent-raw", "--out", "/tmp/x", "--val-fraction", "0.9");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("validation fraction must be in [0, 0.5], got 0.9");
    }

    @Test
    void anOutputPathThatIsAFileIsOneClearLine(@TempDir Path tmp) throws java.io.IOException {
        Path raw = tmp.resolve("raw");
        new net.lennonnet.data.synthetic.DemoImages(64).write(raw, 12, 1);
        Path blocker = java.nio.file.Files.writeString(tmp.resolve("not-a-folder"), "x");
        Run dataset = run("dataset", "--raw", raw.toString(), "--out", blocker.toString(), "--test-per-class", "2");
        assertThat(dataset.exit()).isEqualTo(1);
        assertThat(dataset.err().strip()).startsWith("lennonnet dataset: cannot write or read " + blocker)
                .doesNotContain("\tat ");
        assertThat(dataset.err().strip().lines()).hasSize(1);
        Path ds = tmp.resolve("ds");
        assertThat(run("dataset", "--raw", raw.toString(), "--out", ds.toString(), "--test-per-class", "2").exit()).isZero();
        Run train = run("train", "--data", ds.toString(), "--out", blocker.resolve("model").toString(),
                "--random-backbone", "--no-dashboard");
        assertThat(train.exit()).isEqualTo(1);
        assertThat(train.err().strip().lines().toList()).last().asString()
                .startsWith("lennonnet train: cannot write or read " + blocker);
    }
}
