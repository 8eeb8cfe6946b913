package net.lennonnet.model.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import net.lennonnet.model.face.FaceAlign;

/**
 * What the network expects as input, recorded in every saved model so prediction cannot drift from
 * training ({@link ImagePipeline} turns images into it). Two kinds:
 * <ul>
 *   <li>ResNet-50: a {@code height x width} image, BGR, NCHW, values 0-255 minus the ImageNet BGR means
 *       (Keras "caffe" mode), whole or cut around the largest face first ({@link Preparation#FACE_CROP});</li>
 *   <li>the face descriptor ({@link #faceChip()}): a 150 x 150 chip of the largest face, aligned
 *       ({@link FaceAlign}), RGB, {@code (x - mean) / 256} with face-api's means ({@link Preparation#FACE_ALIGN}).</li>
 * </ul>
 *
 * @param height     input height in pixels, 32..1024
 * @param width      input width in pixels, 32..1024
 * @param channelOrder {@code BGR} (ResNet-50) or {@code RGB} (the face descriptor)
 * @param normalisation {@code vgg-mean-bgr} with BGR, {@code dlib-face} with RGB
 * @param preparation how an image is prepared first: whole, cut around its largest face, or the aligned
 *                   chip of its largest face
 */
public record InputContract(int height, int width, String channelOrder, String normalisation, Preparation preparation) {

    public static final String BGR = "BGR";
    public static final String RGB = "RGB";
    public static final String VGG_MEAN_BGR = "vgg-mean-bgr";
    public static final String DLIB_FACE = "dlib-face";
    /** {@link #DLIB_FACE}: face-api's per-channel means, R, G, B, subtracted before dividing by {@link #DLIB_FACE_DIVISOR}. */
    public static final double[] DLIB_FACE_MEAN_RGB = {122.782, 117.001, 104.298};
    public static final double DLIB_FACE_DIVISOR = 256;

    /**
     * Reads a contract as every Lennonnet wrote it: with {@code preparation}, or, before it, with the
     * two flags {@code faceCrop} and {@code faceAlign}.
     */
    @JsonCreator
    static InputContract read(@JsonProperty("height") int height, @JsonProperty("width") int width,
            @JsonProperty("channelOrder") String channelOrder, @JsonProperty("normalisation") String normalisation,
            @JsonProperty("preparation") Preparation preparation, @JsonProperty("faceCrop") boolean faceCrop,
            @JsonProperty("faceAlign") boolean faceAlign) {
        return new InputContract(height, width, channelOrder, normalisation,
                preparation != null ? preparation : Preparation.of(faceCrop, faceAlign));
    }

    public InputContract {
        if (height < 32 || height > 1024) {
            throw new IllegalArgumentException("input height must be 32..1024 pixels, got " + height);
        }
        if (width < 32 || width > 1024) {
            throw new IllegalArgumentException("input width must be 32..1024 pixels, got " + width);
        }
        if (!BGR.equals(channelOrder) && !RGB.equals(channelOrder)) {
            throw new IllegalArgumentException("channel order must be " + BGR + " or " + RGB + ", got " + channelOrder);
        }
        String expected = BGR.equals(channelOrder) ? VGG_MEAN_BGR : DLIB_FACE;
        if (!expected.equals(normalisation)) {
            throw new IllegalArgumentException("normalisation must be " + expected + " with " + channelOrder + ", got "
                    + normalisation);
        }
        if (preparation == null) {
            throw new IllegalArgumentException("the input contract must say how images are prepared");
        }
    }

    /** The face descriptor's contract: aligned 150 x 150 RGB chips, face-api's normalisation. */
    public static InputContract faceChip() {
        return new InputContract(FaceAlign.CHIP, FaceAlign.CHIP, RGB, DLIB_FACE, Preparation.FACE_ALIGN);
    }

    /** The contract of the ImageNet ResNet-50 weights: 224 x 224. */
    public static InputContract imagenet() {
        return square(224);
    }

    /** A square input of the given edge with the standard channel order and normalisation. */
    public static InputContract square(int size) {
        return new InputContract(size, size, BGR, VGG_MEAN_BGR, Preparation.WHOLE);
    }

    /** This contract with another preparation. */
    public InputContract with(Preparation how) {
        return new InputContract(height, width, channelOrder, normalisation, how);
    }
}
