package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import net.lennonnet.data.synthetic.DemoImages;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    static final String SHA = "cd".repeat(32);
    final BufferedImage image = new DemoImages(96).john(3, 1);

    static byte[] pixels(BufferedImage img) {
        return ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    }

    @Test
    void viewZeroIsTheImageAndOtherViewsAreReproducible() {
        Augmentation aug = new Augmentation(4, true, 0.2, 0.2);
        assertThat(aug.view(image, SHA, 0)).isSameAs(image);
        assertThat(pixels(aug.view(image, SHA, 2))).isEqualTo(pixels(aug.view(image, SHA, 2)));
        assertThat(pixels(aug.view(image, SHA, 1))).isNotEqualTo(pixels(aug.view(image, SHA, 2)));
        assertThat(pixels(aug.view(image, "ef".repeat(32), 1))).isNotEqualTo(pixels(aug.view(image, SHA, 1)));
        assertThat(aug.view(image, SHA, 3).getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    }

    @Test
    void withNothingToVaryAViewIsACopy() {
        Augmentation still = new Augmentation(2, false, 0, 0);
        assertThat(pixels(still.view(image, SHA, 1))).isEqualTo(pixels(image));
    }

    @Test
    void aFlipMirrorsTheImage() {
        Augmentation flipOnly = new Augmentation(32, true, 0, 0);
        int mirrored = 0;
        for (int v = 1; v < 32; v++) {
            BufferedImage view = flipOnly.view(image, SHA, v);
            if (view.getRGB(0, 40) == image.getRGB(95, 40) && view.getRGB(95, 70) == image.getRGB(0, 70)) {
                mirrored++;
            } else {
                assertThat(pixels(view)).isEqualTo(pixels(image));
            }
        }
        assertThat(mirrored).as("about half of 31 views").isBetween(8, 23);
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new Augmentation(0, true, 0, 0)).hasMessage("augmented views per image must be 1..32, got 0");
        assertThatThrownBy(() -> new Augmentation(2, true, 0.5, 0)).hasMessage("crop must be in [0, 0.3], got 0.5");
        assertThatThrownBy(() -> new Augmentation(2, true, 0.1, 0).view(image, SHA, 2)).hasMessage("view must be 0..1, got 2");
    }
}
