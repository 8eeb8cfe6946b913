package net.lennonnet.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import net.lennonnet.train.Featurizer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class TrainingBenchmarksTest {

    @Test
    void theHeadBenchmarksValidationHasBothClassesInTheSetsBalance() {
        int images = 12_800;
        int johns = 1_320; // the benchmark puts the john rows first
        var labels = Nd4j.zeros(images, 2);
        for (int i = 0; i < images; i++) {
            labels.putScalar(i, i < johns ? 0 : 1, 1);
        }
        Featurizer.Features[] split = TrainingBenchmarks.trainAndValidation(Nd4j.rand(images, 4), labels);
        double validationJohn = split[1].labels().getColumn(0).sumNumber().doubleValue();
        long validation = split[1].labels().size(0);
        assertThat(validation).isEqualTo(1_280);
        assertThat(split[0].labels().size(0)).isEqualTo(images - 1_280);
        assertThat(validationJohn / validation).isCloseTo((double) johns / images, org.assertj.core.api.Assertions.within(0.01));
    }
}
