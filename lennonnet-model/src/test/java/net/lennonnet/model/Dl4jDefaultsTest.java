package net.lennonnet.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class Dl4jDefaultsTest {

    /** Run in a fresh JVM by {@link #loadingLennonnetClassesChangesNoJvmWideSetting()}. */
    public static void main(String[] args) throws Exception {
        for (String name : new String[] {"net.lennonnet.model.LennonNet", "net.lennonnet.model.graph.GraphSurgery",
            "net.lennonnet.model.pipeline.ImagePipeline"}) {
            Class.forName(name, true, Dl4jDefaultsTest.class.getClassLoader());
        }
        System.out.println(System.getProperty(Dl4jDefaults.HELPERS_DISABLE) + " "
                + System.getProperty(Dl4jDefaults.PLATFORM_EXTENSION));
        Dl4jDefaults.apply();
        System.out.println(System.getProperty(Dl4jDefaults.HELPERS_DISABLE) + " "
                + System.getProperty(Dl4jDefaults.PLATFORM_EXTENSION));
    }

    @Test
    void loadingLennonnetClassesChangesNoJvmWideSetting() throws Exception {
        // standard error apart: the JVM writes "Picked up JAVA_TOOL_OPTIONS: ..." there whenever that variable
        // is set, as it often is in containers and CI services (issue 19)
        java.io.File err = java.io.File.createTempFile("dl4j-defaults", ".err");
        err.deleteOnExit();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Dl4jDefaultsTest.class.getName())
                .redirectError(err).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out + java.nio.file.Files.readString(err.toPath())).isZero();
        // before apply(): nothing set, however the classes were loaded; after it: the helpers on, and the
        // oneDNN natives, which this module's tests have on the class path
        assertThat(out.lines().toList()).containsExactly("null null", "false -onednn");
    }

    @Test
    void statusSaysWhetherTheHelpersCanAttach() {
        // this module's tests run with the helpers on, the oneDNN natives and the shim (the pom's argLine)
        assertThat(Dl4jDefaults.status()).isEqualTo(
                "DL4J's oneDNN layer helpers are on (the oneDNN build of the natives)");
        String before = System.getProperty(Dl4jDefaults.HELPERS_DISABLE);
        try {
            System.clearProperty(Dl4jDefaults.HELPERS_DISABLE);
            assertThat(Dl4jDefaults.status()).startsWith("DL4J's layer helpers are off")
                    .contains("Dl4jDefaults.apply()");
        } finally {
            System.setProperty(Dl4jDefaults.HELPERS_DISABLE, before);
        }
    }
}
