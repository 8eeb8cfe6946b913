package net.lennonnet.model.face;

import java.util.List;

/**
 * A face a landmark detector found, in the searched image's pixel coordinates (top-left origin).
 *
 * @param x         left edge
 * @param y         top edge
 * @param width     box width
 * @param height    box height
 * @param keypoints six points, x then y: the eye on the image's left, the eye on the image's right, the
 *                  nose tip, the mouth centre, the ear on the image's left, the ear on the image's right
 * @param score     the detector's confidence, 0..1
 */
public record FaceDetection(double x, double y, double width, double height, List<Point> keypoints, double score) {

    /** A point in image pixels. */
    public record Point(double x, double y) {}

    public static final int LEFT_EYE = 0;
    public static final int RIGHT_EYE = 1;
    public static final int NOSE = 2;
    public static final int MOUTH = 3;

    public FaceDetection {
        if (!(width > 0 && height > 0)) {
            throw new IllegalArgumentException("a face box needs a positive size, got " + width + "x" + height);
        }
        if (keypoints == null || keypoints.size() != 6) {
            throw new IllegalArgumentException("a face detection has 6 keypoints, got " + keypoints);
        }
        keypoints = List.copyOf(keypoints);
    }

    public double area() {
        return width * height;
    }

    /** Intersection over union of the two boxes. */
    public double iou(FaceDetection other) {
        double ix = Math.max(0, Math.min(x + width, other.x + other.width) - Math.max(x, other.x));
        double iy = Math.max(0, Math.min(y + height, other.y + other.height) - Math.max(y, other.y));
        double inter = ix * iy;
        return inter / (area() + other.area() - inter);
    }

    /** The box clipped to an image of the given size, in whole pixels; empty when nothing is left. */
    public java.util.Optional<FaceBox> box(int imageWidth, int imageHeight) {
        int left = (int) Math.max(0, Math.floor(x));
        int top = (int) Math.max(0, Math.floor(y));
        int right = (int) Math.min(imageWidth, Math.ceil(x + width));
        int bottom = (int) Math.min(imageHeight, Math.ceil(y + height));
        return right > left && bottom > top ? java.util.Optional.of(new FaceBox(left, top, right - left, bottom - top))
                : java.util.Optional.empty();
    }
}
