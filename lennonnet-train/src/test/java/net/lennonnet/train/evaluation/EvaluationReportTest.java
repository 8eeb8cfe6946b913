package net.lennonnet.train.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationReportTest {

    static List<ScoredImage> images(double[] john, double[] notJohn) {
        List<ScoredImage> out = new ArrayList<>();
        for (double p : john) {
            out.add(new ScoredImage("j" + out.size(), "", p, "john", "", ""));
        }
        for (double p : notJohn) {
            out.add(new ScoredImage("n" + out.size(), "", p, "not_john", "", ""));
        }
        return out;
    }

    @Test
    void theReportUsesTheGivenThresholdAndTrainingPriorNotTheTestSet() {
        // test: 4 john, 6 not_john; one john at 0.45 is wrong at 0.5 but right at 0.4
        List<ScoredImage> test = images(new double[] {0.9, 0.8, 0.7, 0.45}, new double[] {0.1, 0.2, 0.3, 0.2, 0.1, 0.6});
        var threshold = new EvaluationReport.Threshold(0.4, "validation", "test");
        EvaluationReport r = Evaluation.report("m", "d", test, List.of(), threshold, new int[] {100, 900});
        assertThat(r.table()).isEqualTo(new EvaluationReport.Table(4, 4, 5, 6));
        assertThat(r.accuracy()).isEqualTo(0.9);
        assertThat(r.atHalf().table()).isEqualTo(new EvaluationReport.Table(3, 4, 5, 6));
        assertThat(r.confusion().get("not_john")).containsEntry("john", 1).containsEntry("not_john", 5);
        assertThat(r.perClass().get("john").precision()).isCloseTo(0.8, within(1e-12));
        assertThat(r.perClass().get("john").recall()).isEqualTo(1.0);
        // baselines come from the training counts: 10% john, so the majority answers not_john
        assertThat(r.baselines().majority().predicts()).isEqualTo("not_john");
        assertThat(r.baselines().majority().accuracy()).isEqualTo(0.6);
        assertThat(r.baselines().prior().pJohn()).isEqualTo(0.1);
        assertThat(r.baselines().prior().expectedAccuracy()).isCloseTo(0.1 * 0.4 + 0.9 * 0.6, within(1e-12));
        // the 2 bins split at the report's threshold (0.4): every john is at or above it, all right
        assertThat(r.histograms2().get("john")).containsExactly(0, 4);
        assertThat(r.histograms2().get("not_john")).containsExactly(5, 1);
        assertThat(r.histograms25().get("not_john")[2]).isEqualTo(2); // both 0.1s fall in [0.08, 0.12)
        assertThat(r.accuracyCi95().low()).isLessThan(0.9).isGreaterThan(0.5);
    }
}
