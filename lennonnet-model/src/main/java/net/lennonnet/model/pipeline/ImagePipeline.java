package net.lennonnet.model.pipeline;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.face.FaceBox;
import net.lennonnet.model.face.FaceCrop;
import net.lennonnet.model.face.FaceDetection;
import net.lennonnet.model.face.NoFaceException;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.image.UndecodableImageException;
import org.datavec.api.io.labels.PathLabelGenerator;
import org.datavec.image.loader.Java2DNativeImageLoader;
import org.datavec.image.recordreader.ImageRecordReader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.api.preprocessor.VGG16ImagePreProcessor;

/**
 * The one way an image becomes network input, for every path: the dataset build, training features
 * and their augmented views, fine-tuning and calibration, evaluate and analyze, predict, serve and the
 * Java API.
 *
 * <pre>
 * bytes or file
 *   -> decode       Images.decode, the one decoder: pixel cap before decoding, EXIF upright, 8-bit BGR
 *   -> prepare      scaled to Images.WORKING_SIDE when larger, then cut around the largest face when the
 *                   contract asks (FaceCrop); the dataset builder stores images in this form
 *   -> toInput      resized to the contract's size by the OpenCV call DataVec's native loader makes, normalised:
 *                   a [1, 3, height, width] array; a graph that computes in NHWC turns it round itself
 *                   (NchwToNhwc)
 * </pre>
 *
 * Dataset files are stored already prepared, so reading them ({@link #storedInput}, {@link
 * #recordReader}) decodes and converts without preparing again. DataVec's {@code ImageRecordReader}
 * reads them through this pipeline's decoder too ({@link #recordReader}), so training and prediction
 * cannot drift apart (OnePreprocessingPathTest).
 */
public final class ImagePipeline {

    private final InputContract contract;
    private final long maxPixels;
    /**
     * The face detector of a face-aligned contract: the model's own (from its bundle) when answering, the
     * one lennonnet-backbones gets when building a dataset or training. Nothing here fetches one.
     */
    private final Optional<BlazeFace> detector;

    public ImagePipeline(InputContract contract, long maxPixels) {
        this(contract, maxPixels, Optional.empty());
    }

    /**
     * A pipeline that finds faces with {@code detector} (a face-aligned model's own, from its bundle),
     * so that answering needs no file outside the model.
     */
    public ImagePipeline(InputContract contract, long maxPixels, Optional<BlazeFace> detector) {
        if (contract == null) {
            throw new IllegalArgumentException("an input contract is required");
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("the pixel cap must be positive, got " + maxPixels);
        }
        this.contract = contract;
        this.maxPixels = maxPixels;
        this.detector = detector == null ? Optional.empty() : detector;
    }

    /** The detector face alignment needs; an error naming the missing piece when there is none. */
    private BlazeFace detector() {
        return detector.orElseThrow(ImagePipeline::noDetector);
    }

    private static IllegalStateException noDetector() {
        return new IllegalStateException("face alignment needs a face detector, and this pipeline was given none "
                + "(a face model carries its own; lennonnet-backbones' FaceModels.detector() gets one for building)");
    }

    /**
     * Loads now what this pipeline's first image would load: the image readers on the class path, OpenCV's libraries
     * for the resize, and a face-cropping contract's cascade. JavaCPP looks for each library OpenCV can use (the CUDA
     * ones too) in every jar of the class path, which took a first image 0.7 s from Lennonnet's one jar and 2.4 s from
     * the 352 of the Spark module's class path.
     */
    public void loadLibraries() {
        ImageIO.getImageReadersByFormatName("png");
        InputPixels.loadLibraries();
        if (contract.preparation() == Preparation.FACE_CROP) {
            FaceCrop.loadCascade();
        }
    }

    /** The pipeline of {@code contract} with the default pixel cap. */
    public static ImagePipeline of(InputContract contract) {
        return new ImagePipeline(contract, Images.DEFAULT_MAX_PIXELS);
    }

    public InputContract contract() {
        return contract;
    }

    /** Decodes a file: upright, 8-bit BGR; {@link UndecodableImageException} with a one-line reason. */
    public BufferedImage decode(Path file) throws IOException {
        return Images.toBgr(Images.decode(file, maxPixels));
    }

    /** Decodes encoded bytes: upright, 8-bit BGR. */
    public BufferedImage decode(byte[] encoded) throws UndecodableImageException {
        return Images.toBgr(Images.decode(encoded, maxPixels));
    }

    /** The prepare step with this contract's setting; the face box is in {@code image}'s coordinates. */
    public FaceCrop.Prepared prepare(BufferedImage image) {
        return prepare(image, contract.preparation(), this::detector);
    }

    /**
     * The prepare step: {@code image} scaled down to {@link Images#WORKING_SIDE} when it is larger, then,
     * as {@code how} says, cut around its largest face (an image without a face stays whole), or turned
     * into the aligned chip of its largest face ({@link NoFaceException} when there is none: a face model
     * has nothing to say about it), found by {@code detector} (needed for {@link Preparation#FACE_ALIGN}
     * only). The dataset builder stores images in this form. The face box is in {@code image}'s
     * coordinates.
     */
    public static FaceCrop.Prepared prepare(BufferedImage image, Preparation how, Optional<BlazeFace> detector) {
        return prepare(image, how, () -> detector.orElseThrow(ImagePipeline::noDetector));
    }

    private static FaceCrop.Prepared prepare(BufferedImage image, Preparation how,
            java.util.function.Supplier<BlazeFace> faces) {
        BufferedImage bgr = Images.toBgr(image);
        BufferedImage working = Images.fitWithin(bgr, Images.WORKING_SIDE);
        double back = (double) bgr.getWidth() / working.getWidth();
        switch (how) {
            case FACE_CROP -> {
                FaceCrop.Prepared cut = FaceCrop.prepare(working);
                return new FaceCrop.Prepared(cut.image(), cut.face().map(f -> working == bgr ? f : f.scaled(back)));
            }
            case FACE_ALIGN -> {
                // BlazeFace, with the Haar cascade as its fallback
                Optional<FaceDetection> face = FaceAlign.locate(working, faces.get()::largest, FaceCrop::detect);
                if (face.isEmpty()) {
                    throw new NoFaceException();
                }
                return new FaceCrop.Prepared(FaceAlign.chip(working, face.get()), face.get()
                        .box(working.getWidth(), working.getHeight()).map(f -> working == bgr ? f : f.scaled(back)),
                        scaled(face.get().keypoints(), back));
            }
            default -> {
                return new FaceCrop.Prepared(working, Optional.empty());
            }
        }
    }

    /** Keypoints found on the working copy, in the original image's pixels. */
    private static java.util.List<FaceDetection.Point> scaled(java.util.List<FaceDetection.Point> points, double factor) {
        return points.stream().map(p -> new FaceDetection.Point(p.x() * factor, p.y() * factor)).toList();
    }

    /**
     * The last step: a prepared image resized as DataVec's native loader resizes (the same OpenCV call, as
     * {@code ImageRecordReader} does for training) and normalised ({@link InputPixels}, equal to that loader
     * and {@link #normaliser()} value for value).
     *
     * @return a {@code [1, 3, height, width]} array
     */
    public INDArray toInput(BufferedImage prepared) {
        INDArray input = inputBuffers.pollFirst();
        if (input == null) {
            input = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                    new long[] {1, 3, contract.height(), contract.width()}, 'c');
        }
        InputPixels.into(contract, Images.toBgr(prepared), input.data().asNioFloat());
        return input;
    }

    /**
     * Gives back an input {@link #toInput} made, once nothing reads it any more, for a later image to be written
     * into: a new native buffer faults its pages in again (600 KB for 224 x 224, about 1.5 ms on our VMs). Keeps
     * at most {@value #MAX_INPUT_BUFFERS}; closes the rest, and anything of another shape.
     */
    public void recycle(INDArray input) {
        if (writableAs(input, new long[] {1, 3, contract.height(), contract.width()})
                && inputBuffers.size() < MAX_INPUT_BUFFERS) {
            inputBuffers.offerFirst(input);
        } else {
            input.close();
        }
    }

    /** Inputs given back, for the next images: two batches' worth. */
    private final java.util.concurrent.ConcurrentLinkedDeque<INDArray> inputBuffers = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int MAX_INPUT_BUFFERS = 32;

    /**
     * Many network inputs ({@code [1, ...]} each, or {@code [n, ...]}) as one new batch, in order, copied in Java.
     * ND4J's {@code concat} does the same on its OpenMP threads, which, right after an ONNX Runtime pass, fight
     * that engine's threads for the cores: 4 to 29 ms per batch of 16 measured on 2 cores, against about 2 here.
     */
    public static INDArray stack(java.util.List<INDArray> inputs) {
        return stack(inputs, null);
    }

    /**
     * The same, written into {@code reuse} when it is a float array of exactly the stacked shape (the caller
     * keeps it for the next batch: a fresh native buffer of a batch's size costs its page faults again, about
     * 25 ms for 16 ResNet-50 inputs on our VMs); a new array otherwise. Returns the array written.
     */
    public static INDArray stack(java.util.List<INDArray> inputs, INDArray reuse) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no inputs to stack");
        }
        INDArray first = inputs.get(0);
        long rows = 0;
        for (INDArray input : inputs) {
            if (input.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT || input.ordering() != 'c'
                    || input.isView() || input.data().length() != input.length() || input.rank() != first.rank()
                    || !java.util.Arrays.equals(rowShape(input), rowShape(first))) {
                return inputs.size() == 1 ? first.dup('c') : Nd4j.concat(0, inputs.toArray(INDArray[]::new));
            }
            rows += input.size(0);
        }
        long[] shape = first.shape().clone();
        shape[0] = rows;
        INDArray out = reuse != null && writableAs(reuse, shape)
                ? reuse : Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape, 'c');
        java.nio.FloatBuffer target = out.data().asNioFloat();
        for (INDArray input : inputs) {
            target.put(input.data().asNioFloat());
        }
        return out;
    }

    /** Whether a kept buffer can be written as a new float array of {@code shape}: float, in C order, whole, that shape. */
    private static boolean writableAs(INDArray buffer, long[] shape) {
        return buffer.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && buffer.ordering() == 'c'
                && !buffer.isView() && java.util.Arrays.equals(buffer.shape(), shape);
    }

    private static long[] rowShape(INDArray input) {
        return java.util.Arrays.copyOfRange(input.shape(), 1, input.rank());
    }

    /** A decoded image (upload, photo) all the way: prepare, then {@link #toInput}. */
    public Input input(BufferedImage image) {
        FaceCrop.Prepared prepared = prepare(image);
        return new Input(toInput(prepared.image()), prepared.face(), prepared.keypoints());
    }

    /**
     * A decoded image all the way, once for every face in it (largest first): the face crop or the
     * aligned chip of each face the contract's detector finds. A contract without faces, or a face-crop
     * image without one, gives the one input {@link #input(BufferedImage)} gives; a face-align image
     * without one, {@link NoFaceException}.
     */
    public java.util.List<Input> inputsPerFace(BufferedImage image) {
        Preparation how = contract.preparation();
        if (how == Preparation.WHOLE) {
            return java.util.List.of(input(image));
        }
        BufferedImage bgr = Images.toBgr(image);
        BufferedImage working = Images.fitWithin(bgr, Images.WORKING_SIDE);
        double back = (double) bgr.getWidth() / working.getWidth();
        java.util.List<Input> out = new java.util.ArrayList<>();
        if (how == Preparation.FACE_ALIGN) {
            java.util.List<FaceDetection> faces = new java.util.ArrayList<>(detector().detect(working));
            faces.sort(java.util.Comparator.comparingDouble(FaceDetection::area).reversed());
            for (FaceDetection face : faces) {
                out.add(new Input(toInput(FaceAlign.chip(working, face)), face.box(working.getWidth(),
                        working.getHeight()).map(f -> working == bgr ? f : f.scaled(back)), scaled(face.keypoints(), back)));
            }
        } else {
            java.util.List<FaceBox> faces = new java.util.ArrayList<>(FaceCrop.detectAll(working));
            faces.sort(java.util.Comparator.comparingLong(FaceBox::area).reversed());
            for (FaceBox face : faces) {
                out.add(new Input(toInput(FaceCrop.crop(working, face)),
                        Optional.of(working == bgr ? face : face.scaled(back))));
            }
        }
        if (out.isEmpty() && how == Preparation.FACE_ALIGN) {
            throw new NoFaceException();
        }
        return out.isEmpty() ? java.util.List.of(input(image)) : out;
    }

    /** A file all the way: decode, prepare, convert. */
    public Input input(Path file) throws IOException {
        return input(decode(file));
    }

    /** A stored dataset image (already prepared by the builder): decode and convert only. */
    public INDArray storedInput(Path datasetFile) throws IOException {
        return toInput(decode(datasetFile));
    }

    /** The contract's normalisation, as the ND4J pre-processor DataVec iterators apply per batch. */
    public Normaliser normaliser() {
        return InputContract.DLIB_FACE.equals(contract.normalisation()) ? FACE_CHIP : VGG;
    }

    /**
     * A normalisation of the {@code [n, 3, h, w]} BGR 0-255 arrays DataVec's loaders make, in place; also
     * a pre-processor for iterators.
     */
    public interface Normaliser extends org.nd4j.linalg.dataset.api.DataSetPreProcessor {
        void transform(INDArray features);

        @Override
        default void preProcess(org.nd4j.linalg.dataset.api.DataSet dataSet) {
            transform(dataSet.getFeatures());
        }
    }

    /** ImageNet's BGR means subtracted (Keras "caffe" mode). */
    private static final Normaliser VGG = features -> new VGG16ImagePreProcessor().transform(features);

    /** face-api's: channels turned to RGB, its means subtracted, divided by 256. */
    private static final Normaliser FACE_CHIP = features -> {
        INDArray blue = features.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).dup();
        INDArray red = features.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(2));
        features.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .assign(red);
        red.assign(blue);
        for (int c = 0; c < 3; c++) {
            features.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                    .subi(InputContract.DLIB_FACE_MEAN_RGB[c]).divi(InputContract.DLIB_FACE_DIVISOR);
        }
    };

    /**
     * DataVec's {@code ImageRecordReader} over stored dataset images, reading every file through this
     * pipeline's decoder ({@link #storedInput} without the normalisation, which the iterator applies
     * with {@link #normaliser()}).
     *
     * @param labels how a file's label is found, or null for none
     */
    public ImageRecordReader recordReader(PathLabelGenerator labels) {
        return new PipelineRecordReader(this, labels);
    }

    /**
     * The network input for one image, and the face it was cut around (empty without face crop, or
     * when none was found).
     */
    public record Input(INDArray tensor, Optional<FaceBox> face, java.util.List<FaceDetection.Point> keypoints) {

        /** An input without keypoints. */
        public Input(INDArray tensor, Optional<FaceBox> face) {
            this(tensor, face, java.util.List.of());
        }
    }

    /** ImageRecordReader with the pipeline's loader in place of DataVec's OpenCV decoder. */
    private static final class PipelineRecordReader extends ImageRecordReader {
        PipelineRecordReader(ImagePipeline pipeline, PathLabelGenerator labels) {
            super(pipeline.contract.height(), pipeline.contract.width(), 3, labels);
            this.imageLoader = new Loader(pipeline);
        }
    }

    /** DataVec's image loader, decoding with {@link ImagePipeline#decode} and resizing like {@link #toInput}. */
    private static final class Loader extends Java2DNativeImageLoader {
        private final ImagePipeline pipeline;

        Loader(ImagePipeline pipeline) {
            super(pipeline.contract.height(), pipeline.contract.width(), 3);
            this.pipeline = pipeline;
        }

        private INDArray load(File file) throws IOException {
            return asMatrix(pipeline.decode(file.toPath()));
        }

        @Override
        public INDArray asMatrix(File file) throws IOException {
            return load(file);
        }

        @Override
        public INDArray asMatrix(File file, boolean nchw) throws IOException {
            if (!nchw) {
                throw new UnsupportedOperationException("Lennonnet reads images channels first");
            }
            return load(file);
        }

        @Override
        public INDArray asMatrix(String filename) throws IOException {
            return load(new File(filename));
        }

        @Override
        public INDArray asMatrix(InputStream in) throws IOException {
            return asMatrix(pipeline.decode(in.readAllBytes()));
        }

        @Override
        public INDArray asMatrix(InputStream in, boolean nchw) throws IOException {
            if (!nchw) {
                throw new UnsupportedOperationException("Lennonnet reads images channels first");
            }
            return asMatrix(in);
        }

        @Override
        public void asMatrixView(File file, INDArray view) throws IOException {
            view.assign(load(file).reshape(view.shape()));
        }

        @Override
        public void asMatrixView(String filename, INDArray view) throws IOException {
            asMatrixView(new File(filename), view);
        }

        @Override
        public void asMatrixView(InputStream in, INDArray view) throws IOException {
            view.assign(asMatrix(in).reshape(view.shape()));
        }
    }
}
