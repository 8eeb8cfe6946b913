package net.lennonnet.train;

import net.lennonnet.train.evaluation.Histogram;
import java.util.Map;

/**
 * The held-out test result in the original project's terms, plus the probability histograms.
 *
 * @param johnCorrect        john images classified john
 * @param johnTotal          john images in the test set
 * @param notJohnCorrect     not_john images classified not_john
 * @param notJohnTotal       not_john images in the test set
 * @param threshold          P(john) at or above which the answer is john
 * @param histograms25       per class, P(john) in 25 bins
 * @param histograms2        per class, P(john) in 2 bins: [below 0.5, at or above 0.5]
 */
public record TestReport(int johnCorrect, int johnTotal, int notJohnCorrect, int notJohnTotal, double threshold,
        Map<String, Histogram> histograms25, Map<String, Histogram> histograms2) {

    /** Share of all test images classified right. */
    public double accuracy() {
        int total = johnTotal + notJohnTotal;
        return total == 0 ? 0 : (johnCorrect + notJohnCorrect) / (double) total;
    }
}
