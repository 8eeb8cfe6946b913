package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import net.lennonnet.model.engine.Engine;
import org.junit.jupiter.api.Test;

/** The int8 setting's rules: ONNX Runtime's kernels only, and not beside fine-tuning, which changes what was calibrated. */
class TrainConfigTest {

    private static TrainConfig.Builder builder() {
        return TrainConfig.builder(Path.of("data"), Path.of("out"));
    }

    @Test
    void int8IsFloatUnlessAskedAndKeptThroughACopy() {
        assertThat(builder().build().precision()).isEqualTo(Engine.Precision.FP32);
        TrainConfig int8 = builder().precision(Engine.Precision.INT8).build();
        assertThat(int8.toBuilder().build().precision()).isEqualTo(Engine.Precision.INT8);
        assertThat(Engine.Precision.parse("INT8")).isEqualTo(Engine.Precision.INT8);
        assertThatThrownBy(() -> Engine.Precision.parse("int4")).hasMessage("precision must be fp32 or int8, got int4");
    }

    @Test
    void int8WithDl4jOrFineTuningIsRefusedWithTheReason() {
        assertThatThrownBy(() -> builder().precision(Engine.Precision.INT8).engine(Engine.Choice.DL4J).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ONNX Runtime's integer kernels");
        assertThatThrownBy(() -> builder().precision(Engine.Precision.INT8).fineTuning(new FineTuning(2, 1e-4)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
        assertThat(builder().precision(Engine.Precision.INT8).engine(Engine.Choice.ONNXRUNTIME).build().engine())
                .isEqualTo(Engine.Choice.ONNXRUNTIME);
    }
}
