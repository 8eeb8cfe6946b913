package net.lennonnet.train;

import java.nio.file.Path;
import java.util.List;
import net.lennonnet.train.dashboard.EpochStats;
import net.lennonnet.train.run.RunFolder;

/**
 * What a training run produced.
 *
 * @param run            the run folder: the model bundle (what {@code --model} takes), its history and test report
 * @param history        every epoch trained
 * @param bestEpoch      the epoch whose weights were kept (lowest validation loss)
 * @param pretrained     whether the backbone had ImageNet weights
 * @param backbone       where the backbone's weights came from
 * @param classWeights   loss weight per class, john first
 * @param test           the held-out test report
 * @param featureSeconds time spent computing backbone features
 * @param featuresComputed images whose features were computed (not found in the cache)
 * @param headSeconds    time spent training the head
 */
public record TrainResult(RunFolder run, List<EpochStats> history, int bestEpoch, boolean pretrained, String backbone,
        double[] classWeights, TestReport test, double featureSeconds, int featuresComputed, double headSeconds) {

    /** The model bundle folder (what {@code --model} and {@code LennonNet.load} take). */
    public Path model() {
        return run.model();
    }
}
