package net.lennonnet.train.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.lennonnet.model.bundle.Decision;
import org.junit.jupiter.api.Test;

class PlattTest {

    @Test
    void recoversTheSlopeAndInterceptThatMadeTheLabels() {
        Random random = new Random(3);
        int n = 20_000;
        double[] scores = new double[n];
        boolean[] john = new boolean[n];
        for (int i = 0; i < n; i++) {
            scores[i] = random.nextGaussian() * 3;
            john[i] = random.nextDouble() < Decision.sigmoid(0.8 * scores[i] - 0.5);
        }
        Platt platt = Platt.fit(scores, john);
        // Class-balanced weights move the intercept by log(others / johns); the slope stays.
        int johns = 0;
        for (boolean b : john) {
            johns += b ? 1 : 0;
        }
        assertThat(platt.a()).isCloseTo(0.8, within(0.05));
        assertThat(platt.b()).isCloseTo(-0.5 + Math.log((double) (n - johns) / johns), within(0.08));
    }

    @Test
    void perfectlySeparatedScoresGetConfidentButFiniteProbabilities() {
        double[] scores = {-3, -2.5, -2, -1.8, 1.5, 2, 2.2};
        boolean[] john = {false, false, false, false, true, true, true};
        Platt platt = Platt.fit(scores, john);
        assertThat(platt.a()).isPositive().isFinite();
        for (int i = 0; i < scores.length; i++) {
            double p = platt.probability(scores[i]);
            assertThat(john[i] ? p : 1 - p).isGreaterThan(0.97).isLessThan(1);
        }
    }

    @Test
    void aFlatOrOneClassScoreIsHandled() {
        Platt flat = Platt.fit(new double[] {1, 1, 1, 1}, new boolean[] {true, false, true, false});
        assertThat(flat.probability(1)).isCloseTo(0.5, within(1e-6));
        assertThatThrownBy(() -> Platt.fit(new double[] {1, 2}, new boolean[] {true, true}))
                .hasMessageContaining("both classes");
    }
}
