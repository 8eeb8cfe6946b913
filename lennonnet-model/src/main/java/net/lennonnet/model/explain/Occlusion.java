package net.lennonnet.model.explain;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Occlusion sensitivity, for answers that are not linear in the maps (a decision by distances): a grey patch
 * laid over each cell of a {@value #GRID} x {@value #GRID} grid of the image the network reads, one copy per
 * cell, and the answer's log-odds without the patch minus with it: how much that part of the image held the
 * answer up (higher: more john). {@value #GRID}² + 1 answers per image, in batches: opt-in, about 25 times
 * the cost of one answer.
 */
public final class Occlusion {

    /** Cells per side. */
    public static final int GRID = 7;
    /** The patch: mid grey, the colour nothing in particular is. */
    static final Color GREY = new Color(128, 128, 128);

    private Occlusion() {}

    /** The image, then one copy per cell (row by row) with that cell greyed. */
    public static List<BufferedImage> variants(BufferedImage prepared) {
        List<BufferedImage> out = new ArrayList<>(GRID * GRID + 1);
        out.add(prepared);
        int w = prepared.getWidth();
        int h = prepared.getHeight();
        for (int r = 0; r < GRID; r++) {
            for (int c = 0; c < GRID; c++) {
                BufferedImage copy = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = copy.createGraphics();
                g.drawImage(prepared, 0, 0, null);
                g.setColor(GREY);
                int x0 = c * w / GRID;
                int y0 = r * h / GRID;
                g.fillRect(x0, y0, (c + 1) * w / GRID - x0, (r + 1) * h / GRID - y0);
                g.dispose();
                out.add(copy);
            }
        }
        return out;
    }

    /** The grid from the answers to {@link #variants}: P(john) of the image first, then of each greyed copy. */
    public static float[][] grid(double[] pJohn) {
        if (pJohn.length != GRID * GRID + 1) {
            throw new IllegalArgumentException("occlusion needs " + (GRID * GRID + 1) + " answers, got " + pJohn.length);
        }
        double whole = logOdds(pJohn[0]);
        float[][] grid = new float[GRID][GRID];
        for (int i = 0; i < GRID * GRID; i++) {
            grid[i / GRID][i % GRID] = (float) (whole - logOdds(pJohn[i + 1]));
        }
        return grid;
    }

    /** log(p / (1 - p)), kept finite at 0 and 1. */
    public static double logOdds(double p) {
        double q = Math.min(1 - 1e-12, Math.max(1e-12, p));
        return Math.log(q / (1 - q));
    }
}
