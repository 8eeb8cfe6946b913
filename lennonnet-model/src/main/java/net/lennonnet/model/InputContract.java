package net.lennonnet.model;

/**
 * What the network expects as input, recorded in every saved model so prediction cannot drift from
 * training ({@link ImagePipeline} turns images into it): a square-or-not {@code height x width} image, three channels in BGR order, NCHW, values
 * 0-255 minus the ImageNet BGR means (Keras "caffe" mode, what the zoo ResNet-50 weights expect).
 *
 * @param height     input height in pixels, 32..1024
 * @param width      input width in pixels, 32..1024
 * @param channelOrder always {@code BGR}: DataVec's loaders produce it and the pretrained weights expect it
 * @param normalisation always {@code vgg-mean-bgr}
 * @param faceCrop   whether images are cut around their largest face first ({@link FaceCrop}); an
 *                   image without a face is used whole
 */
public record InputContract(int height, int width, String channelOrder, String normalisation, boolean faceCrop) {

    public static final String BGR = "BGR";
    public static final String VGG_MEAN_BGR = "vgg-mean-bgr";

    public InputContract {
        if (height < 32 || height > 1024) {
            throw new IllegalArgumentException("input height must be 32..1024 pixels, got " + height);
        }
        if (width < 32 || width > 1024) {
            throw new IllegalArgumentException("input width must be 32..1024 pixels, got " + width);
        }
        if (!BGR.equals(channelOrder)) {
            throw new IllegalArgumentException("channel order must be " + BGR + ", got " + channelOrder);
        }
        if (!VGG_MEAN_BGR.equals(normalisation)) {
            throw new IllegalArgumentException("normalisation must be " + VGG_MEAN_BGR + ", got " + normalisation);
        }
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
        return new InputContract(height, width, channelOrder, normalisation, crop);
    }
}
