package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The command line's JVM-wide deserialization filter (issue 19's safety net): a gadget-like class, one
 * whose {@code readObject} acts, is refused before its code runs, whatever reads it.
 */
class SerialFilterTest {

    /** Stands for a gadget: deserializing it runs code. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            System.out.println("GADGET RAN");
        }
    }

    /** Run in a fresh JVM: installs the CLI's filter, then deserializes a gadget and a plain list. */
    public static void main(String[] args) throws Exception {
        LennonnetCli.installSerialFilter();
        System.out.println("gadget: " + roundTrip(new Gadget()));
        System.out.println("list: " + roundTrip(new java.util.ArrayList<>(java.util.List.of("a", 1L))));
    }

    private static String roundTrip(Serializable value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return "read " + in.readObject();
        } catch (java.io.InvalidClassException | ClassNotFoundException e) {
            return "refused (" + e.getMessage() + ")";
        }
    }

    @Test
    void aGadgetIsRefusedAndPlainValuesStillRead() throws Exception {
        java.io.File err = java.io.File.createTempFile("serial-filter", ".err");
        err.deleteOnExit();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SerialFilterTest.class.getName()).redirectError(err).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out + java.nio.file.Files.readString(err.toPath())).isZero();
        assertThat(out).doesNotContain("GADGET RAN");
        assertThat(out).contains("gadget: refused (filter status: REJECTED)");
        assertThat(out).contains("list: read [a, 1]");
    }
}
