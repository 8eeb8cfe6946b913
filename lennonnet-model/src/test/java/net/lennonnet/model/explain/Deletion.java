package net.lennonnet.model.explain;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.lennonnet.model.Explanation;
import net.lennonnet.model.LennonNet;

/**
 * The deletion test of a heatmap, for one image: the tenth of the grid's cells that read most as john painted
 * grey, the image answered again, and the drop in log-odds; beside it the mean drop when a random tenth is
 * greyed (ten draws). A heatmap that shows what the model reads has the first far above the second. On a photo
 * ({@link #of}) the model prepares each greyed copy again (finding the face anew); on the image the network
 * reads ({@link #ofPrepared}: a face crop or chip, explained as it is) nothing moves but the grey.
 */
public final class Deletion {

    private static final Color GREY = new Color(128, 128, 128);
    private static final int DRAWS = 10;

    private Deletion() {}

    /**
     * One photo's drops in log-odds, greying the hottest tenth and a random tenth (mean of ten draws), and the same
     * two drops in P(john), the measure issue 23 names (it saturates: an answer far from the threshold barely moves).
     */
    public record Drops(double top, double random, double topP, double randomP) {}

    public static Drops of(LennonNet net, BufferedImage photo, Explanation explanation, Random random) {
        return drops(photo, explanation, random, image -> net.predict(image).probabilityJohn());
    }

    /** The test on a prepared image (the explanation {@code explainPrepared}'s or {@code explainByOcclusionPrepared}'s). */
    public static Drops ofPrepared(LennonNet net, BufferedImage prepared, Explanation explanation, Random random) {
        return drops(prepared, explanation, random, image -> net.predictPrepared(image).probabilityJohn());
    }

    private static Drops drops(BufferedImage photo, Explanation explanation, Random random,
            java.util.function.ToDoubleFunction<BufferedImage> pJohn) {
        Heatmap map = explanation.heatmap();
        double p = explanation.prediction().probabilityJohn();
        double before = Occlusion.logOdds(p);
        int cells = map.rows() * map.columns();
        int tenth = Math.max(1, Math.round(cells / 10f));
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < cells; c++) {
            order.add(c);
        }
        order.sort(Comparator.comparingDouble(c -> -map.grid()[c / map.columns()][c % map.columns()]));
        double topAfter = pJohn.applyAsDouble(greyed(photo, map, order.subList(0, tenth)));
        double rand = 0;
        double randP = 0;
        for (int draw = 0; draw < DRAWS; draw++) {
            Collections.shuffle(order, random);
            double after = pJohn.applyAsDouble(greyed(photo, map, order.subList(0, tenth)));
            rand += before - Occlusion.logOdds(after);
            randP += p - after;
        }
        return new Drops(before - Occlusion.logOdds(topAfter), rand / DRAWS, p - topAfter, randP / DRAWS);
    }

    /**
     * The largest drop in log-odds greying a tenth of a {@code grid} x {@code grid} grid over a prepared image can make,
     * as far as a greedy search finds (cell by cell, each time the one that lowers the answer most): what the best
     * heatmap on that grid could reach, approximately (the search finds a lower bound of the true best).
     */
    public static double greedyBest(LennonNet net, BufferedImage prepared, int grid) {
        Heatmap cells = new Heatmap(new float[grid][grid], new Heatmap.Box(0, 0, prepared.getWidth(), prepared.getHeight()));
        double before = Occlusion.logOdds(net.predictPrepared(prepared).probabilityJohn());
        int tenth = Math.max(1, Math.round(grid * grid / 10f));
        List<Integer> chosen = new ArrayList<>();
        double after = before;
        for (int step = 0; step < tenth; step++) {
            int best = -1;
            double lowest = Double.POSITIVE_INFINITY;
            for (int c = 0; c < grid * grid; c++) {
                if (chosen.contains(c)) {
                    continue;
                }
                List<Integer> tried = new ArrayList<>(chosen);
                tried.add(c);
                double logOdds = Occlusion.logOdds(net.predictPrepared(greyed(prepared, cells, tried)).probabilityJohn());
                if (logOdds < lowest) {
                    lowest = logOdds;
                    best = c;
                }
            }
            chosen.add(best);
            after = lowest;
        }
        return before - after;
    }

    /** A copy of {@code photo} with the given cells of the map's grid painted grey. */
    static BufferedImage greyed(BufferedImage photo, Heatmap map, List<Integer> cells) {
        BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(photo, 0, 0, null);
        g.setColor(GREY);
        Heatmap.Box b = map.box();
        for (int c : cells) {
            int row = c / map.columns();
            int column = c % map.columns();
            int x0 = b.x() + column * b.width() / map.columns();
            int x1 = b.x() + (column + 1) * b.width() / map.columns();
            int y0 = b.y() + row * b.height() / map.rows();
            int y1 = b.y() + (row + 1) * b.height() / map.rows();
            g.fillRect(x0, y0, x1 - x0, y1 - y0);
        }
        g.dispose();
        return out;
    }
}
