package net.lennonnet.model.explain;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A heatmap drawn over the photo it explains: each cell of the grid over its box, red where the photo reads
 * as john (log-odds above the grid's middle), blue where it reads as not_john, the strength by distance from
 * it; smoothed by bilinear scaling; cells the network did not read (NaN) left clear; the box outlined. The photo
 * is not changed.
 */
public final class Overlay {

    private static final float OPACITY = 0.5f;

    private Overlay() {}

    /** A copy of {@code photo} (RGB) with {@code map} drawn over its box. */
    public static BufferedImage render(BufferedImage photo, Heatmap map) {
        BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(photo, 0, 0, null);
            BufferedImage cells = cells(map);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, OPACITY));
            Heatmap.Box b = map.box();
            g.drawImage(cells, b.x(), b.y(), b.width(), b.height(), null);
            g.setComposite(AlphaComposite.SrcOver);
            g.setColor(Color.WHITE);
            g.drawRect(b.x(), b.y(), Math.max(0, b.width() - 1), Math.max(0, b.height() - 1));
        } finally {
            g.dispose();
        }
        return out;
    }

    /** One pixel per cell: red above the middle of the grid's range, blue below, by how far; clear where NaN. */
    static BufferedImage cells(Heatmap map) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float[] row : map.grid()) {
            for (float v : row) {
                if (Float.isNaN(v)) {
                    continue;
                }
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        float middle = (min + max) / 2;
        float half = Math.max((max - min) / 2, 1e-6f);
        BufferedImage cells = new BufferedImage(map.columns(), map.rows(), BufferedImage.TYPE_INT_ARGB);
        for (int r = 0; r < map.rows(); r++) {
            for (int c = 0; c < map.columns(); c++) {
                float v = map.grid()[r][c];
                if (Float.isNaN(v)) {
                    cells.setRGB(c, r, 0); // fully transparent
                    continue;
                }
                float t = Math.max(-1, Math.min(1, (v - middle) / half));
                int strength = Math.round(255 * Math.abs(t));
                cells.setRGB(c, r, t >= 0 ? new Color(255, 255 - strength, 255 - strength).getRGB()
                        : new Color(255 - strength, 255 - strength, 255).getRGB());
            }
        }
        return cells;
    }
}
