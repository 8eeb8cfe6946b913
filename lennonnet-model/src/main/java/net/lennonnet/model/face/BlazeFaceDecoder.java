package net.lennonnet.model.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns BlazeFace's raw outputs into faces: the anchor decoding and the suppression of overlapping
 * detections, apart from any inference engine so that both can be tested on numbers worked out by hand.
 *
 * <p>The front (short-range) model reads a 128 x 128 image and predicts, for each of 896 anchors, a
 * score logit and 16 numbers: the box centre offset and size, then six keypoint offsets, all in input
 * pixels relative to the anchor's centre. The anchors lie on two grids: 16 x 16 cells with 2 anchors
 * each (stride 8), then 8 x 8 cells with 6 anchors each (stride 16); an anchor's centre is its cell's
 * centre, and within a grid anchors are ordered by row, then column, then anchor.
 */
public final class BlazeFaceDecoder {

    /** Input edge of the front model. */
    public static final int INPUT = 128;
    /** Cells per row and anchors per cell of the two grids. */
    static final int[][] GRIDS = {{16, 2}, {8, 6}};
    /** Anchors in all: 16 x 16 x 2 + 8 x 8 x 6. */
    public static final int ANCHORS = 896;
    /** Numbers per anchor in the box output. */
    public static final int VALUES = 16;

    private BlazeFaceDecoder() {}

    /** The centre of every anchor, in units of the input edge (0..1), in output order: {x0, y0, x1, y1, ...}. */
    static double[] anchorCentres() {
        double[] centres = new double[ANCHORS * 2];
        int i = 0;
        for (int[] grid : GRIDS) {
            int cells = grid[0];
            for (int row = 0; row < cells; row++) {
                for (int col = 0; col < cells; col++) {
                    for (int a = 0; a < grid[1]; a++) {
                        centres[i++] = (col + 0.5) / cells;
                        centres[i++] = (row + 0.5) / cells;
                    }
                }
            }
        }
        return centres;
    }

    /**
     * How the 128 x 128 input was made from the image: scaled by {@code scale} and placed at
     * ({@code padX}, {@code padY}) in input pixels (letterboxed). Maps input pixels back to the image's.
     */
    public record Frame(double scale, double padX, double padY) {

        /** The letterbox of a {@code width x height} image in the square input: whole image, centred. */
        public static Frame letterbox(int width, int height) {
            double scale = (double) INPUT / Math.max(width, height);
            return new Frame(scale, (INPUT - width * scale) / 2, (INPUT - height * scale) / 2);
        }

        double imageX(double inputX) {
            return (inputX - padX) / scale;
        }

        double imageY(double inputY) {
            return (inputY - padY) / scale;
        }
    }

    /**
     * Decodes every anchor whose score reaches {@code minScore}.
     *
     * @param scoreLogits {@value #ANCHORS} raw scores (before the sigmoid)
     * @param boxes       {@value #ANCHORS} x {@value #VALUES} raw box values
     * @param frame       how the input was made from the image
     */
    public static List<FaceDetection> decode(float[] scoreLogits, float[] boxes, Frame frame, double minScore) {
        if (scoreLogits.length != ANCHORS || boxes.length != ANCHORS * VALUES) {
            throw new IllegalArgumentException("BlazeFace front outputs are " + ANCHORS + " scores and " + ANCHORS * VALUES
                    + " box values, got " + scoreLogits.length + " and " + boxes.length);
        }
        double[] centres = anchorCentres();
        List<FaceDetection> out = new ArrayList<>();
        for (int i = 0; i < ANCHORS; i++) {
            double score = 1 / (1 + Math.exp(-scoreLogits[i]));
            if (score < minScore) {
                continue;
            }
            double ax = centres[2 * i] * INPUT;
            double ay = centres[2 * i + 1] * INPUT;
            int b = i * VALUES;
            double cx = ax + boxes[b];
            double cy = ay + boxes[b + 1];
            double w = boxes[b + 2];
            double h = boxes[b + 3];
            if (!(w > 0 && h > 0)) {
                continue;
            }
            List<FaceDetection.Point> keypoints = new ArrayList<>(6);
            for (int k = 0; k < 6; k++) {
                keypoints.add(new FaceDetection.Point(frame.imageX(ax + boxes[b + 4 + 2 * k]),
                        frame.imageY(ay + boxes[b + 5 + 2 * k])));
            }
            out.add(new FaceDetection(frame.imageX(cx - w / 2), frame.imageY(cy - h / 2), w / frame.scale(),
                    h / frame.scale(), keypoints, score));
        }
        return out;
    }

    /**
     * Weighted non-maximum suppression, as MediaPipe blends its face detections: take the highest-scoring
     * detection and every remaining one that overlaps it by more than {@code iouThreshold}; replace the
     * cluster by the score-weighted mean of its boxes and keypoints, with the top score; repeat.
     *
     * @return one detection per face, highest score first
     */
    public static List<FaceDetection> suppress(List<FaceDetection> detections, double iouThreshold) {
        List<FaceDetection> left = new ArrayList<>(detections);
        left.sort(Comparator.comparingDouble(FaceDetection::score).reversed());
        List<FaceDetection> out = new ArrayList<>();
        while (!left.isEmpty()) {
            FaceDetection top = left.get(0);
            List<FaceDetection> cluster = new ArrayList<>();
            List<FaceDetection> rest = new ArrayList<>();
            for (FaceDetection d : left) {
                (d == top || top.iou(d) > iouThreshold ? cluster : rest).add(d);
            }
            out.add(blend(cluster, top.score()));
            left = rest;
        }
        return out;
    }

    private static FaceDetection blend(List<FaceDetection> cluster, double score) {
        if (cluster.size() == 1) {
            return cluster.get(0);
        }
        double total = cluster.stream().mapToDouble(FaceDetection::score).sum();
        double x = 0;
        double y = 0;
        double w = 0;
        double h = 0;
        double[] k = new double[12];
        for (FaceDetection d : cluster) {
            double weight = d.score() / total;
            x += weight * d.x();
            y += weight * d.y();
            w += weight * d.width();
            h += weight * d.height();
            for (int i = 0; i < 6; i++) {
                k[2 * i] += weight * d.keypoints().get(i).x();
                k[2 * i + 1] += weight * d.keypoints().get(i).y();
            }
        }
        List<FaceDetection.Point> keypoints = new ArrayList<>(6);
        for (int i = 0; i < 6; i++) {
            keypoints.add(new FaceDetection.Point(k[2 * i], k[2 * i + 1]));
        }
        return new FaceDetection(x, y, w, h, keypoints, score);
    }
}
