package net.lennonnet.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaceCropDatasetTest {

    @TempDir
    Path tmp;

    /** The public-domain astronaut portrait (model test fixtures) pasted onto a larger background. */
    static BufferedImage portraitOn(int canvasW, int canvasH, int x, int y, Color background) throws IOException {
        BufferedImage face;
        try (InputStream in = FaceCropDatasetTest.class.getResourceAsStream("/net/lennonnet/model/astronaut.jpg")) {
            face = Images.decode(in.readAllBytes(), Images.DEFAULT_MAX_PIXELS);
        }
        BufferedImage canvas = new BufferedImage(canvasW, canvasH, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, canvasW, canvasH);
        g.drawImage(face, x, y, null);
        g.dispose();
        return canvas;
    }

    @Test
    void facesAreCutOutAndFacelessImagesStayWhole() throws IOException {
        Path raw = tmp.resolve("raw");
        Files.createDirectories(raw.resolve("john"));
        Color[] backgrounds = {Color.WHITE, Color.DARK_GRAY, new Color(40, 80, 160), new Color(200, 180, 90),
            new Color(20, 120, 60), Color.LIGHT_GRAY};
        for (int i = 0; i < 6; i++) {
            Files.write(raw.resolve("john/p" + i + ".png"), TestImages.encode(
                    portraitOn(640, 480, 40 + i * 60, 20 + i * 30, backgrounds[i]), "png"));
        }
        new DemoImages(160).write(raw.resolve("tmp"), 6, 4);
        Files.move(raw.resolve("tmp/not_john"), raw.resolve("not_john"));
        try (Stream<Path> s = Files.walk(raw.resolve("tmp"))) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }

        Path ds = tmp.resolve("ds");
        DatasetReport report = new DatasetBuilder(new DatasetConfig(raw, ds, 1, 0.2, 1, Images.DEFAULT_MAX_PIXELS,
                0, Preparation.FACE_CROP)).build();
        assertThat(report.preparation()).isEqualTo(Preparation.FACE_CROP);
        ObjectMapper json = new ObjectMapper();
        List<ManifestEntry> all = Files.readAllLines(ds.resolve(Dataset.MANIFEST)).stream()
                .map(l -> read(json, l)).toList();
        List<ManifestEntry> kept = all.stream().filter(ManifestEntry::kept).toList();
        // Six pastes of one portrait: once cut around the face they are the same picture, so near-duplicates;
        // a paste whose face the cascade misses stays whole, and is then a picture of its own.
        long keptJohn = kept.stream().filter(e -> e.label().equals("john")).count();
        long keptWithFace = kept.stream().filter(e -> e.label().equals("john") && !e.face().isEmpty()).count();
        assertThat(report.faces()).isEqualTo((int) keptWithFace).isPositive();
        assertThat(all.stream().filter(e -> e.label().equals("john") && !e.kept()))
                .hasSize(6 - (int) keptJohn).allSatisfy(e -> assertThat(e.reason()).startsWith("near-duplicate"));
        assertThat(6 - (keptJohn - keptWithFace)).as("pastes whose face was found").isGreaterThanOrEqualTo(4);
        for (ManifestEntry e : kept) {
            BufferedImage stored = ImageIO.read(ds.resolve(e.split()).resolve(e.label()).resolve(e.id() + ".png").toFile());
            if (e.label().equals("john")) {
                int i = Integer.parseInt(e.source().replaceAll("\\D", ""));
                if (e.face().isEmpty()) {
                    assertThat(stored.getWidth()).isEqualTo(640);
                    continue;
                }
                String[] box = e.face().split(",");
                // the face sits at about (85..150, 30..110) of the pasted portrait
                assertThat(Integer.parseInt(box[0])).isBetween(40 + i * 60 + 70, 40 + i * 60 + 110);
                assertThat(Integer.parseInt(box[1])).isBetween(20 + i * 30 + 15, 20 + i * 30 + 60);
                assertThat(stored.getWidth()).isEqualTo(stored.getHeight()).isLessThan(200);
            } else {
                assertThat(e.face()).isEmpty();
                assertThat(stored.getWidth()).isEqualTo(160);
            }
        }

        // built again without face crop, the images are whole again: nothing from the cropped run survives
        DatasetReport whole = new DatasetBuilder(new DatasetConfig(raw, ds, 1, 0.2, 1, Images.DEFAULT_MAX_PIXELS,
                0, Preparation.WHOLE)).build();
        assertThat(whole.faces()).isZero();
        try (Stream<Path> johns = Stream.of("train", "val", "test").map(s -> ds.resolve(s).resolve("john"))
                .filter(Files::isDirectory).flatMap(FaceCropDatasetTest::list)) {
            assertThat(johns).hasSize(6).allSatisfy(p -> assertThat(ImageIO.read(p.toFile()).getWidth()).isEqualTo(640));
        }
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.list(dir).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ManifestEntry read(ObjectMapper json, String line) {
        try {
            return json.readValue(line, ManifestEntry.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
