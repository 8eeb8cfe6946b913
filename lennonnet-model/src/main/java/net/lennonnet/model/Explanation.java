package net.lennonnet.model;

import net.lennonnet.model.explain.Heatmap;

/**
 * An answer and why: the prediction, and the heatmap over the original photo that it came from
 * ({@link LennonNet#explain}).
 */
public record Explanation(Prediction prediction, Heatmap heatmap) {}
