package net.lennonnet.train.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void wilsonMatchesPublishedValues() {
        // 0 of 10 and 10 of 10: the classic Wilson bounds 0.2775 and 0.7225 (Newcombe 1998, method 3)
        assertThat(Metrics.wilson(0, 10, Metrics.Z95).high()).isCloseTo(0.2775, within(1e-4));
        assertThat(Metrics.wilson(0, 10, Metrics.Z95).low()).isZero();
        assertThat(Metrics.wilson(10, 10, Metrics.Z95).low()).isCloseTo(0.7225, within(1e-4));
        // the original's 195 of 200 (97.5%)
        Metrics.Interval i = Metrics.wilson(195, 200, Metrics.Z95);
        assertThat(i.low()).isCloseTo(0.94282, within(1e-5));
        assertThat(i.high()).isCloseTo(0.98928, within(1e-5));
        // 81 of 263 (Newcombe's example): 0.2553 .. 0.3662
        Metrics.Interval n = Metrics.wilson(81, 263, Metrics.Z95);
        assertThat(n.low()).isCloseTo(0.2553, within(1e-4));
        assertThat(n.high()).isCloseTo(0.3662, within(1e-4));
    }

    @Test
    void binCountsAreExactForKnownProbabilities() {
        double[] p = {0, 0.039999, 0.04, 0.5, 0.49999, 0.96, 0.999, 1.0};
        int[] h25 = Histogram.of(p, 25).counts();
        assertThat(h25[0]).isEqualTo(2); // [0, 0.04)
        assertThat(h25[1]).isEqualTo(1); // 0.04
        assertThat(h25[12]).isEqualTo(2); // 0.48 .. 0.52: 0.49999 and 0.5
        assertThat(h25[24]).isEqualTo(3); // 0.96, 0.999 and exactly 1
        assertThat(Histogram.of(p, 2).counts()).containsExactly(4, 4);
    }

    @Test
    void aucCountsTiesHalfAndKnowsPerfectAndInverted() {
        boolean[] y = {true, true, false, false};
        assertThat(Metrics.auc(new double[] {0.9, 0.8, 0.2, 0.1}, y)).isEqualTo(1.0);
        assertThat(Metrics.auc(new double[] {0.1, 0.2, 0.8, 0.9}, y)).isEqualTo(0.0);
        assertThat(Metrics.auc(new double[] {0.5, 0.5, 0.5, 0.5}, y)).isEqualTo(0.5);
        // pairs: (0.9 > 0.7) (0.9 > 0.3) (0.4 < 0.7) (0.4 > 0.3): 3 of 4
        assertThat(Metrics.auc(new double[] {0.9, 0.4, 0.7, 0.3}, y)).isEqualTo(0.75);
        assertThat(Metrics.auc(new double[] {0.9}, new boolean[] {true})).isNaN();
        List<Metrics.RocPoint> roc = Metrics.roc(new double[] {0.9, 0.4, 0.7, 0.3}, y);
        assertThat(roc.get(0).falsePositiveRate()).isZero();
        assertThat(roc.get(roc.size() - 1).truePositiveRate()).isEqualTo(1.0);
    }

    @Test
    void calibrationErrorIsTheWeightedGap() {
        // bin [0.8, 0.9): two images at 0.8, one of them john -> gap 0.3; bin [0.1, 0.2): two at 0.1, none john -> 0.1
        double[] p = {0.8, 0.8, 0.1, 0.1};
        boolean[] y = {true, false, false, false};
        List<Metrics.ReliabilityBin> bins = Metrics.reliability(p, y, 10);
        assertThat(bins.get(8).count()).isEqualTo(2);
        assertThat(bins.get(8).fractionJohn()).isEqualTo(0.5);
        assertThat(Metrics.expectedCalibrationError(bins)).isCloseTo(0.5 * 0.3 + 0.5 * 0.1, within(1e-12));
        assertThat(Metrics.logLoss(new double[] {1, 0}, new boolean[] {true, false})).isCloseTo(1e-7, within(1e-9));
        assertThat(Metrics.brier(p, y)).isCloseTo((0.04 + 0.64 + 0.01 + 0.01) / 4, within(1e-12));
    }

    @Test
    void theBestThresholdMaximisesBalancedAccuracy() {
        // john at 0.6..0.9, not_john at 0.1..0.55: anything between 0.55 and 0.6 separates them
        double[] p = {0.6, 0.7, 0.9, 0.1, 0.3, 0.55};
        boolean[] y = {true, true, true, false, false, false};
        double t = Metrics.bestThreshold(p, y);
        assertThat(t).isCloseTo(0.575, within(1e-12));
        assertThat(Metrics.balancedAccuracy(p, y, t)).isEqualTo(1.0);
        assertThat(Metrics.balancedAccuracy(p, y, 0.5)).isCloseTo(5.0 / 6, within(1e-12));
        assertThat(Metrics.median(new double[] {3, 1, 2, 10})).isEqualTo(2.5);
    }
}
