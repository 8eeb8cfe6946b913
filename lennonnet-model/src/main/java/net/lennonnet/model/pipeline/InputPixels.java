package net.lennonnet.model.pipeline;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The last step of the pipeline in one pass: a prepared 8-bit BGR image to the network's values, laid out
 * channel by channel ({@code [3, height, width]}, row-major) and normalised as the contract says.
 *
 * <p>It is the arithmetic of DataVec's {@code Java2DNativeImageLoader} followed by the contract's {@link
 * ImagePipeline.Normaliser}, value for value (InputPixelsTest): the resize is the same OpenCV call the loader
 * makes (bilinear, {@code resize(src, dst, size)}), and the subtraction and division are the same float
 * operations. What it leaves out is the loader's per-call work around them (a frame converter, a Mat copy,
 * an element-by-element indexer, then the normaliser's separate ND4J passes): about 5 of the 6 ms a
 * 160-pixel image took, which the reader of a folder spent while the engine waited.
 */
final class InputPixels {

    /** ImageNet's BGR means as {@code VGG16ImagePreProcessor} subtracts them (float). */
    private static final float[] VGG_MEAN_BGR = {103.939f, 116.779f, 123.68f};

    private InputPixels() {}

    /**
     * Writes {@code bgr} ({@code TYPE_3BYTE_BGR}) as the contract's network input values into {@code target}
     * (the network's own buffer: no array of them on the Java heap), from its position on.
     */
    static void into(InputContract contract, BufferedImage bgr, FloatBuffer target) {
        int width = contract.width();
        int height = contract.height();
        byte[] pixels = interleaved(bgr);
        if (bgr.getWidth() != width || bgr.getHeight() != height) {
            pixels = resized(pixels, bgr.getWidth(), bgr.getHeight(), width, height);
        }
        int plane = width * height;
        if (InputContract.DLIB_FACE.equals(contract.normalisation())) {
            float divisor = (float) InputContract.DLIB_FACE_DIVISOR;
            for (int c = 0; c < 3; c++) {
                float mean = (float) InputContract.DLIB_FACE_MEAN_RGB[c];
                int source = 2 - c; // R, G, B from B, G, R
                for (int p = 0; p < plane; p++) {
                    target.put(((pixels[3 * p + source] & 0xff) - mean) / divisor);
                }
            }
        } else {
            for (int c = 0; c < 3; c++) {
                float mean = VGG_MEAN_BGR[c];
                for (int p = 0; p < plane; p++) {
                    target.put((pixels[3 * p + c] & 0xff) - mean);
                }
            }
        }
    }

    /** The image's bytes as B, G, R per pixel, row after row, without a gap: its own array when it is laid out so. */
    private static byte[] interleaved(BufferedImage bgr) {
        if (bgr.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            throw new IllegalArgumentException("expected an 8-bit BGR image, got type " + bgr.getType());
        }
        Raster raster = bgr.getRaster();
        int w = bgr.getWidth();
        int h = bgr.getHeight();
        if (raster.getParent() == null && raster.getSampleModel() instanceof PixelInterleavedSampleModel model
                && model.getScanlineStride() == 3 * w && model.getPixelStride() == 3
                && raster.getDataBuffer() instanceof DataBufferByte buffer && buffer.getNumBanks() == 1
                && buffer.getOffset() == 0 && buffer.getData().length == 3 * w * h) {
            return buffer.getData();
        }
        // a sub-image (a face crop) shares its parent's larger array: copy its pixels out, band by band
        BufferedImage copy = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        copy.getRaster().setRect(-raster.getMinX(), -raster.getMinY(), raster);
        return ((DataBufferByte) copy.getRaster().getDataBuffer()).getData();
    }

    /** Loads OpenCV's libraries that {@link #resized} calls (the first call would otherwise). */
    static void loadLibraries() {
        org.bytedeco.javacpp.Loader.load(opencv_imgproc.class);
    }

    /** OpenCV's bilinear resize, the call DataVec's native loader makes. */
    private static byte[] resized(byte[] pixels, int width, int height, int toWidth, int toHeight) {
        try (Mat source = new Mat(height, width, opencv_core.CV_8UC3); Mat target = new Mat();
                Size size = new Size(toWidth, toHeight)) {
            ByteBuffer in = source.createBuffer();
            in.put(pixels);
            opencv_imgproc.resize(source, target, size);
            byte[] out = new byte[3 * toWidth * toHeight];
            ByteBuffer result = target.createBuffer();
            result.get(out);
            return out;
        }
    }
}
