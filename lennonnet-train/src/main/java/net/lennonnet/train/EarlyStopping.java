package net.lennonnet.train;

/**
 * When epochs of gradient training stop: an epoch counts as better only when its validation loss is at
 * least {@value #MIN_IMPROVEMENT} below the best so far (relative, or absolute near zero), and patience
 * counts the epochs since the last such improvement. A loss that creeps down by 1e-6 a time (a loss
 * already at 0.0000) is not progress. The head's own fit needs none of this: it is solved to convergence.
 */
final class EarlyStopping {

    /** The least relative improvement (absolute below a loss of 1) that counts. */
    static final double MIN_IMPROVEMENT = 1e-3;

    /**
     * @param improved whether this epoch is the new best
     * @param stop     whether to stop after it
     */
    record Verdict(boolean improved, boolean stop) {}

    private EarlyStopping() {}

    /**
     * @param loss          this epoch's validation loss
     * @param best          the best so far
     * @param sinceBest     epochs from the best one to this one
     * @param patience      epochs without improvement to allow
     */
    static Verdict judge(double loss, double best, int sinceBest, int patience) {
        boolean improved = Double.isInfinite(best) || best - loss >= MIN_IMPROVEMENT * Math.max(1, Math.abs(best));
        return new Verdict(improved, !improved && sinceBest >= patience);
    }
}
