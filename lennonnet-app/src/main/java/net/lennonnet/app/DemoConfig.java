package net.lennonnet.app;

import java.nio.file.Path;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.backbones.WeightsFetch;

/**
 * The offline demo.
 *
 * @param work       everything goes under this folder: raw/, dataset/, model/
 * @param perClass   generated images per class, 20..100000
 * @param inputSize  network input edge in pixels for a random backbone (ImageNet weights use their bundle's, 224)
 * @param epochs     maximum head-training epochs
 * @param learningRate Adam learning rate of the head
 * @param patience   early-stopping patience in epochs
 * @param seed       seed of images, split and training
 * @param uiPort     DL4J dashboard port, or 0 for none
 * @param weights    where the backbone comes from; default: real weights by the ways of {@code weights fetch}, else random
 * @param analysisPerSet images drawn for each analysis set (long hair without glasses, short hair,
 *                   potatoes), 0..100000; 0 skips the analysis step
 * @param backbone   ResNet-50 (the design's default) or the face descriptor on aligned faces
 */
public record DemoConfig(Path work, int perClass, int inputSize, int epochs, double learningRate, int patience, long seed,
        int uiPort, WeightsChoice weights, int analysisPerSet, BackboneKind backbone) {

    /** A ResNet-50 demo. */
    public DemoConfig(Path work, int perClass, int inputSize, int epochs, double learningRate, int patience, long seed,
            int uiPort, WeightsChoice weights, int analysisPerSet) {
        this(work, perClass, inputSize, epochs, learningRate, patience, seed, uiPort, weights, analysisPerSet,
                BackboneKind.RESNET50);
    }

    public DemoConfig {
        if (work == null) {
            throw new IllegalArgumentException("work folder is required");
        }
        if (perClass < 20 || perClass > 100_000) {
            throw new IllegalArgumentException("images per class must be 20..100000, got " + perClass);
        }
        if (analysisPerSet < 0 || analysisPerSet > 100_000) {
            throw new IllegalArgumentException("analysis images per set must be 0..100000, got " + analysisPerSet);
        }
        weights = weights == null ? new WeightsChoice.FetchOrRandom(WeightsFetch.Ways.all()) : weights;
        backbone = backbone == null ? BackboneKind.RESNET50 : backbone;
    }

    /** Test images per class: a fifth of each class, at most the original's 100. */
    public int testPerClass() {
        return Math.min(100, perClass / 5);
    }
}
