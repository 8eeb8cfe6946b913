package net.lennonnet.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The shipped example pictures are the ones the demo generator draws (ServeExamples regenerates them). */
class ServeExamplesTest {

    @Test
    void theShippedExamplesAreTheDrawnOnes() throws IOException {
        for (var e : ServeExamples.draw().entrySet()) {
            BufferedImage shipped;
            try (InputStream in = WebServer.class.getResourceAsStream("examples/" + e.getKey())) {
                assertThat(in).as(e.getKey() + " is shipped").isNotNull();
                shipped = ImageIO.read(in);
            }
            BufferedImage drawn = e.getValue();
            assertThat(shipped.getWidth()).isEqualTo(drawn.getWidth());
            assertThat(shipped.getHeight()).isEqualTo(drawn.getHeight());
            for (int y = 0; y < drawn.getHeight(); y++) {
                for (int x = 0; x < drawn.getWidth(); x++) {
                    assertThat(shipped.getRGB(x, y) & 0xFFFFFF).as("%s at %d,%d (regenerate with ServeExamples)",
                            e.getKey(), x, y).isEqualTo(drawn.getRGB(x, y) & 0xFFFFFF);
                }
            }
        }
    }
}
