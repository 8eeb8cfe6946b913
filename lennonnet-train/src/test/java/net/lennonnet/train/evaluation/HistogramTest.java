package net.lennonnet.train.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void binsAreHalfOpenAndOneFallsInTheLastBin() {
        double[] p = {0.0, 0.0399, 0.04, 0.5, 0.96, 0.99999, 1.0};
        int[] expected = new int[25];
        expected[0] = 2;  // 0.0, 0.0399
        expected[1] = 1;  // 0.04
        expected[12] = 1; // 0.5
        expected[24] = 3; // 0.96, 0.99999, 1.0
        assertThat(Histogram.of(p, 25).counts()).containsExactly(expected);
        assertThat(Histogram.of(p, 2).counts()).containsExactly(3, 4);
        assertThat(Histogram.of(p, 25).total()).isEqualTo(7);
    }

    @Test
    void refusesNonProbabilities() {
        assertThatThrownBy(() -> Histogram.of(new double[] {1.5}, 25)).hasMessage("probability outside [0, 1]: 1.5");
        assertThatThrownBy(() -> Histogram.of(new double[] {Double.NaN}, 25)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Histogram.of(new double[] {0.1}, 0)).hasMessage("need at least one bin, got 0");
    }
}
