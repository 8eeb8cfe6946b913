package net.lennonnet.model.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.datavec.image.loader.Java2DNativeImageLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pipeline's last step in one pass equals what it replaced and what training's record reader still
 * does: DataVec's native loader, then the contract's normaliser, value for value.
 */
class InputPixelsTest {

    @ParameterizedTest(name = "{0}x{1} to the {2} contract")
    @CsvSource({
        "224, 224, imagenet", // no resize
        "160, 160, imagenet", // up, as the demo's images
        "640, 480, imagenet", // down, not square
        "97, 311, imagenet",
        "150, 150, face",
        "200, 180, face"
    })
    void equalsDataVecsLoaderAndTheNormaliser(int width, int height, String contractName) throws Exception {
        InputContract contract = "face".equals(contractName) ? InputContract.faceChip() : InputContract.imagenet();
        BufferedImage image = noise(width, height, width * 31L + height);
        assertSame(pixels(contract, image), reference(contract, image));
    }

    @Test
    void aSubImageIsReadAtItsOwnPlaceInItsParent() throws Exception {
        InputContract contract = InputContract.imagenet();
        BufferedImage parent = noise(400, 300, 7);
        BufferedImage crop = parent.getSubimage(37, 51, 200, 180);
        BufferedImage copy = new BufferedImage(200, 180, BufferedImage.TYPE_3BYTE_BGR);
        copy.getGraphics().drawImage(crop, 0, 0, null);

        assertSame(pixels(contract, crop), reference(contract, copy));
    }

    @Test
    void onlyEightBitBgrImagesAreTaken() {
        BufferedImage rgb = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> InputPixels.into(InputContract.imagenet(), rgb, java.nio.FloatBuffer.allocate(3 * 224 * 224)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8-bit BGR");
    }

    @Test
    void stackingCopiesTheInputsInOrderAsNd4jsConcatDoes() {
        ImagePipeline pipeline = ImagePipeline.of(InputContract.imagenet());
        java.util.List<INDArray> inputs = java.util.List.of(pipeline.toInput(noise(224, 224, 1)),
                pipeline.toInput(noise(100, 120, 2)), pipeline.toInput(noise(300, 200, 3)));
        INDArray stacked = ImagePipeline.stack(inputs);
        INDArray concat = org.nd4j.linalg.factory.Nd4j.concat(0, inputs.toArray(INDArray[]::new));
        assertThat(stacked.shape()).containsExactly(3, 3, 224, 224);
        assertSame(stacked.data().asFloat(), concat.data().asFloat());
        assertThat(ImagePipeline.stack(inputs.subList(0, 1))).as("a new array, even of one").isNotSameAs(inputs.get(0))
                .isEqualTo(inputs.get(0));
    }

    @Test
    void buffersGivenBackAreWrittenAgainWithTheNextImagesValues() {
        ImagePipeline pipeline = ImagePipeline.of(InputContract.imagenet());
        INDArray first = pipeline.toInput(noise(224, 224, 4));
        float[] expected = ImagePipeline.of(InputContract.imagenet()).toInput(noise(150, 90, 5)).data().asFloat();
        pipeline.recycle(first);
        INDArray again = pipeline.toInput(noise(150, 90, 5));
        assertThat(again).as("the buffer given back").isSameAs(first);
        assertSame(again.data().asFloat(), expected);
        // a batch stacked into a kept buffer of its shape: that buffer, the values of a new one; another shape: a new one
        java.util.List<INDArray> two = java.util.List.of(again, pipeline.toInput(noise(224, 224, 6)));
        INDArray kept = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 224, 224);
        INDArray stacked = ImagePipeline.stack(two, kept);
        assertThat(stacked).isSameAs(kept);
        assertSame(stacked.data().asFloat(), ImagePipeline.stack(two).data().asFloat());
        INDArray wrong = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 3, 224, 224);
        assertThat(ImagePipeline.stack(two, wrong)).isNotSameAs(wrong);
        // an array of another shape is not kept
        INDArray other = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 32, 32);
        pipeline.recycle(other);
        assertThat(pipeline.toInput(noise(224, 224, 7))).isNotSameAs(other);
        assertThat(other.wasClosed()).isTrue();
    }

    /** Equal value for value (AssertJ's own message for 150,000 floats takes minutes to build). */
    private static void assertSame(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        int differing = 0;
        int first = -1;
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
                differing++;
                first = first < 0 ? i : first;
            }
        }
        assertThat(differing).as("values differing, the first at %d: %s vs %s", first,
                first < 0 ? "" : actual[first], first < 0 ? "" : expected[first]).isZero();
    }

    private static float[] pixels(InputContract contract, BufferedImage image) {
        java.nio.FloatBuffer values = java.nio.FloatBuffer.allocate(3 * contract.height() * contract.width());
        InputPixels.into(contract, image, values);
        assertThat(values.remaining()).as("values left unwritten").isZero();
        return values.array();
    }

    private static float[] reference(InputContract contract, BufferedImage image) throws Exception {
        INDArray array = new Java2DNativeImageLoader(contract.height(), contract.width(), 3).asMatrix(image);
        ImagePipeline.of(contract).normaliser().transform(array);
        return array.data().asFloat();
    }

    private static BufferedImage noise(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                // smooth ramps with noise on top, so that the resize's interpolation has something to round
                int r = (x * 255 / width + random.nextInt(40)) & 0xff;
                int g = (y * 255 / height + random.nextInt(40)) & 0xff;
                int b = random.nextInt(256);
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }
}
