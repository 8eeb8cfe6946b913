package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.lennonnet.app.LennonnetCliTest.Run;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.image.Images;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a 3 MB tmpfs mounted for the test. Needs the right to mount (root with
 * CAP_SYS_ADMIN, as on this project's machines and CI); skipped, saying so, elsewhere.
 */
class FullDiskTest {

    @TempDir
    Path tmp;
    Path mounted;

    private static int exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            exec("umount", mounted.toString());
        }
    }

    @Test
    void aFullDiskIsOneClearLineAndLeavesNoHalfWrittenFile() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        assumeTrue(exec("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", disk.toString()) == 0,
                "cannot mount a small tmpfs here (needs root with CAP_SYS_ADMIN): full-disk test skipped");
        mounted = disk;
        Path raw = tmp.resolve("raw");
        new DemoImages(200).write(raw, 60, 2); // about 120 PNGs of 40-60 KB: more than 3 MB

        Run run = LennonnetCliTest.run("dataset", "--raw", raw.toString(), "--out", disk.resolve("ds").toString(),
                "--test-per-class", "5");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("lennonnet dataset: the disk is full").doesNotContain("\tat ");
        assertThat(run.err().strip().lines()).hasSize(1);
        List<Path> left;
        try (Stream<Path> s = Files.walk(disk)) {
            left = s.filter(Files::isRegularFile).toList();
        }
        assertThat(left).isNotEmpty().noneMatch(p -> p.toString().endsWith(".part"));
        for (Path png : left) {
            // whatever is there under a final name is complete
            assertThat(Images.decode(png, Images.DEFAULT_MAX_PIXELS).getWidth()).as(png.toString()).isEqualTo(200);
        }
        assertThat(disk.resolve("ds").resolve("manifest.jsonl")).doesNotExist();
    }
}
