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

    /** The marks are the john's own hair and glasses: where they are white, the john has hair or gold frames. */
    @Test
    void aJohnsMarksAreWhereHisHairAndGlassesAre() {
        DemoImages images = new DemoImages(160);
        BufferedImage john = images.john(3, 5);
        BufferedImage marks = images.johnMarks(3, 5);
        int white = 0;
        int black = 0;
        double whiteDistance = 0;
        double blackDistance = 0;
        for (int y = 0; y < 160; y++) {
            for (int x = 0; x < 160; x++) {
                int m = marks.getRGB(x, y) & 0xff;
                if (m != 0 && m != 255) {
                    continue; // anti-aliased edges
                }
                // how far the john's pixel is from the hair or the frames' colours, whichever is nearer
                int rgb = john.getRGB(x, y);
                double d = Math.min(distanceToHair(rgb), distance(rgb, 0xB8860B));
                if (m == 255) {
                    white++;
                    whiteDistance += d;
                } else {
                    black++;
                    blackDistance += d;
                }
            }
        }
        assertThat(white).as("marked pixels").isBetween(160 * 160 / 20, 160 * 160 * 6 / 10);
        assertThat(whiteDistance / white).as("marked pixels look like hair or frames")
                .isLessThan(blackDistance / black / 2);
    }

    private static double distanceToHair(int rgb) {
        double best = Double.MAX_VALUE;
        for (java.awt.Color c : DemoImages.HAIR) {
            best = Math.min(best, distance(rgb, c.getRGB()));
        }
        return best;
    }

    private static double distance(int a, int b) {
        int dr = (a >> 16 & 0xff) - (b >> 16 & 0xff);
        int dg = (a >> 8 & 0xff) - (b >> 8 & 0xff);
        int db = (a & 0xff) - (b & 0xff);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    @Test
    void refusesSillySizes() {
        assertThatThrownBy(() -> new DemoImages(8)).hasMessage("image size must be 32..1024 pixels, got 8");
    }
}
