package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code mvn exec:java} training run, run as written there (with a small dataset and few
 * epochs): Maven starts the command line in its own JVM from the app module and the modules this build
 * installed. Needs them installed: the test command is {@code mvn install}.
 */
class MavenExecIT {

    @TempDir
    Path tmp;

    @Test
    void trainingRunsThroughMavenExecWithReadableLogs() throws Exception {
        Path raw = tmp.resolve("raw");
        new DemoImages(64).write(raw, 40, 1);
        Path data = tmp.resolve("dataset");
        new DatasetBuilder(new DatasetConfig(raw, data, 10, 0.1, 1, Images.DEFAULT_MAX_PIXELS)).build();
        Path model = tmp.resolve("model");
        Path root = Path.of("").toAbsolutePath().getParent();
        String repository = System.getProperty("lennonnet.localRepository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");

        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-Dmaven.repo.local=" + repository, "-pl", "lennonnet-app",
                "exec:java", "-Dexec.args=train --data " + data + " --out " + model
                        + " --random-backbone --input-size 64 --epochs 3 --no-dashboard")
                .directory(root.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertThat(mvn.waitFor(10, TimeUnit.MINUTES)).as("mvn exec:java did not end in 10 minutes").isTrue();
        String stdout = Files.readString(out);
        String log = Files.readString(out) + Files.readString(err);

        assertThat(mvn.exitValue()).as(log).isZero();
        assertThat(stdout).contains("john ").contains("correct, accuracy");
        // the app's logging configuration: Lennonnet's INFO lines in its short pattern, no DEBUG flood
        assertThat(log).containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d INFO  \\w+ - ");
        assertThat(log).doesNotContain("DEBUG");
        try (LennonNet net = LennonNet.load(model)) {
            assertThat(net.metadata().labels()).containsExactly("john", "not_john");
        }
    }
}
