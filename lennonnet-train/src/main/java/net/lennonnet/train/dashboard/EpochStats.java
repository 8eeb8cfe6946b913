package net.lennonnet.train.dashboard;

/**
 * One step of training, as shown in the log and the dashboard and stored in {@code history.jsonl}: an
 * iteration of the head's solver (one pass over the cached features), or an epoch of fine-tuning.
 *
 * @param epoch              1-based step number (iterations first, fine-tuning epochs after)
 * @param trainLoss          mean loss over the training set after the epoch
 * @param validationLoss     mean loss over the validation set after the epoch
 * @param validationAccuracy share of validation images classified right at threshold 0.5
 * @param learningRate       learning rate used in the epoch; for a solver iteration, its step length
 * @param seconds            wall time of the step
 * @param gradientNorm       for a solver iteration, the gradient's norm relative to 1 + |objective| after it
 *                           (the convergence test); NaN for a fine-tuning epoch
 */
public record EpochStats(int epoch, double trainLoss, double validationLoss, double validationAccuracy,
        double learningRate, double seconds, double gradientNorm) implements java.io.Serializable {

    /** A fine-tuning epoch (no gradient norm). */
    public EpochStats(int epoch, double trainLoss, double validationLoss, double validationAccuracy,
            double learningRate, double seconds) {
        this(epoch, trainLoss, validationLoss, validationAccuracy, learningRate, seconds, Double.NaN);
    }
}
