package net.lennonnet.model;

/**
 * What the network expects as input, recorded in every saved model so prediction cannot drift from
 * training ({@link ImagePipeline} turns images into it). Two kinds:
 * <ul>
 *   <li>ResNet-50: a {@code height x width} image, BGR, NCHW, values 0-255 minus the ImageNet BGR means
 *       (Keras "caffe" mode), optionally cut around the largest face first ({@code faceCrop});</li>
 *   <li>the face descriptor ({@link #faceChip()}): a 150 x 150 chip of the largest face, aligned
 *       ({@link FaceAlign}), RGB, {@code (x - mean) / 256} with face-api's means ({@code faceAlign}).</li>
 * </ul>
 *
 * @param height     input height in pixels, 32..1024
 * @param width      input width in pixels, 32..1024
 * @param channelOrder {@code BGR} (ResNet-50) or {@code RGB} (the face descriptor)
 * @param normalisation {@code vgg-mean-bgr} with BGR, {@code dlib-face} with RGB
 * @param faceCrop   whether images are cut around their largest face first ({@link FaceCrop}); an
 *                   image without a face is used whole
 * @param faceAlign  whether the input is the aligned chip of the largest face ({@link BlazeFace},
 *                   {@link FaceAlign}); an image without a face has no input ({@link NoFaceException})
 */
public record InputContract(int height, int width, String channelOrder, String normalisation, boolean faceCrop,
        boolean faceAlign) {

    public static final String BGR = "BGR";
    public static final String RGB = "RGB";
    public static final String VGG_MEAN_BGR = "vgg-mean-bgr";
    public static final String DLIB_FACE = "dlib-face";

    /** A ResNet-50 contract (no face alignment). */
    public InputContract(int height, int width, String channelOrder, String normalisation, boolean faceCrop) {
        this(height, width, channelOrder, normalisation, faceCrop, false);
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
        if (faceCrop && faceAlign) {
            throw new IllegalArgumentException("face crop and face alignment are two ways of preparing; choose one");
        }
    }

    /** The face descriptor's contract: aligned 150 x 150 RGB chips, face-api's normalisation. */
    public static InputContract faceChip() {
        return new InputContract(FaceDescriptorNet.INPUT, FaceDescriptorNet.INPUT, RGB, DLIB_FACE, false, true);
    }

    /** The contract of the ImageNet ResNet-50 weights: 224 x 224. */
    public static InputContract imagenet() {
        return square(224);
    }

    /** A square input of the given edge with the standard channel order and normalisation. */
    public static InputContract square(int size) {
        return new InputContract(size, size, BGR, VGG_MEAN_BGR, false);
    }

    /** This contract with face cropping on or off. */
    public InputContract withFaceCrop(boolean crop) {
        return new InputContract(height, width, channelOrder, normalisation, crop, faceAlign);
    }
}
