package net.lennonnet.data.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DemoImagesTest {

    private static byte[] pixels(BufferedImage img) {
        return ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    }

    @Test
    void sameSeedSamePixelsOtherIndexOtherPixels() {
        DemoImages images = new DemoImages(96);
        assertThat(pixels(images.john(4, 7))).isEqualTo(pixels(new DemoImages(96).john(4, 7)));
        assertThat(Arrays.equals(pixels(images.john(4, 7)), pixels(images.john(4, 8)))).isFalse();
        assertThat(Arrays.equals(pixels(images.notJohn(4, 7)), pixels(images.notJohn(5, 7)))).isFalse();
    }

    @Test
    void refusesSillySizes() {
        assertThatThrownBy(() -> new DemoImages(8)).hasMessage("image size must be 32..1024 pixels, got 8");
    }
}
