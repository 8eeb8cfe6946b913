package net.lennonnet.train;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import net.lennonnet.model.image.Images;

/**
 * Real faces of 13 people, several photos each: deepface's unit-test photos (MIT, {@code LICENSE} beside
 * them in {@code src/test/resources/faces-deepface/}), copied into the project so every clone runs the
 * tests that use them. The copies are the originals decoded upright and scaled to at most
 * {@value #SIDE} pixels a side (the image pipeline's working side, so the face path sees about what it
 * sees of the originals) as JPEG; {@link #main} makes them again from the originals.
 */
public final class DeepfacePhotos {

    static final int SIDE = 1024;
    private static final String FOLDER = "/faces-deepface/";

    private DeepfacePhotos() {}

    /** Each person's photo files, by name, person by person ({@code person01} ...), copied into {@code dir}. */
    public static Map<String, List<Path>> people(Path dir) throws IOException {
        Map<String, List<Path>> people = new TreeMap<>();
        Files.createDirectories(dir);
        for (String line : lines()) {
            String[] f = line.split(",");
            Path copy = dir.resolve(f[0]);
            if (!Files.exists(copy)) {
                try (InputStream in = DeepfacePhotos.class.getResourceAsStream(FOLDER + f[0])) {
                    if (in == null) {
                        throw new IOException("test resource " + FOLDER + f[0] + " is missing");
                    }
                    Files.copy(in, copy);
                }
            }
            people.computeIfAbsent(f[1], k -> new ArrayList<>()).add(copy);
        }
        return people;
    }

    private static List<String> lines() throws IOException {
        try (InputStream in = DeepfacePhotos.class.getResourceAsStream(FOLDER + "people.csv")) {
            if (in == null) {
                throw new IOException("test resource " + FOLDER + "people.csv is missing");
            }
            List<String> lines = new ArrayList<>(List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .split("\n")));
            lines.remove(0); // the header
            lines.removeIf(String::isBlank);
            return lines;
        }
    }

    /** Makes the copies again: {@code DeepfacePhotos ORIGINALS_FOLDER OUT_FOLDER} (people.csv, LICENSE and images/). */
    public static void main(String[] args) throws IOException {
        Path from = Path.of(args[0]);
        Path to = Path.of(args[1]);
        Files.createDirectories(to);
        Files.copy(from.resolve("people.csv"), to.resolve("people.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(from.resolve("LICENSE"), to.resolve("LICENSE"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (var images = Files.list(from.resolve("images"))) {
            images.sorted().forEach(f -> {
                try {
                    BufferedImage image = Images.decode(f, Images.DEFAULT_MAX_PIXELS);
                    double scale = Math.min(1, (double) SIDE / Math.max(image.getWidth(), image.getHeight()));
                    int w = (int) Math.round(image.getWidth() * scale);
                    int h = (int) Math.round(image.getHeight() * scale);
                    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
                    Graphics2D g = small.createGraphics();
                    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
                    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                    g.drawImage(image, 0, 0, w, h, null);
                    g.dispose();
                    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpg").next();
                    ImageWriteParam param = writer.getDefaultWriteParam();
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(0.88f);
                    try (ImageOutputStream out = ImageIO.createImageOutputStream(to.resolve(f.getFileName()).toFile())) {
                        writer.setOutput(out);
                        writer.write(null, new IIOImage(small, null, null), param);
                    }
                    writer.dispose();
                } catch (IOException e) {
                    throw new UncheckedIOException(f.toString(), e);
                }
            });
        }
    }
}
