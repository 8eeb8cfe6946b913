package net.lennonnet.model.explain;

import java.util.Objects;

/**
 * Where an answer came from: a grid of values over a box of the original photo, rows top to bottom and
 * columns left to right, each the log-odds of john against not_john that the head reads from that part
 * of the photo (higher: more john); the grid's mean is the answer's log-odds.
 *
 * @param grid {@code [rows][columns]}, at least 1 x 1, all rows the same length
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
        for (float[] row : grid) {
            if (row.length != grid[0].length) {
                throw new IllegalArgumentException("a heatmap's rows must be the same length");
            }
        }
    }

    public int rows() {
        return grid.length;
    }

    public int columns() {
        return grid[0].length;
    }

    /** The cell of the grid a point of the original photo falls in, as {@code [row, column]}; empty outside the box. */
    public java.util.Optional<int[]> cellAt(double x, double y) {
        if (x < box.x() || y < box.y() || x >= box.x() + box.width() || y >= box.y() + box.height()) {
            return java.util.Optional.empty();
        }
        int column = Math.min(columns() - 1, (int) ((x - box.x()) * columns() / box.width()));
        int row = Math.min(rows() - 1, (int) ((y - box.y()) * rows() / box.height()));
        return java.util.Optional.of(new int[] {row, column});
    }
}
