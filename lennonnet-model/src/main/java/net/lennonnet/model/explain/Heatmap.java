package net.lennonnet.model.explain;

import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an answer came from: a grid of values over a box of the original photo, rows top to bottom and
 * columns left to right, each the log-odds of john against not_john that the head reads from that part
 * of the photo (higher: more john). Over a whole photo or a face crop, the grid is the network's own and its
 * mean is the answer's log-odds; a face-aligned model reads a turned chip, whose grid is laid back onto the
 * photo ({@link #throughAlignment}), and the cells of the box the chip does not cover are NaN: not read.
 *
 * @param grid {@code [rows][columns]}, at least 1 x 1, all rows the same length, at least one cell a number
 * @param box  the part of the original photo the grid covers, in its pixels
 */
public record Heatmap(float[][] grid, Box box) {

    /** A rectangle of the original photo, in pixels. */
    public record Box(int x, int y, int width, int height) {
        public Box {
            if (x < 0 || y < 0 || width < 1 || height < 1) {
                throw new IllegalArgumentException("a box needs x, y >= 0 and a positive size, got " + x + "," + y + " "
                        + width + "x" + height);
            }
        }
    }

    public Heatmap {
        Objects.requireNonNull(box, "box");
        if (grid == null || grid.length == 0 || grid[0].length == 0) {
            throw new IllegalArgumentException("a heatmap needs at least one cell");
        }
        boolean read = false;
        for (float[] row : grid) {
            if (row.length != grid[0].length) {
                throw new IllegalArgumentException("a heatmap's rows must be the same length");
            }
            for (float v : row) {
                read |= !Float.isNaN(v);
            }
        }
        if (!read) {
            throw new IllegalArgumentException("a heatmap needs at least one cell the network read (not NaN)");
        }
    }

    /** Output cells per chip cell, along each side, when a chip's grid is laid onto the photo. */
    private static final int FINER = 3;
    /** The most cells a side of a laid-back grid gets. */
    private static final int MOST = 64;

    /**
     * A face chip's grid laid back onto the photo the chip was cut from: a finer grid over the part of the
     * photo the turned chip covers (its corners' bounding box, within the photo), each cell the value of the
     * chip cell its centre falls in, NaN where it falls outside the chip.
     *
     * @param chipGrid    the grid over the whole chip, rows top to bottom of the chip
     * @param photoToChip the transform that cut the chip (a rotation, one scale and a shift)
     * @param chipSide    the chip's edge in its pixels
     * @param photoWidth  the photo's width in pixels
     * @param photoHeight the photo's height in pixels
     */
    public static Heatmap throughAlignment(float[][] chipGrid, AffineTransform photoToChip, int chipSide,
            int photoWidth, int photoHeight) {
        AffineTransform chipToPhoto;
        try {
            chipToPhoto = photoToChip.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("the chip's transform cannot be inverted: " + photoToChip, e);
        }
        double[] corners = {0, 0, chipSide, 0, chipSide, chipSide, 0, chipSide};
        chipToPhoto.transform(corners, 0, corners, 0, 4);
        double left = Double.POSITIVE_INFINITY;
        double top = Double.POSITIVE_INFINITY;
        double right = Double.NEGATIVE_INFINITY;
        double bottom = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 8; i += 2) {
            left = Math.min(left, corners[i]);
            right = Math.max(right, corners[i]);
            top = Math.min(top, corners[i + 1]);
            bottom = Math.max(bottom, corners[i + 1]);
        }
        int x0 = (int) Math.max(0, Math.floor(left));
        int y0 = (int) Math.max(0, Math.floor(top));
        int x1 = (int) Math.min(photoWidth, Math.ceil(right));
        int y1 = (int) Math.min(photoHeight, Math.ceil(bottom));
        if (x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException("the chip lies outside the " + photoWidth + " x " + photoHeight + " photo");
        }
        int chipRows = chipGrid.length;
        int chipColumns = chipGrid[0].length;
        // a chip cell's edge in the photo's pixels, then FINER cells to it
        double scale = Math.sqrt(Math.abs(photoToChip.getDeterminant()));
        double cell = chipSide / scale / Math.max(chipRows, chipColumns) / FINER;
        int columns = (int) Math.max(1, Math.min(MOST, Math.ceil((x1 - x0) / cell)));
        int rows = (int) Math.max(1, Math.min(MOST, Math.ceil((y1 - y0) / cell)));
        float[][] grid = new float[rows][columns];
        double[] at = new double[2];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                at[0] = x0 + (c + 0.5) * (x1 - x0) / columns;
                at[1] = y0 + (r + 0.5) * (y1 - y0) / rows;
                photoToChip.transform(at, 0, at, 0, 1);
                boolean inside = at[0] >= 0 && at[1] >= 0 && at[0] < chipSide && at[1] < chipSide;
                grid[r][c] = inside ? chipGrid[(int) (at[1] * chipRows / chipSide)][(int) (at[0] * chipColumns / chipSide)]
                        : Float.NaN;
            }
        }
        return new Heatmap(grid, new Box(x0, y0, x1 - x0, y1 - y0));
    }

    /**
     * The heatmap as JSON carries it: {@code {"grid": [[...], ...], "box": {"x", "y", "width", "height"}}},
     * a cell the network did not read as null.
     */
    public Map<String, Object> json() {
        List<List<Float>> rows = new ArrayList<>(grid.length);
        for (float[] row : grid) {
            List<Float> cells = new ArrayList<>(row.length);
            for (float v : row) {
                cells.add(Float.isNaN(v) ? null : v);
            }
            rows.add(cells);
        }
        return Map.of("grid", rows, "box", box);
    }

    public int rows() {
        return grid.length;
    }

    public int columns() {
        return grid[0].length;
    }

    /** The cell of the grid a point of the original photo falls in, as {@code [row, column]}; empty outside the box. */
    public Optional<int[]> cellAt(double x, double y) {
        if (x < box.x() || y < box.y() || x >= box.x() + box.width() || y >= box.y() + box.height()) {
            return Optional.empty();
        }
        int column = Math.min(columns() - 1, (int) ((x - box.x()) * columns() / box.width()));
        int row = Math.min(rows() - 1, (int) ((y - box.y()) * rows() / box.height()));
        return Optional.of(new int[] {row, column});
    }
}
