package net.lennonnet.train;

import net.lennonnet.train.dashboard.EpochStats;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run produced.
 *
 * @param model          the model bundle folder (what {@code --model} takes)
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
public record TrainResult(Path model, List<EpochStats> history, int bestEpoch, boolean pretrained, String backbone,
        double[] classWeights, TestReport test, double featureSeconds, int featuresComputed, double headSeconds) {}
