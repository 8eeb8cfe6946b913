package net.lennonnet.train;

import net.lennonnet.train.evaluation.Metrics;

/**
 * The P(john) at or above which a model answers "john", chosen when it is trained and saved with it,
 * so that {@code predict}, {@code serve}, embedding applications and the 2-bin histograms all use
 * the same one: the threshold that maximises balanced accuracy on the validation split (the same
 * rule {@code evaluate} applies), never on the test split.
 *
 * @param value  in (0, 1)
 * @param source how it was chosen, in words (saved as the model's {@code thresholdSource})
 */
public record DecisionThreshold(double value, String source) {

    /** Kept away from 0 and 1, which a model's metadata does not accept. */
    private static final double MARGIN = 1e-6;

    public DecisionThreshold {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + value);
        }
    }

    /** Chosen on validation images; 0.5 when they lack a class (nothing to balance). */
    public static DecisionThreshold fromValidation(double[] pJohn, boolean[] isJohn) {
        boolean john = false;
        boolean other = false;
        for (boolean b : isJohn) {
            john |= b;
            other |= !b;
        }
        if (!john || !other) {
            return new DecisionThreshold(0.5, "default 0.5: the validation split lacks a class");
        }
        double best = Math.min(1 - MARGIN, Math.max(MARGIN, Metrics.bestThreshold(pJohn, isJohn)));
        return new DecisionThreshold(best, "validation: maximises balanced accuracy on the " + pJohn.length
                + " validation images (ties: nearest 0.5)");
    }
}
