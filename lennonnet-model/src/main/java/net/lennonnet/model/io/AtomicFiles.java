package net.lennonnet.model.io;

import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Writing a file so that it is never seen half-written: the content goes to {@code <name>.part} in the
 * same folder, which is then renamed over the target in one step. A failure (a full disk, a kill) leaves
 * at most that {@code .part} file, which every reader of Lennonnet's folders ignores; a failure inside
 * this process deletes it, and the next write of the same target replaces what a kill left. The
 * temporary name is fixed for that reason, so two writers must never share a target.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** Writes the temporary file it is given. */
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    /** Lines of text into a writer. */
    public interface Text {
        void writeTo(BufferedWriter writer) throws IOException;
    }

    /** Creates {@code target}'s folder, has {@code content} write a temporary file, renames it to {@code target}. */
    public static void write(Path target, Content content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path tmp = folder.resolve(target.getFileName() + ".part");
        Files.deleteIfExists(tmp);
        try {
            content.writeTo(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes UTF-8 text. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Writes UTF-8 text through a buffered writer. */
    public static void writeText(Path target, Text text) throws IOException {
        write(target, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                text.writeTo(w);
            }
        });
    }

    /** Writes an image in an ImageIO format ("png", "jpg"). */
    public static void writeImage(Path target, BufferedImage image, String format) throws IOException {
        write(target, tmp -> {
            if (!ImageIO.write(image, format, tmp.toFile())) {
                throw new IOException("no " + format + " writer for " + target);
            }
        });
    }
}
