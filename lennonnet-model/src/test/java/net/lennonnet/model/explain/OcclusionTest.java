package net.lennonnet.model.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import net.lennonnet.model.Explanation;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.TinyGraphs;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Occlusion maps, for the answers a class activation map cannot explain (a decision by the distance to the john
 * centre): the answer is {@code predict}'s, greying the drawn red square moves it more than greying grey, and
 * {@code explain} on such a model says to use occlusion instead of guessing.
 */
class OcclusionTest {

    @TempDir
    Path dir;

    /** A grey photo with a bright red square in its top left cell. */
    private static BufferedImage photo() {
        BufferedImage image = new BufferedImage(140, 140, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 140, 140);
        g.setColor(new Color(250, 20, 20));
        g.fillRect(0, 0, 20, 20);
        g.dispose();
        return image;
    }

    /** A tiny model whose answer is the calibrated distance of its 8 features to a centre. */
    private Path centreModel() throws IOException {
        return TinyGraphs.centreModel(dir.resolve("centre-model"), 32);
    }

    @Test
    void aDecisionByDistanceIsExplainedByOcclusionAndNotByAGuess() throws IOException {
        try (LennonNet net = LennonNet.load(centreModel())) {
            assertThatThrownBy(() -> net.explain(photo())).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("explainByOcclusion");
            Explanation e = net.explainByOcclusion(photo());
            assertThat(e.prediction().probabilityJohn()).isCloseTo(net.predict(photo()).probabilityJohn(), Offset.offset(1e-6));
            Heatmap map = e.heatmap();
            assertThat(map.rows()).isEqualTo(Occlusion.GRID);
            assertThat(map.columns()).isEqualTo(Occlusion.GRID);
            assertThat(map.box()).isEqualTo(new Heatmap.Box(0, 0, 140, 140));
            float red = Math.abs(map.grid()[0][0]);
            float grey = Math.abs(map.grid()[4][4]);
            assertThat(red).as("greying the red square").isGreaterThan(grey);
            assertThat(grey).as("greying grey with grey").isLessThan(1e-4f);
        }
    }

    @Test
    void theGridIsTheDropInLogOddsCellByCell() {
        double[] p = new double[Occlusion.GRID * Occlusion.GRID + 1];
        java.util.Arrays.fill(p, 0.5);
        p[0] = 0.8;
        p[1] = 0.2;
        float[][] grid = Occlusion.grid(p);
        assertThat(grid[0][0]).isCloseTo((float) (Math.log(4) - Math.log(0.25)), Offset.offset(1e-5f));
        assertThat(grid[0][1]).isCloseTo((float) Math.log(4), Offset.offset(1e-5f));
        assertThat(Occlusion.variants(photo())).hasSize(Occlusion.GRID * Occlusion.GRID + 1);
        assertThatThrownBy(() -> Occlusion.grid(new double[3])).hasMessageContaining("needs 50 answers");
    }
}
