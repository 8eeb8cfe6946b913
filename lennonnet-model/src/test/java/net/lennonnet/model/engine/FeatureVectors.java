package net.lennonnet.model.engine;

/** Comparisons of two engines' feature vectors, for the parity tests here and in lennonnet-backbones. */
public final class FeatureVectors {

    private FeatureVectors() {}

    /** The cosine of the angle between {@code a} and {@code b}. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
