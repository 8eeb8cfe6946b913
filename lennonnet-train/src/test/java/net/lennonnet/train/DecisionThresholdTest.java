package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecisionThresholdTest {

    @Test
    void isChosenOnValidationAndSplitsTheTwoBinHistogram() {
        // john scores 0.30..0.45, others 0.05..0.20: at 0.5 every john is wrong; the chosen threshold separates them.
        double[] p = {0.30, 0.35, 0.45, 0.05, 0.10, 0.20};
        boolean[] john = {true, true, true, false, false, false};
        DecisionThreshold t = DecisionThreshold.fromValidation(p, john);
        assertThat(t.value()).isBetween(0.20, 0.30);
        assertThat(t.source()).startsWith("validation").contains("6 validation images");
        TestReport report = TestReport.of(p, john, t.value());
        assertThat(report.accuracy()).isEqualTo(1.0);
        assertThat(report.histograms2().get("john").counts()).containsExactly(0, 3);
        assertThat(report.histograms2().get("not_john").counts()).containsExactly(3, 0);
        assertThat(TestReport.of(p, john, 0.5).histograms2().get("john").counts()).containsExactly(3, 0);
    }

    @Test
    void withOneClassOnlyItStaysAtOneHalf() {
        DecisionThreshold t = DecisionThreshold.fromValidation(new double[] {0.9, 0.8}, new boolean[] {true, true});
        assertThat(t.value()).isEqualTo(0.5);
        assertThat(t.source()).contains("lacks a class");
    }
}
