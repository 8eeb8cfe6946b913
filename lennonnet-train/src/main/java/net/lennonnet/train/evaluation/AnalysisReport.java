package net.lennonnet.train.evaluation;

import java.util.List;

/**
 * What {@code lennonnet analyze} found, written as {@code analysis.json}. Field names are stable;
 * docs/evaluation.md explains each.
 *
 * @param model           the model folder or file
 * @param threshold       P(john) at or above which the answer is john
 * @param thresholdSource {@code model} or {@code option}
 * @param uncertainLow    lower edge of the uncertain band of P(john)
 * @param uncertainHigh   upper edge of the uncertain band
 * @param sets            one result per image set, in the order given
 */
public record AnalysisReport(String model, double threshold, String thresholdSource, double uncertainLow,
        double uncertainHigh, List<SetResult> sets) {

    /**
     * @param name               the set's name ({@code paul})
     * @param folder             its folder
     * @param expected           the label its images should get
     * @param images             images scored
     * @param failed             images that could not be scored, with the reason
     * @param predictedJohn      images answered john at the threshold
     * @param right              images answered with the expected label
     * @param sharePredictedJohn predictedJohn / images
     * @param shareRight         right / images
     * @param meanPJohn          mean P(john)
     * @param medianPJohn        median P(john)
     * @param shareUncertain     share with P(john) inside the uncertain band (edges included)
     * @param histogram25        P(john) in 25 equal bins over [0, 1]
     * @param histogram2         P(john) in 2 bins: below 0.5, 0.5 and above
     */
    public record SetResult(String name, String folder, String expected, int images,
            List<EvaluationReport.Failure> failed, int predictedJohn, int right, double sharePredictedJohn,
            double shareRight, double meanPJohn, double medianPJohn, double shareUncertain, int[] histogram25,
            int[] histogram2) {}
}
