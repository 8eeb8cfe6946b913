package net.lennonnet.model.bundle;

import java.util.List;

/**
 * How a model turns what the network computed into P(john), chosen when it was trained and saved with
 * it ({@code lennonnet.json}), so {@code predict}, {@code serve} and {@code LennonNet} give the answer
 * that cross-validated best.
 *
 * <p>Three scores, each a number that is higher for john, made a probability by Platt scaling
 * ({@code P = sigmoid(plattA * score + plattB)}, fitted on held-out scores):
 * <ul>
 *   <li>{@link Score#HEAD}: the trained head. Its standardisation and Platt scaling are folded into the
 *       graph's output layer, so the graph's softmax already is the calibrated P(john), and
 *       {@code plattA}, {@code plattB} are recorded only;</li>
 *   <li>{@link Score#CENTRE}: minus the distance of the head's input (a face descriptor) to {@code centre},
 *       the mean descriptor of the training john faces;</li>
 *   <li>{@link Score#NEIGHBOURS}: the distance to the nearest not_john reference minus the distance to
 *       the nearest john reference ({@code references}, with {@code referenceIsJohn}).</li>
 * </ul>
 *
 * @param score           which score answers
 * @param plattA          Platt slope, finite
 * @param plattB          Platt intercept, finite
 * @param centre          for {@link Score#CENTRE}: the john centre; empty otherwise
 * @param references      for {@link Score#NEIGHBOURS}: the reference descriptors; empty otherwise
 * @param referenceIsJohn for {@link Score#NEIGHBOURS}: whether each reference is john
 * @param heldOut         how the held-out scores were made, in words (cross-validation or validation)
 * @param candidates      every score that was tried, with its held-out figures
 */
public record Decision(Score score, double plattA, double plattB, float[] centre, List<float[]> references,
        List<Boolean> referenceIsJohn, String heldOut, List<Candidate> candidates) {

    /** The scores a model can answer with. */
    public enum Score { HEAD, CENTRE, NEIGHBOURS }

    /**
     * One score as tried on held-out images.
     *
     * @param score    the score
     * @param logLoss  class-balanced log loss of its calibrated P(john) on the held-out images
     * @param accuracy balanced accuracy at the threshold chosen for it
     * @param auc      area under its ROC curve
     */
    public record Candidate(Score score, double logLoss, double accuracy, double auc) {}

    /** Most references a {@link Score#NEIGHBOURS} decision keeps (they travel in {@code lennonnet.json}). */
    public static final int MAX_REFERENCES = 2_000;

    public Decision {
        if (score == null) {
            throw new IllegalArgumentException("a decision needs its score");
        }
        if (!Double.isFinite(plattA) || !Double.isFinite(plattB)) {
            throw new IllegalArgumentException("Platt scaling must be finite, got a " + plattA + ", b " + plattB);
        }
        centre = centre == null ? new float[0] : centre.clone();
        references = references == null ? List.of() : List.copyOf(references);
        referenceIsJohn = referenceIsJohn == null ? List.of() : List.copyOf(referenceIsJohn);
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
        heldOut = heldOut == null ? "" : heldOut;
        if (score == Score.CENTRE && centre.length == 0) {
            throw new IllegalArgumentException("a centre decision needs its centre");
        }
        if (score == Score.NEIGHBOURS) {
            if (references.isEmpty() || references.size() != referenceIsJohn.size()
                    || !referenceIsJohn.contains(true) || !referenceIsJohn.contains(false)) {
                throw new IllegalArgumentException("a neighbours decision needs references of both classes, one label each");
            }
            if (references.size() > MAX_REFERENCES) {
                throw new IllegalArgumentException("a neighbours decision keeps at most " + MAX_REFERENCES
                        + " references, got " + references.size());
            }
            int width = references.get(0).length;
            if (references.stream().anyMatch(r -> r.length != width)) {
                throw new IllegalArgumentException("neighbour references must all have " + width + " numbers");
            }
        }
    }

    /** What models saved before decisions were recorded answer with: the head's softmax as it is. */
    public static Decision head() {
        return new Decision(Score.HEAD, 1, 0, null, null, null, "not recorded (an older model)", null);
    }

    @Override
    public float[] centre() {
        return centre.clone();
    }

    /** Equal when every field is, the centre and references by their numbers. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Decision d)) {
            return false;
        }
        if (references.size() != d.references.size()) {
            return false;
        }
        for (int i = 0; i < references.size(); i++) {
            if (!java.util.Arrays.equals(references.get(i), d.references.get(i))) {
                return false;
            }
        }
        return score == d.score && Double.compare(plattA, d.plattA) == 0 && Double.compare(plattB, d.plattB) == 0
                && java.util.Arrays.equals(centre, d.centre) && referenceIsJohn.equals(d.referenceIsJohn)
                && heldOut.equals(d.heldOut) && candidates.equals(d.candidates);
    }

    @Override
    public int hashCode() {
        int h = java.util.Objects.hash(score, plattA, plattB, referenceIsJohn, heldOut, candidates);
        h = 31 * h + java.util.Arrays.hashCode(centre);
        for (float[] r : references) {
            h = 31 * h + java.util.Arrays.hashCode(r);
        }
        return h;
    }

    @Override
    public String toString() {
        return "Decision[score=" + score + ", plattA=" + plattA + ", plattB=" + plattB + ", centre=" + centre.length
                + " numbers, references=" + references.size() + ", heldOut=" + heldOut + ", candidates=" + candidates + "]";
    }

    /** Whether answering needs the head's input (the features) rather than the graph's output. */
    public boolean readsFeatures() {
        return score != Score.HEAD;
    }

    /** P(john) from the features (the head's input) of one image; only for {@link #readsFeatures()} decisions. */
    public double probabilityJohn(float[] features) {
        double raw = switch (score) {
            case CENTRE -> -distance(features, centre);
            case NEIGHBOURS -> neighbourMargin(features);
            case HEAD -> throw new IllegalStateException("the head's P(john) is the graph's output");
        };
        return sigmoid(plattA * raw + plattB);
    }

    private double neighbourMargin(float[] features) {
        return neighbourMargin(features, references, referenceIsJohn);
    }

    /** The distance to the nearest not_john reference minus the distance to the nearest john reference. */
    public static double neighbourMargin(float[] features, List<float[]> references, List<Boolean> referenceIsJohn) {
        double john = Double.POSITIVE_INFINITY;
        double other = Double.POSITIVE_INFINITY;
        for (int i = 0; i < references.size(); i++) {
            double d = distance(features, references.get(i));
            if (referenceIsJohn.get(i)) {
                john = Math.min(john, d);
            } else {
                other = Math.min(other, d);
            }
        }
        return other - john;
    }

    /** The mean of some feature vectors of one width: the john centre of a {@link Score#CENTRE} decision. */
    public static float[] centre(List<float[]> vectors) {
        float[] centre = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int j = 0; j < centre.length; j++) {
                centre[j] += v[j] / vectors.size();
            }
        }
        return centre;
    }

    /** Euclidean distance; the widths must agree. */
    public static double distance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("features have " + a.length + " numbers, the decision expects " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    /** The logistic function, without overflow. */
    public static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
