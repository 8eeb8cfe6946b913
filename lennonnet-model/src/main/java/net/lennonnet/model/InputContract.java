package net.lennonnet.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.datavec.image.loader.Java2DNativeImageLoader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.VGG16ImagePreProcessor;

/**
 * What the network expects as input, recorded in every saved model so prediction cannot drift from
 * training: a square-or-not {@code height x width} image, three channels in BGR order, NCHW, values
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

    /**
     * The step before {@link #toInput}: the image scaled down to {@link Images#WORKING_SIDE} when it is
     * larger, then the face crop when the contract asks for it (the dataset builder stores training
     * images prepared this way). The face box is in the given image's coordinates.
     */
    public FaceCrop.Prepared prepare(BufferedImage image) {
        return prepare(image, faceCrop);
    }

    /** {@link #prepare(BufferedImage)} for a contract with or without face crop (the dataset builder's use). */
    public static FaceCrop.Prepared prepare(BufferedImage image, boolean faceCrop) {
        BufferedImage working = Images.fitWithin(image, Images.WORKING_SIDE);
        if (!faceCrop) {
            return new FaceCrop.Prepared(working, java.util.Optional.empty());
        }
        FaceCrop.Prepared cut = FaceCrop.prepare(working);
        double back = (double) image.getWidth() / working.getWidth();
        return new FaceCrop.Prepared(cut.image(), cut.face().map(f -> working == image ? f : f.scaled(back)));
    }

    /** The normalisation as a DataVec/ND4J pre-processor, for iterators. Stateless, so not saved. */
    public VGG16ImagePreProcessor preProcessor() {
        return new VGG16ImagePreProcessor();
    }

    /**
     * The one way an already-decoded image becomes network input: DataVec's native loader resizes it
     * exactly as {@code ImageRecordReader} does for training files, then the BGR means are subtracted.
     *
     * @param image an 8-bit image as returned by {@link Images#decode}
     * @return a {@code [1, 3, height, width]} array
     */
    public INDArray toInput(BufferedImage image) {
        try {
            INDArray input = new Java2DNativeImageLoader(height, width, 3).asMatrix(image);
            preProcessor().transform(input);
            return input;
        } catch (IOException e) {
            // asMatrix on an in-memory image only fails on a programming error (unsupported raster).
            throw new UncheckedIOException("could not convert a " + image.getWidth() + "x" + image.getHeight()
                    + " image to network input", e);
        }
    }
}
