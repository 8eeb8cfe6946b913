package net.lennonnet.model.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.List;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.face.FaceDetection;
import org.junit.jupiter.api.Test;

/**
 * A face chip's grid laid back onto the photo through the turn that cut the chip: each chip cell lands where
 * that part of the face is on the photo, the box's corners the chip does not cover are not read (NaN, null in
 * JSON, clear in the overlay).
 */
class HeatmapTest {

    /** A 7 x 7 chip grid whose cells are all different: row * 7 + column. */
    private static float[][] numbered() {
        float[][] grid = new float[7][7];
        for (int r = 0; r < 7; r++) {
            for (int c = 0; c < 7; c++) {
                grid[r][c] = r * 7 + c;
            }
        }
        return grid;
    }

    /** An upright face's six keypoints ({@code {x, y}} each) moved by {@code turn}. */
    private static List<FaceDetection.Point> turned(AffineTransform turn, double[][] upright) {
        return java.util.Arrays.stream(upright).map(p -> {
            Point2D q = turn.transform(new Point2D.Double(p[0], p[1]), null);
            return new FaceDetection.Point(q.getX(), q.getY());
        }).toList();
    }

    /** A face lying on its side: the eyes one above the other at x = 200, the nose to their left. */
    private static List<FaceDetection.Point> sideways() {
        return List.of(new FaceDetection.Point(200, 100), new FaceDetection.Point(200, 200),
                new FaceDetection.Point(141, 150), new FaceDetection.Point(110, 150),
                new FaceDetection.Point(170, 40), new FaceDetection.Point(170, 260));
    }

    @Test
    void eachChipCellLandsWhereThatPartOfTheFaceIsOnThePhoto() throws Exception {
        float[][] chip = numbered();
        for (double degrees : new double[] {0, 25, 90, -140}) {
            // a face turned by that angle about (300, 250), eyes 80 px apart
            AffineTransform turn = AffineTransform.getRotateInstance(Math.toRadians(degrees), 300, 250);
            List<FaceDetection.Point> keypoints = turned(turn, new double[][] {{260, 230}, {340, 230}, {300, 277},
                {300, 300}, {230, 250}, {370, 250}});
            AffineTransform toChip = FaceAlign.transform(keypoints);
            Heatmap map = Heatmap.throughAlignment(chip, toChip, FaceAlign.CHIP, 640, 480);
            AffineTransform toPhoto = toChip.createInverse();
            for (int r = 0; r < 7; r++) {
                for (int c = 0; c < 7; c++) {
                    Point2D centre = new Point2D.Double((c + 0.5) * FaceAlign.CHIP / 7, (r + 0.5) * FaceAlign.CHIP / 7);
                    Point2D onPhoto = toPhoto.transform(centre, null);
                    int[] cell = map.cellAt(onPhoto.getX(), onPhoto.getY()).orElseThrow();
                    assertThat(map.grid()[cell[0]][cell[1]]).as("chip cell %d,%d turned %s degrees", r, c, degrees)
                            .isEqualTo(chip[r][c]);
                }
            }
        }
    }

    @Test
    void aSidewaysFacesForeheadIsBesideItsEyesAwayFromTheNose() {
        float[][] chip = new float[7][7];
        chip[0][3] = 10; // the top middle of the chip: the forehead
        Heatmap map = Heatmap.throughAlignment(chip, FaceAlign.transform(sideways()), FaceAlign.CHIP, 640, 480);
        int[] hottest = {-1, -1};
        float best = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < map.rows(); r++) {
            for (int c = 0; c < map.columns(); c++) {
                if (map.grid()[r][c] > best) {
                    best = map.grid()[r][c];
                    hottest = new int[] {r, c};
                }
            }
        }
        double x = map.box().x() + (hottest[1] + 0.5) * map.box().width() / map.columns();
        double y = map.box().y() + (hottest[0] + 0.5) * map.box().height() / map.rows();
        assertThat(best).isEqualTo(10f);
        assertThat(x).as("the forehead is on the far side of the eyes from the nose").isGreaterThan(230);
        assertThat(y).as("between the eyes, up and down").isBetween(120.0, 180.0);
    }

    @Test
    void theCornersATurnedChipLeavesAreNotReadNullInJsonAndClearInTheOverlay() {
        AffineTransform turn = AffineTransform.getRotateInstance(Math.toRadians(45), 150, 150);
        List<FaceDetection.Point> keypoints = turned(turn, new double[][] {{110, 130}, {190, 130}, {150, 177},
            {150, 200}, {80, 150}, {220, 150}});
        Heatmap map = Heatmap.throughAlignment(numbered(), FaceAlign.transform(keypoints), FaceAlign.CHIP, 300, 300);
        assertThat(map.grid()[0][0]).as("a corner of the box outside the chip turned 45 degrees").isNaN();
        assertThat(map.grid()[map.rows() / 2][map.columns() / 2]).isNotNaN();
        @SuppressWarnings("unchecked")
        List<List<Float>> json = (List<List<Float>>) map.json().get("grid");
        assertThat(json.get(0).get(0)).isNull();
        assertThat(json.get(map.rows() / 2).get(map.columns() / 2)).isEqualTo(map.grid()[map.rows() / 2][map.columns() / 2]);
        assertThat(map.json()).containsEntry("box", map.box());

        BufferedImage photo = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = photo.createGraphics();
        g.setColor(new Color(0, 200, 0));
        g.fillRect(0, 0, 300, 300);
        g.dispose();
        BufferedImage drawn = Overlay.render(photo, map);
        // just inside the box's top-left corner (not on its outline): the photo as it was
        assertThat(new Color(drawn.getRGB(map.box().x() + 3, map.box().y() + 3))).isEqualTo(new Color(0, 200, 0));
        int cx = map.box().x() + map.box().width() / 2;
        int cy = map.box().y() + map.box().height() / 2;
        assertThat(new Color(drawn.getRGB(cx, cy))).as("the chip's middle is drawn over").isNotEqualTo(new Color(0, 200, 0));
    }

    @Test
    void aGridWithNothingReadIsRefused() {
        assertThatThrownBy(() -> new Heatmap(new float[][] {{Float.NaN, Float.NaN}}, new Heatmap.Box(0, 0, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one cell");
    }
}
