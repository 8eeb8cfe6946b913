package net.lennonnet.train;

/**
 * The slow path after the head has converged: unfreeze the backbone's last stage and train it with
 * the head at a lower learning rate, on images rather than cached features (fastai's
 * {@code fine_tune}: freeze, then unfreeze).
 *
 * @param epochs       epochs of fine-tuning, 0..1000 (0: off)
 * @param learningRate Adam learning rate for the last stage and the head, (0, 1]
 */
public record FineTuning(int epochs, double learningRate) {

    public static final double DEFAULT_LEARNING_RATE = 0.0001;

    public FineTuning {
        if (epochs < 0 || epochs > 1000) {
            throw new IllegalArgumentException("fine-tuning epochs must be 0..1000, got " + epochs);
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("fine-tuning learning rate must be in (0, 1], got " + learningRate);
        }
    }

    /** No fine-tuning: the frozen backbone's fast path only. */
    public static FineTuning off() {
        return new FineTuning(0, DEFAULT_LEARNING_RATE);
    }

    public boolean enabled() {
        return epochs > 0;
    }
}
