package net.lennonnet.model.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.pipeline.Preparation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class InputContractTest {

    @Test
    void namesTheBadValueAndTheRange() {
        assertThatThrownBy(() -> InputContract.square(16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input height must be 32..1024 pixels, got 16");
        assertThatThrownBy(() -> new InputContract(64, 64, "HSV", InputContract.VGG_MEAN_BGR, Preparation.WHOLE))
                .hasMessageContaining("channel order must be BGR or RGB, got HSV");
        assertThatThrownBy(() -> new InputContract(64, 64, "RGB", InputContract.VGG_MEAN_BGR, Preparation.WHOLE))
                .hasMessageContaining("normalisation must be dlib-face with RGB");
        assertThatThrownBy(() -> Preparation.of(true, true)).hasMessageContaining("choose one");
        assertThat(InputContract.faceChip().preparation()).isEqualTo(Preparation.FACE_ALIGN);
    }

    @Test
    void resizesToTheContractInBgrOrderMinusTheImageNetMeans() {
        InputContract contract = InputContract.square(48);
        // pure blue: B=255, G=0, R=0
        var image = TestImages.solid(100, 60, java.awt.image.BufferedImage.TYPE_3BYTE_BGR, new Color(0, 0, 255));
        INDArray input = ImagePipeline.of(contract).toInput(image);
        assertThat(input.shape()).containsExactly(1, 3, 48, 48);
        assertThat(input.getDouble(0, 0, 10, 10)).isCloseTo(255 - 103.939, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(input.getDouble(0, 1, 10, 10)).isCloseTo(-116.779, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(input.getDouble(0, 2, 10, 10)).isCloseTo(-123.68, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void readsTheTwoFlagsOlderModelsWroteAndWritesTheOneName() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String old = "{\"height\":224,\"width\":224,\"channelOrder\":\"BGR\",\"normalisation\":\"vgg-mean-bgr\","
                + "\"faceCrop\":%s,\"faceAlign\":false}";
        assertThat(json.readValue(old.formatted("true"), InputContract.class).preparation()).isEqualTo(Preparation.FACE_CROP);
        assertThat(json.readValue(old.formatted("false"), InputContract.class).preparation()).isEqualTo(Preparation.WHOLE);
        String chip = json.writeValueAsString(InputContract.faceChip());
        assertThat(chip).contains("\"preparation\":\"FACE_ALIGN\"").doesNotContain("faceCrop").doesNotContain("faceAlign");
        assertThat(json.readValue(chip, InputContract.class)).isEqualTo(InputContract.faceChip());
    }
}
