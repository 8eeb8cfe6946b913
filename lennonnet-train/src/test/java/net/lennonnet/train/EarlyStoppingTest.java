package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void aLossThatCreepsDownByNothingIsNoImprovementAndPatienceRunsOut() {
        // the demo's old loop: a loss at 0.0000 "improved" every epoch for 241 epochs
        assertThat(EarlyStopping.judge(1e-6 - 1e-9, 1e-6, 1, 5).improved()).isFalse();
        assertThat(EarlyStopping.judge(1e-6 - 1e-9, 1e-6, 5, 5).stop()).isTrue();
        assertThat(EarlyStopping.judge(1e-6 - 1e-9, 1e-6, 4, 5).stop()).isFalse();
    }

    @Test
    void aRealImprovementCountsAndResetsPatience() {
        assertThat(EarlyStopping.judge(0.690, 0.700, 9, 5)).isEqualTo(new EarlyStopping.Verdict(true, false));
        // relative above a loss of 1: 0.1% of 20 is 0.02
        assertThat(EarlyStopping.judge(19.99, 20, 1, 5).improved()).isFalse();
        assertThat(EarlyStopping.judge(19.97, 20, 1, 5).improved()).isTrue();
        // the first epoch always sets the best
        assertThat(EarlyStopping.judge(3, Double.POSITIVE_INFINITY, 0, 5).improved()).isTrue();
    }
}
