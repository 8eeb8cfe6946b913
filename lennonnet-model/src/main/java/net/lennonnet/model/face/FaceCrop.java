package net.lennonnet.model.face;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * The optional face-crop step of the one preprocessing path: find the largest frontal face with
 * OpenCV's Haar cascade ({@code haarcascade_frontalface_alt2}, shipped in the OpenCV jar DataVec
 * already brings) and cut a square around it wide enough to keep the hair and glasses, the cues that
 * tell the Beatles apart. An image without a detectable face is used whole, so potatoes and chairs
 * still reach the network.
 *
 * <p>Thread-safe: detection on the shared classifier is serialised.
 */
public final class FaceCrop {

    /** Side of the crop as a multiple of the face box's longer side. */
    static final double CONTEXT = 2.0;
    /** Faces smaller than this share of the image's shorter side are ignored (crowds, posters). */
    static final double MIN_FACE_SHARE = 0.1;
    /** Overlapping detections a face needs; 3 (OpenCV's default) let a 219-pixel false face through in tests. */
    private static final int MIN_NEIGHBOURS = 5;
    private static final int DETECT_SIDE = 512;
    private static final String CASCADE = "haarcascade_frontalface_alt2.xml";
    private static CascadeClassifier classifier;

    private FaceCrop() {}

    /** An image prepared for the network: the pixels to use and the face they were cut around, if any. */
    public record Prepared(BufferedImage image, Optional<FaceBox> face, java.util.List<FaceDetection.Point> keypoints) {

        /** Prepared without keypoints (the Haar cascade finds none). */
        public Prepared(BufferedImage image, Optional<FaceBox> face) {
            this(image, face, java.util.List.of());
        }

        public Prepared {
            keypoints = keypoints == null ? java.util.List.of() : java.util.List.copyOf(keypoints);
        }
    }

    /** Crops around the largest face, or returns the image whole when none is found. */
    public static Prepared prepare(BufferedImage bgr) {
        Optional<FaceBox> face = detect(bgr);
        return new Prepared(face.map(f -> crop(bgr, f)).orElse(bgr), face);
    }

    /** The largest frontal face in an 8-bit BGR image, in its coordinates. */
    public static Optional<FaceBox> detect(BufferedImage bgr) {
        return detectAll(bgr).stream().max(java.util.Comparator.comparingLong(FaceBox::area));
    }

    /**
     * Every frontal face at least {@link #MIN_FACE_SHARE} of the image's shorter side, in the image's
     * coordinates (what {@link #detect} chooses from).
     */
    public static java.util.List<FaceBox> detectAll(BufferedImage bgr) {
        double scale = Math.min(1.0, (double) DETECT_SIDE / Math.max(bgr.getWidth(), bgr.getHeight()));
        BufferedImage small = compact(bgr, scale);
        byte[] pixels = ((DataBufferByte) small.getRaster().getDataBuffer()).getData();
        int minFace = Math.max(20, (int) (Math.min(small.getWidth(), small.getHeight()) * MIN_FACE_SHARE));
        try (BytePointer data = new BytePointer(pixels);
                Mat mat = new Mat(small.getHeight(), small.getWidth(), CV_8UC3, data);
                Mat gray = new Mat();
                RectVector faces = new RectVector()) {
            cvtColor(mat, gray, COLOR_BGR2GRAY);
            equalizeHist(gray, gray);
            synchronized (FaceCrop.class) {
                classifier().detectMultiScale(gray, faces, 1.1, MIN_NEIGHBOURS, 0, new Size(minFace, minFace), new Size());
            }
            java.util.List<FaceBox> found = new java.util.ArrayList<>();
            for (long i = 0; i < faces.size(); i++) {
                Rect r = faces.get(i);
                found.add(new FaceBox((int) Math.floor(r.x() / scale), (int) Math.floor(r.y() / scale),
                        Math.max(1, (int) Math.round(r.width() / scale)), Math.max(1, (int) Math.round(r.height() / scale))));
            }
            return found;
        }
    }

    /** A square of {@link #CONTEXT} times the face's size around its centre, kept inside the image. */
    public static BufferedImage crop(BufferedImage image, FaceBox face) {
        FaceBox region = region(image.getWidth(), image.getHeight(), face);
        int side = region.width();
        int x = region.x();
        int y = region.y();
        BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, side, side, x, y, x + side, y + side, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * The square {@link #crop} cuts from an image of {@code width} x {@code height} around {@code face}: {@link
     * #CONTEXT} times the face's size, centred on it, kept inside the image.
     */
    public static FaceBox region(int width, int height, FaceBox face) {
        int side = (int) Math.min(Math.min(width, height), Math.round(CONTEXT * Math.max(face.width(), face.height())));
        int cx = face.x() + face.width() / 2;
        int cy = face.y() + face.height() / 2;
        int x = Math.max(0, Math.min(width - side, cx - side / 2));
        int y = Math.max(0, Math.min(height - side, cy - side / 2));
        return new FaceBox(x, y, side, side);
    }

    /** A BGR copy whose raster is one tightly packed byte array, scaled by {@code scale}. */
    private static BufferedImage compact(BufferedImage image, double scale) {
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Loads OpenCV's face cascade (and its libraries), which the first {@link #prepare} would otherwise load. */
    public static void loadCascade() {
        classifier();
    }

    private static synchronized CascadeClassifier classifier() {
        if (classifier == null) {
            String resource = "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/haarcascades/" + CASCADE;
            try (InputStream in = Loader.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("OpenCV's face cascade is not on the class path: " + resource);
                }
                Path file = Files.createTempFile("lennonnet-", "-" + CASCADE);
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                CascadeClassifier loaded = new CascadeClassifier(file.toString());
                if (loaded.empty()) {
                    throw new IllegalStateException("OpenCV could not load its face cascade " + resource);
                }
                classifier = loaded;
            } catch (IOException e) {
                throw new UncheckedIOException("could not extract OpenCV's face cascade", e);
            }
        }
        return classifier;
    }
}
