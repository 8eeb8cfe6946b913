package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import net.lennonnet.app.LennonnetCliTest.Run;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.TinyGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze --occlusion}: a model answering by distances, which has no class activation map, gets heatmaps
 * beside its wrong answers in the error gallery by occlusion, and none without the option.
 */
class GalleryHeatmapsTest {

    @TempDir
    Path dir;

    @Test
    void aModelAnsweringByDistancesGetsOcclusionHeatmapsInItsGalleryOnlyWhenAsked() throws Exception {
        Path model = TinyGraphs.centreModel(dir.resolve("centre-model"), 32);
        Path images = Files.createDirectories(dir.resolve("others"));
        for (int i = 0; i < 3; i++) {
            Files.write(images.resolve("img" + i + ".png"), TestImages.encode(TestImages.solid(40 + i, 36,
                    java.awt.image.BufferedImage.TYPE_INT_RGB, new Color(40 * i, 200 - 30 * i, 90)), "png"));
        }
        for (boolean occlusion : new boolean[] {false, true}) {
            Path out = dir.resolve("analysis-" + occlusion);
            // threshold 0: every image is called john, so every one of these not_john images is a wrong answer
            Run r = occlusion
                    ? LennonnetCliTest.run("analyze", "--model", model.toString(), "--set", "others=" + images, "--out",
                            out.toString(), "--threshold", "0", "--occlusion")
                    : LennonnetCliTest.run("analyze", "--model", model.toString(), "--set", "others=" + images, "--out",
                            out.toString(), "--threshold", "0");
            assertThat(r.exit()).as(r.err()).isZero();
            String html = Files.readString(out.resolve("gallery.html"));
            assertThat(html).contains("img0.png", "img1.png", "img2.png");
            if (occlusion) {
                for (int i = 0; i < 3; i++) {
                    assertThat(html).contains("gallery/" + i + "-why.jpg");
                    assertThat(ImageIO.read(out.resolve("gallery/" + i + "-why.jpg").toFile())).isNotNull();
                }
            } else {
                assertThat(html).doesNotContain("-why.jpg");
            }
        }
    }
}
