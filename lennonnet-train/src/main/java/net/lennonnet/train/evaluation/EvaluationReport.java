package net.lennonnet.train.evaluation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code lennonnet evaluate} found on the held-out test set, written as {@code evaluation.json}.
 * Field names are stable; docs/evaluation.md explains each.
 *
 * @param model          the model folder or file
 * @param data           the dataset folder
 * @param threshold      the decision threshold used and where it came from
 * @param images         test images scored
 * @param failed         test images that could not be scored, with the reason
 * @param table          the original project's table: john and not_john right out of how many
 * @param accuracy       share of scored test images classified right
 * @param accuracyCi95   95% Wilson interval of the accuracy
 * @param confusion      true label -> predicted label -> images
 * @param perClass       precision, recall and F1 with each class as the positive one
 * @param auc            area under the ROC curve (john positive)
 * @param roc            the ROC curve
 * @param ece            expected calibration error over 10 equal bins
 * @param reliability    the reliability diagram's 10 bins
 * @param logLoss        mean negative log-likelihood of the true labels
 * @param brier          mean squared error of P(john)
 * @param baselines      trivial classifiers on the same test set
 * @param atHalf         the table and accuracy at threshold 0.5, for comparison with the chosen one
 * @param histograms25   per true label, P(john) in 25 bins
 * @param histograms2    per true label, P(john) in 2 bins (below 0.5, 0.5 and above)
 * @param centre         for a face model, the distance-to-john-centre score beside the head ({@link #centreScore});
 *                       absent from the JSON otherwise
 */
public record EvaluationReport(String model, String data, Threshold threshold, int images, List<Failure> failed,
        Table table, double accuracy, Metrics.Interval accuracyCi95, Map<String, Map<String, Integer>> confusion,
        Map<String, ClassMetrics> perClass, double auc, List<Metrics.RocPoint> roc, double ece,
        List<Metrics.ReliabilityBin> reliability, double logLoss, double brier, Baselines baselines, AtThreshold atHalf,
        Map<String, int[]> histograms25, Map<String, int[]> histograms2,
        @JsonProperty("centreScore") @JsonInclude(JsonInclude.Include.NON_NULL) CentreScore centre) {

    /** For a face model, the distance-to-john-centre score beside the head; empty for other models. */
    public Optional<CentreScore> centreScore() {
        return Optional.ofNullable(centre);
    }

    /** This report with the face model's centre score. */
    public EvaluationReport withCentreScore(CentreScore score) {
        return new EvaluationReport(model, data, threshold, images, failed, table, accuracy, accuracyCi95, confusion,
                perClass, auc, roc, ece, reliability, logLoss, brier, baselines, atHalf, histograms25, histograms2, score);
    }

    /**
     * @param value  P(john) at or above which the answer is john
     * @param source {@code validation} (chosen on the validation split) or {@code model} (the model's own)
     * @param detail how, in words
     */
    public record Threshold(double value, String source, String detail) {}

    /** An image that could not be scored. */
    public record Failure(String path, String error) {}

    public record Table(int johnCorrect, int johnTotal, int notJohnCorrect, int notJohnTotal) {}

    public record ClassMetrics(double precision, double recall, double f1) {}

    /**
     * @param majority answers the class that was more common in training, always
     * @param prior    answers john at random with the training share of john
     */
    public record Baselines(Majority majority, Prior prior) {}

    public record Majority(String predicts, double accuracy, Metrics.Interval accuracyCi95) {}

    /**
     * @param pJohn            the share of john among the training images
     * @param expectedAccuracy its expected accuracy on this test set
     * @param logLoss          its log loss if it answers P(john) = pJohn for every image
     * @param brier            likewise, its Brier score
     */
    public record Prior(double pJohn, double expectedAccuracy, double logLoss, double brier) {}

    public record AtThreshold(double threshold, Table table, double accuracy) {}
}
