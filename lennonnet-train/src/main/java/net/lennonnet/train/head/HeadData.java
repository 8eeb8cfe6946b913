package net.lennonnet.train.head;

import java.util.Arrays;
import java.util.List;

/**
 * The rows a head is fitted on: one feature vector per image (or augmented view), whether it is john,
 * the image it came from (views of one image share it, so they never straddle a fold), and a weight
 * that balances the classes (each class weighs as much as the other in total).
 */
public final class HeadData {

    private final float[][] rows;
    private final boolean[] john;
    private final int[] image;
    private final double[] weight;

    /**
     * @param rows  feature vectors, all of one width
     * @param john  whether each row is john
     * @param image an id of the image each row came from
     */
    public HeadData(float[][] rows, boolean[] john, int[] image) {
        if (rows.length != john.length || rows.length != image.length) {
            throw new IllegalArgumentException("rows, labels and image ids must be as many, got " + rows.length + ", "
                    + john.length + ", " + image.length);
        }
        if (rows.length > 0 && Arrays.stream(rows).anyMatch(r -> r.length != rows[0].length)) {
            throw new IllegalArgumentException("feature rows must all have " + rows[0].length + " numbers");
        }
        this.rows = rows;
        this.john = john.clone();
        this.image = image.clone();
        int johnRows = 0;
        for (boolean b : john) {
            johnRows += b ? 1 : 0;
        }
        int otherRows = rows.length - johnRows;
        this.weight = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            weight[i] = rows.length / (2.0 * (john[i] ? johnRows : otherRows));
        }
    }

    /** The rows of several sets, one after the other; image ids are kept apart per set. */
    public static HeadData concat(List<HeadData> parts) {
        int n = parts.stream().mapToInt(HeadData::size).sum();
        float[][] rows = new float[n][];
        boolean[] john = new boolean[n];
        int[] image = new int[n];
        int at = 0;
        int imageOffset = 0;
        for (HeadData p : parts) {
            int maxImage = -1;
            for (int i = 0; i < p.size(); i++) {
                rows[at] = p.rows[i];
                john[at] = p.john[i];
                image[at] = imageOffset + p.image[i];
                maxImage = Math.max(maxImage, p.image[i]);
                at++;
            }
            imageOffset += maxImage + 1;
        }
        return new HeadData(rows, john, image);
    }

    public int size() {
        return rows.length;
    }

    public int width() {
        return rows.length == 0 ? 0 : rows[0].length;
    }

    public float[] row(int i) {
        return rows[i];
    }

    public boolean isJohn(int i) {
        return john[i];
    }

    public int image(int i) {
        return image[i];
    }

    /** The class-balancing weight of a row among all rows. */
    public double weight(int i) {
        return weight[i];
    }

    /** Every row index. */
    public int[] all() {
        int[] all = new int[rows.length];
        Arrays.setAll(all, i -> i);
        return all;
    }

    /** Distinct images of a class. */
    public int images(boolean ofJohn) {
        return (int) Arrays.stream(all()).filter(i -> john[i] == ofJohn).map(i -> image[i]).distinct().count();
    }
}
