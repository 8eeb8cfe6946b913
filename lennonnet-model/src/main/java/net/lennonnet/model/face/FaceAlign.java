package net.lennonnet.model.face;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import net.lennonnet.model.image.Images;

/**
 * Face chips like dlib's: a face turned upright, scaled and placed so that its eyes and nose tip land
 * where dlib's 150 x 150 chips (padding 0.25) put them, by the similarity transform (rotation, one scale,
 * shift) that fits the detector's three keypoints to those places best in the least-squares sense.
 *
 * <p>The places come from dlib's five-point mean face: the eye centres are the means of each eye's two
 * corners, (0.2273, 0.2214) and (0.7528, 0.2212) of the unpadded unit square, which padding 0.25 maps to
 * (47.7, 47.1) and (100.3, 47.1) in the chip. dlib's fifth point is the base of the nose; BlazeFace gives
 * the nose tip, which sits higher in a frontal photo: 0.59 eye distances below the eyes on skimage's
 * astronaut (hand-measured, docs/data.md), hence (74.0, 78.0).
 */
public final class FaceAlign {

    /** The chip's edge in pixels. */
    public static final int CHIP = 150;
    /** Where the eye on the image's left, the eye on its right and the nose tip go in the chip. */
    public static final double[][] TEMPLATE = {{47.7, 47.1}, {100.3, 47.1}, {74.0, 78.0}};
    private static final int[] KEYPOINTS = {FaceDetection.LEFT_EYE, FaceDetection.RIGHT_EYE, FaceDetection.NOSE};

    private FaceAlign() {}

    /** The transform from the image's pixels to the chip's. */
    public static AffineTransform transform(FaceDetection face) {
        return transform(face.keypoints());
    }

    /**
     * The transform from the image's pixels to the chip's, from a face's six keypoints ({@link FaceDetection}) in
     * those pixels; keypoints scaled with the image give the transform of the scaled image.
     */
    public static AffineTransform transform(java.util.List<FaceDetection.Point> keypoints) {
        if (keypoints.size() != 6) {
            throw new IllegalArgumentException("alignment needs a face's 6 keypoints, got " + keypoints.size());
        }
        // x' = a x - b y + tx, y' = b x + a y + ty: the normal equations of the least-squares fit
        int n = KEYPOINTS.length;
        double mx = 0;
        double my = 0;
        double mu = 0;
        double mv = 0;
        for (int i = 0; i < n; i++) {
            FaceDetection.Point p = keypoints.get(KEYPOINTS[i]);
            mx += p.x() / n;
            my += p.y() / n;
            mu += TEMPLATE[i][0] / n;
            mv += TEMPLATE[i][1] / n;
        }
        double sxx = 0;
        double dot = 0;
        double cross = 0;
        for (int i = 0; i < n; i++) {
            FaceDetection.Point p = keypoints.get(KEYPOINTS[i]);
            double x = p.x() - mx;
            double y = p.y() - my;
            double u = TEMPLATE[i][0] - mu;
            double v = TEMPLATE[i][1] - mv;
            sxx += x * x + y * y;
            dot += x * u + y * v;
            cross += x * v - y * u;
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("the face's keypoints coincide: no alignment");
        }
        double a = dot / sxx;
        double b = cross / sxx;
        double tx = mu - (a * mx - b * my);
        double ty = mv - (b * mx + a * my);
        return new AffineTransform(a, b, -b, a, tx, ty);
    }

    /** The 150 x 150 chip of the face, bilinear, black outside the image. */
    public static BufferedImage chip(BufferedImage image, FaceDetection face) {
        BufferedImage chip = new BufferedImage(CHIP, CHIP, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = chip.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(Images.toBgr(image), transform(face), null);
        } finally {
            g.dispose();
        }
        return chip;
    }

    /**
     * A face the Haar cascade found, as a detection with keypoints where a frontal face's are within its
     * box (measured on skimage's astronaut against BlazeFace's, {@code BlazeFaceIT}): the eyes at 30% and
     * 70% of its width and 38% of its height, the nose tip at the centre, 62% down, the mouth 80% down,
     * the ears at its sides. Only the eyes and nose are used to align. Score 0: not a landmark detector's.
     */
    public static FaceDetection fromBox(FaceBox box) {
        double x = box.x();
        double y = box.y();
        double w = box.width();
        double h = box.height();
        java.util.List<FaceDetection.Point> k = java.util.List.of(
                new FaceDetection.Point(x + 0.30 * w, y + 0.38 * h), new FaceDetection.Point(x + 0.70 * w, y + 0.38 * h),
                new FaceDetection.Point(x + 0.50 * w, y + 0.62 * h), new FaceDetection.Point(x + 0.50 * w, y + 0.80 * h),
                new FaceDetection.Point(x + 0.05 * w, y + 0.50 * h), new FaceDetection.Point(x + 0.95 * w, y + 0.50 * h));
        return new FaceDetection(x, y, w, h, k, 0);
    }

    /**
     * The face to align: the landmark detector's largest, else, as a fallback, the largest face the box
     * detector finds with keypoints placed by {@link #fromBox}; empty when neither finds one.
     */
    public static java.util.Optional<FaceDetection> locate(BufferedImage image,
            java.util.function.Function<BufferedImage, java.util.Optional<FaceDetection>> landmarks,
            java.util.function.Function<BufferedImage, java.util.Optional<FaceBox>> boxes) {
        java.util.Optional<FaceDetection> found = landmarks.apply(image);
        return found.isPresent() ? found : boxes.apply(image).map(FaceAlign::fromBox);
    }

    /** Where a point of the image lands in the chip. */
    public static Point2D toChip(FaceDetection face, FaceDetection.Point p) {
        return transform(face).transform(new Point2D.Double(p.x(), p.y()), null);
    }
}
