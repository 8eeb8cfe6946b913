package net.lennonnet.model.explain;

import java.util.Locale;

/** How a heatmap is made: what each command's {@code --occlusion} chooses. */
public enum HeatmapMethod {

    /**
     * The class activation map ({@link ClassActivationMap}): exact for a head on average-pooled maps, about the cost
     * of one answer; a model without one (a face model answering by distances) has no heatmap this way.
     */
    ACTIVATION_MAP,

    /** Occlusion ({@link Occlusion}): any model, a face model answering by distances too; about 25 times the cost of one answer. */
    OCCLUSION;

    /** {@link #OCCLUSION} when asked for, else {@link #ACTIVATION_MAP}. */
    public static HeatmapMethod of(boolean occlusion) {
        return occlusion ? OCCLUSION : ACTIVATION_MAP;
    }

    /** As reports name it: "class activation map" or "occlusion". */
    public String title() {
        return this == OCCLUSION ? "occlusion" : "class activation map";
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
