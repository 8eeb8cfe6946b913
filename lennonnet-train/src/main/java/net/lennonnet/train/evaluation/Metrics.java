package net.lennonnet.train.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** The statistics of the reports, as plain functions of probabilities and true labels. */
public final class Metrics {

    /** z for a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    private Metrics() {}

    /** A closed interval. */
    public record Interval(double low, double high) {}

    /**
     * The Wilson score interval for a proportion of {@code successes} in {@code n}: unlike the normal
     * approximation it stays inside [0, 1] and is honest near 0 and 1 (97.5% of 200 is 94.3% to 98.9%).
     */
    public static Interval wilson(int successes, int n, double z) {
        if (n <= 0 || successes < 0 || successes > n) {
            throw new IllegalArgumentException("need 0 <= successes <= n and n > 0, got " + successes + " of " + n);
        }
        double p = (double) successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** One point of a ROC curve: at this threshold, false and true positive rates (john is positive). */
    public record RocPoint(double threshold, double falsePositiveRate, double truePositiveRate) {}

    /** The ROC curve from the strictest threshold to the loosest, one point per distinct probability. */
    public static List<RocPoint> roc(double[] pJohn, boolean[] isJohn) {
        int positives = count(isJohn, true);
        int negatives = isJohn.length - positives;
        Integer[] order = sortedDescending(pJohn);
        List<RocPoint> points = new ArrayList<>();
        points.add(new RocPoint(Double.POSITIVE_INFINITY, 0, 0));
        int tp = 0;
        int fp = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            if (isJohn[i]) {
                tp++;
            } else {
                fp++;
            }
            boolean lastOfTie = k == order.length - 1 || pJohn[order[k + 1]] != pJohn[i];
            if (lastOfTie) {
                points.add(new RocPoint(pJohn[i], negatives == 0 ? 0 : (double) fp / negatives,
                        positives == 0 ? 0 : (double) tp / positives));
            }
        }
        return points;
    }

    /**
     * Area under the ROC curve: the chance that a random john image gets a higher P(john) than a
     * random not_john image, ties counting half. NaN when either class is missing.
     */
    public static double auc(double[] pJohn, boolean[] isJohn) {
        int positives = count(isJohn, true);
        int negatives = isJohn.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        List<RocPoint> curve = roc(pJohn, isJohn);
        double area = 0;
        for (int i = 1; i < curve.size(); i++) {
            RocPoint a = curve.get(i - 1);
            RocPoint b = curve.get(i);
            area += (b.falsePositiveRate() - a.falsePositiveRate()) * (a.truePositiveRate() + b.truePositiveRate()) / 2;
        }
        return area;
    }

    /**
     * One bin of a reliability diagram.
     *
     * @param count        images whose P(john) falls in [from, to)
     * @param meanPJohn    their mean P(john), NaN when empty
     * @param fractionJohn the share of them that are john, NaN when empty
     */
    public record ReliabilityBin(double from, double to, int count, double meanPJohn, double fractionJohn) {}

    /** Equal-width bins of P(john) with what the model said and what was true in each. */
    public static List<ReliabilityBin> reliability(double[] pJohn, boolean[] isJohn, int bins) {
        int[] n = new int[bins];
        double[] sumP = new double[bins];
        int[] johns = new int[bins];
        for (int i = 0; i < pJohn.length; i++) {
            int b = Math.min(bins - 1, (int) Math.floor(pJohn[i] * bins));
            n[b]++;
            sumP[b] += pJohn[i];
            johns[b] += isJohn[i] ? 1 : 0;
        }
        List<ReliabilityBin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            out.add(new ReliabilityBin((double) b / bins, (double) (b + 1) / bins, n[b],
                    n[b] == 0 ? Double.NaN : sumP[b] / n[b], n[b] == 0 ? Double.NaN : (double) johns[b] / n[b]));
        }
        return out;
    }

    /** Expected calibration error: the count-weighted mean gap between confidence and truth per bin. */
    public static double expectedCalibrationError(List<ReliabilityBin> bins) {
        int total = bins.stream().mapToInt(ReliabilityBin::count).sum();
        double ece = 0;
        for (ReliabilityBin b : bins) {
            if (b.count() > 0) {
                ece += (double) b.count() / total * Math.abs(b.meanPJohn() - b.fractionJohn());
            }
        }
        return ece;
    }

    /** Mean negative log-likelihood of the true labels (natural log), probabilities clipped at 1e-7. */
    public static double logLoss(double[] pJohn, boolean[] isJohn) {
        double sum = 0;
        for (int i = 0; i < pJohn.length; i++) {
            double p = Math.min(1 - 1e-7, Math.max(1e-7, isJohn[i] ? pJohn[i] : 1 - pJohn[i]));
            sum -= Math.log(p);
        }
        return sum / pJohn.length;
    }

    /** Mean squared error of P(john) against 1 for john and 0 otherwise. */
    public static double brier(double[] pJohn, boolean[] isJohn) {
        double sum = 0;
        for (int i = 0; i < pJohn.length; i++) {
            double d = pJohn[i] - (isJohn[i] ? 1 : 0);
            sum += d * d;
        }
        return sum / pJohn.length;
    }

    /** (john right, john total, not_john right, not_john total) at a threshold: john when P(john) >= it. */
    public static int[] table(double[] pJohn, boolean[] isJohn, double threshold) {
        int[] t = new int[4];
        for (int i = 0; i < pJohn.length; i++) {
            boolean saysJohn = pJohn[i] >= threshold;
            if (isJohn[i]) {
                t[0] += saysJohn ? 1 : 0;
                t[1]++;
            } else {
                t[2] += saysJohn ? 0 : 1;
                t[3]++;
            }
        }
        return t;
    }

    /** Mean of the per-class accuracies: not fooled by a class that outnumbers the other. */
    public static double balancedAccuracy(double[] pJohn, boolean[] isJohn, double threshold) {
        int[] t = table(pJohn, isJohn, threshold);
        double john = t[1] == 0 ? 0 : (double) t[0] / t[1];
        double other = t[3] == 0 ? 0 : (double) t[2] / t[3];
        return t[1] == 0 || t[3] == 0 ? john + other : (john + other) / 2;
    }

    /**
     * The threshold that maximises balanced accuracy on the given (validation) images: tried at 0.5 and
     * at every midpoint between neighbouring distinct probabilities; ties go to the one nearest 0.5.
     */
    public static double bestThreshold(double[] pJohn, boolean[] isJohn) {
        double[] sorted = Arrays.stream(pJohn).distinct().sorted().toArray();
        List<Double> candidates = new ArrayList<>(List.of(0.5));
        for (int i = 1; i < sorted.length; i++) {
            candidates.add((sorted[i - 1] + sorted[i]) / 2);
        }
        return candidates.stream().max(Comparator.<Double>comparingDouble(t -> balancedAccuracy(pJohn, isJohn, t))
                .thenComparing(t -> -Math.abs(t - 0.5))).orElse(0.5);
    }

    /** The median of some values; NaN for none. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static int count(boolean[] values, boolean which) {
        int n = 0;
        for (boolean v : values) {
            n += v == which ? 1 : 0;
        }
        return n;
    }

    private static Integer[] sortedDescending(double[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        return order;
    }
}
