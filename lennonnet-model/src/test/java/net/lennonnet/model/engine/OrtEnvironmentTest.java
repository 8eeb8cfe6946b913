package net.lennonnet.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Runtime in a JVM with a long command line, as `java -cp` with a Maven project's class path makes it:
 * creating ONNX Runtime's environment recurses through the command line, and on the main thread's default 1 MB
 * stack it crashed such a JVM (SIGSEGV, exit 139, no error file) from about 4,000 characters on.
 */
class OrtEnvironmentTest {

    @Test
    void aJvmWithALongCommandLineAnswersWithOnnxRuntime() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Dlennonnet.test.padding=" + "x".repeat(20_000), "-cp",
                System.getProperty("java.class.path"), OrtEnvironmentTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("onnxruntime features: 6");
    }

    /** The child: opens ONNX Runtime from its main thread on a small exported graph, and answers one image. */
    public static void main(String[] args) throws Exception {
        ComputationGraph graph = OnnxExportTest.everyKind(false, 1);
        try (Engine engine = Engines.open(Engine.Choice.ONNXRUNTIME, graph, "fc", 3, 37, 41)) {
            float[][] features = engine.features(Nd4j.rand(DataType.FLOAT, 1, 3, 37, 41));
            System.out.println(engine.kind().name().toLowerCase(java.util.Locale.ROOT) + " features: " + features[0].length);
        }
    }
}
