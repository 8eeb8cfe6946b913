package net.lennonnet.train.dashboard;

/**
 * One epoch of head training, as shown in the log and stored in {@code history.jsonl}.
 *
 * @param epoch              1-based epoch number
 * @param trainLoss          mean loss over the training set after the epoch
 * @param validationLoss     mean loss over the validation set after the epoch
 * @param validationAccuracy share of validation images classified right at threshold 0.5
 * @param learningRate       learning rate used in the epoch
 * @param seconds            wall time of the epoch
 */
public record EpochStats(int epoch, double trainLoss, double validationLoss, double validationAccuracy,
        double learningRate, double seconds) implements java.io.Serializable {}
