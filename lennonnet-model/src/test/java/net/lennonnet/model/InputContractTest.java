package net.lennonnet.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class InputContractTest {

    @Test
    void namesTheBadValueAndTheRange() {
        assertThatThrownBy(() -> InputContract.square(16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input height must be 32..1024 pixels, got 16");
        assertThatThrownBy(() -> new InputContract(64, 64, "HSV", InputContract.VGG_MEAN_BGR, false))
                .hasMessageContaining("channel order must be BGR or RGB, got HSV");
        assertThatThrownBy(() -> new InputContract(64, 64, "RGB", InputContract.VGG_MEAN_BGR, false))
                .hasMessageContaining("normalisation must be dlib-face with RGB");
        assertThatThrownBy(() -> new InputContract(150, 150, "RGB", InputContract.DLIB_FACE, true, true))
                .hasMessageContaining("choose one");
        assertThat(InputContract.faceChip().faceAlign()).isTrue();
    }

    @Test
    void resizesToTheContractInBgrOrderMinusTheImageNetMeans() {
        InputContract contract = InputContract.square(48);
        // pure blue: B=255, G=0, R=0
        var image = ImagesTest.solid(100, 60, java.awt.image.BufferedImage.TYPE_3BYTE_BGR, new Color(0, 0, 255));
        INDArray input = ImagePipeline.of(contract).toInput(image);
        assertThat(input.shape()).containsExactly(1, 3, 48, 48);
        assertThat(input.getDouble(0, 0, 10, 10)).isCloseTo(255 - 103.939, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(input.getDouble(0, 1, 10, 10)).isCloseTo(-116.779, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(input.getDouble(0, 2, 10, 10)).isCloseTo(-123.68, org.assertj.core.data.Offset.offset(1e-3));
    }
}
