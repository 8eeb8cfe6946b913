package net.lennonnet.train.evaluation;

import java.util.Arrays;

/**
 * Counts of probabilities in equal-width bins over [0, 1]; a value of exactly 1 falls in the last bin.
 *
 * @param counts images per bin, bin {@code i} covering {@code [i/n, (i+1)/n)}
 */
public record Histogram(int[] counts) {

    public Histogram {
        counts = counts.clone();
    }

    /** Bins probabilities into {@code bins} equal bins over [0, 1]. */
    public static Histogram of(double[] probabilities, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("need at least one bin, got " + bins);
        }
        int[] counts = new int[bins];
        for (double p : probabilities) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probability outside [0, 1]: " + p);
            }
            counts[Math.min(bins - 1, (int) Math.floor(p * bins))]++;
        }
        return new Histogram(counts);
    }

    /**
     * The two bins of the original's right/wrong view: P(john) below {@code threshold}, and at or
     * above it (the model's decision threshold, 0.5 only when that is the threshold).
     */
    public static Histogram split(double[] probabilities, double threshold) {
        int[] counts = new int[2];
        for (double p : probabilities) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probability outside [0, 1]: " + p);
            }
            counts[p >= threshold ? 1 : 0]++;
        }
        return new Histogram(counts);
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    public int total() {
        return Arrays.stream(counts).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return Arrays.toString(counts);
    }
}
