package net.lennonnet.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.lennonnet.model.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private long parts() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".part")).count();
        }
    }

    @Test
    void writesIntoNewFoldersAndReplaces() throws IOException {
        Path file = dir.resolve("a/b/report.json");
        AtomicFiles.writeString(file, "one");
        AtomicFiles.writeText(file, w -> w.write("two"));
        assertThat(file).hasContent("two");
        Path png = dir.resolve("img.png");
        AtomicFiles.writeImage(png, new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR), "png");
        assertThat(Images.decode(png, 100).getWidth()).isEqualTo(3);
        assertThat(parts()).isZero();
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path file = dir.resolve("manifest.jsonl");
        AtomicFiles.writeString(file, "complete");
        assertThatThrownBy(() -> AtomicFiles.writeText(file, w -> {
            w.write("half");
            throw new IOException("No space left on device");
        })).hasMessage("No space left on device");
        assertThat(file).hasContent("complete");
        assertThat(parts()).isZero();
        assertThatThrownBy(() -> AtomicFiles.writeImage(dir.resolve("x.nope"),
                new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "no-such-format"))
                .hasMessageContaining("no no-such-format writer");
        assertThat(parts()).isZero();
    }

    @Test
    void theNextWriteReplacesWhatAKillLeftBehind() throws IOException {
        Path file = dir.resolve("history.jsonl");
        // a process killed mid-write leaves its temporary file and nothing else
        Files.writeString(dir.resolve("history.jsonl.part"), "half a li");
        AtomicFiles.writeString(file, "whole\n");
        assertThat(file).hasContent("whole\n");
        assertThat(parts()).isZero();
    }
}
