package net.lennonnet.train.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scraped URLs in the error gallery are untrusted: only http(s) ones become links. */
class GalleryTest {

    @Test
    void onlyWebUrlsBecomeLinks(@TempDir Path tmp) throws IOException {
        Path image = tmp.resolve("a.png");
        ImageIO.write(new BufferedImage(20, 20, BufferedImage.TYPE_3BYTE_BGR), "png", image.toFile());
        List<ScoredImage> images = List.of(
                new ScoredImage(image.toString(), "id1", 0.9, "not_john", "javascript:alert(document.cookie)",
                        "JavaScript:fetch('//evil')"),
                new ScoredImage(image.toString(), "id2", 0.8, "not_john", "data:text/html,<script>x</script>", "file:///etc/passwd"),
                new ScoredImage(image.toString(), "id3", 0.7, "not_john", "https://example.org/a.jpg",
                        "http://example.org/page?a=1&b=\"2\""));
        Gallery.write(tmp.resolve("out"), "gallery", images, 0.5, Optional.empty());
        String html = Files.readString(tmp.resolve("out").resolve(Gallery.HTML)).toLowerCase(java.util.Locale.ROOT);
        assertThat(html).doesNotContain("href=\"javascript", "href=\"data:", "href=\"file:");
        assertThat(html).contains("href=\"https://example.org/a.jpg\"", "href=\"http://example.org/page?a=1&amp;b=&quot;2&quot;\"");
    }

    @Test
    void wrongAnswersGetTheirHeatmapBesideThemAndRightOnesDoNot(@TempDir Path tmp) throws IOException {
        Path wrong = tmp.resolve("wrong.png");
        Path right = tmp.resolve("right.png");
        ImageIO.write(new BufferedImage(20, 20, BufferedImage.TYPE_3BYTE_BGR), "png", wrong.toFile());
        ImageIO.write(new BufferedImage(20, 20, BufferedImage.TYPE_3BYTE_BGR), "png", right.toFile());
        List<ScoredImage> images = List.of(new ScoredImage(wrong.toString(), "w", 0.9, "not_john", "", ""),
                new ScoredImage(right.toString(), "r", 0.1, "not_john", "", ""));
        List<Path> asked = new java.util.ArrayList<>();
        Gallery.write(tmp.resolve("out"), "gallery", images, 0.5, Optional.empty(), image -> {
            asked.add(image);
            return Optional.of(new BufferedImage(30, 30, BufferedImage.TYPE_INT_RGB));
        });
        String html = Files.readString(tmp.resolve("out").resolve(Gallery.HTML));
        assertThat(asked).as("only the wrong answer, once, though it is in both sections").containsExactly(wrong);
        assertThat(html).contains("src=\"gallery/0-why.jpg\"").doesNotContain("1-why.jpg");
        assertThat(tmp.resolve("out/gallery/0-why.jpg")).exists();

        // a model without heatmaps: asked once, then no more, and no image
        List<Path> none = new java.util.ArrayList<>();
        Gallery.write(tmp.resolve("none"), "gallery", images, 0.5, Optional.empty(), image -> {
            none.add(image);
            return Optional.empty();
        });
        assertThat(none).hasSize(1);
        assertThat(Files.readString(tmp.resolve("none").resolve(Gallery.HTML))).doesNotContain("-why.jpg");
    }
}
