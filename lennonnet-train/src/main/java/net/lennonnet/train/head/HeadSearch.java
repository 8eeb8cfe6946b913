package net.lennonnet.train.head;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.lennonnet.model.bundle.Decision.Score;
import net.lennonnet.model.bundle.Decision;
import net.lennonnet.train.evaluation.Metrics;

/**
 * Everything that turns cached features into the model's answer, chosen on held-out scores: the L2
 * strength of the head ({@link LogisticHead}), which score answers ({@link Decision.Score}: the head, and
 * for a face model also the distance to the john centre and the nearest neighbours), its Platt
 * calibration ({@link Platt}) and the threshold.
 *
 * <p>Held-out scores come from the validation split when it holds at least {@value #MIN_VALIDATION_PER_CLASS}
 * images of each class. With fewer (a person with a handful of photos), one validation image would decide
 * everything, so train and validation are pooled and the scores are out-of-fold: k-fold cross-validation
 * by image (augmented views stay with their image), stratified, k = min(5, images of the smaller class).
 * The final head is then fitted on the pool. With a single image of a class there is nothing to hold out:
 * the head gets a middle L2 strength, no calibration, and threshold 0.5, and says so.
 */
public final class HeadSearch {

    /** L2 strengths tried, strongest first (each fit starts where the previous one ended). */
    public static final double[] LAMBDAS = {10, 1, 0.1, 0.01, 1e-3, 1e-4};
    /** Below this many validation images of a class, held-out scores come from cross-validation. */
    public static final int MIN_VALIDATION_PER_CLASS = 50;
    static final int MAX_FOLDS = 5;
    /** The strength used when nothing can be held out. */
    static final double FALLBACK_LAMBDA = 0.01;
    /** Log losses closer than this count as a tie, which the simpler score (in {@link Score} order) wins. */
    static final double TIE = 1e-3;
    private static final int SEARCH_ITERATIONS = 500;

    /**
     * @param distanceScores whether the centre and neighbour scores are candidates (face descriptors, where
     *                       distance means identity)
     * @param maxIterations  most L-BFGS iterations of the final fit
     * @param seed           seed of the fold assignment
     */
    public record Settings(boolean distanceScores, int maxIterations, long seed) {
        public Settings {
            if (maxIterations < 1) {
                throw new IllegalArgumentException("the head needs at least 1 iteration, got " + maxIterations);
            }
        }
    }

    /**
     * What the search chose.
     *
     * @param head            the final head, fitted on {@code fittedOnValidation ? train + validation : train}
     * @param decision        the answering score and its calibration (the head's is to be folded into its layer)
     * @param threshold       P(john) at or above which the answer is john
     * @param thresholdSource how the threshold was chosen, in words
     * @param fittedOnValidation whether the validation images are part of the final fit (cross-validated runs)
     * @param lambdaLosses    held-out log loss per L2 strength tried (empty when nothing was held out)
     */
    public record Choice(HeadFit head, Decision decision, double threshold, String thresholdSource,
            boolean fittedOnValidation, Map<Double, Double> lambdaLosses) {}

    /** Held-out scores: per score kind, one per held-out image, and the truth. */
    private record HeldOut(Map<Score, double[]> raw, boolean[] john, String description) {}

    private final Settings settings;

    public HeadSearch(Settings settings) {
        this.settings = settings;
    }

    /** Runs the search; {@code finalFit} sees every iteration of the final head's fit. */
    public Choice run(HeadData train, HeadData validation, LogisticHead.Listener finalFit) {
        if (train.images(true) == 0 || train.images(false) == 0) {
            throw new IllegalArgumentException("the head needs training images of both classes, got " + train.images(true)
                    + " john and " + train.images(false) + " not_john");
        }
        boolean crossValidate = validation.images(true) < MIN_VALIDATION_PER_CLASS
                || validation.images(false) < MIN_VALIDATION_PER_CLASS;
        HeadData fitData = crossValidate ? HeadData.concat(List.of(train, validation)) : train;
        int folds = Math.min(MAX_FOLDS, Math.min(fitData.images(true), fitData.images(false)));
        if (crossValidate && folds < 2) {
            HeadFit head = new LogisticHead(fitData, fitData.all()).fit(FALLBACK_LAMBDA, settings.maxIterations(), finalFit);
            return new Choice(head, new Decision(Score.HEAD, 1, 0, null, null, null,
                    "nothing held out: a class has a single image", null), 0.5,
                    "default 0.5: a class has a single image, nothing to hold out", true, Map.of());
        }
        Map<Double, Double> lambdaLosses = new LinkedHashMap<>();
        HeldOut heldOut = crossValidate ? crossValidated(fitData, folds, lambdaLosses)
                : onValidation(train, validation, lambdaLosses);
        double lambda = lambdaLosses.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();

        List<Decision.Candidate> candidates = new ArrayList<>();
        Map<Score, Platt> platts = new EnumMap<>(Score.class);
        Map<Score, Double> thresholds = new EnumMap<>(Score.class);
        Score best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (var e : heldOut.raw().entrySet()) {
            Platt platt = Platt.fit(e.getValue(), heldOut.john());
            double[] p = platt.probabilities(e.getValue());
            double threshold = Metrics.bestThreshold(p, heldOut.john());
            double loss = balancedLogLoss(p, heldOut.john());
            candidates.add(new Decision.Candidate(e.getKey(), loss, Metrics.balancedAccuracy(p, heldOut.john(), threshold),
                    Metrics.auc(p, heldOut.john())));
            platts.put(e.getKey(), platt);
            thresholds.put(e.getKey(), threshold);
            if (loss < bestLoss - TIE) {
                best = e.getKey();
                bestLoss = loss;
            }
        }
        HeadFit head = new LogisticHead(fitData, fitData.all()).fit(lambda, settings.maxIterations(), finalFit);
        Platt platt = platts.get(best);
        Decision decision = switch (best) {
            case HEAD -> new Decision(Score.HEAD, platt.a(), platt.b(), null, null, null, heldOut.description(), candidates);
            case CENTRE -> new Decision(Score.CENTRE, platt.a(), platt.b(), centre(fitData, fitData.all()), null, null,
                    heldOut.description(), candidates);
            case NEIGHBOURS -> {
                References refs = References.of(fitData, fitData.all());
                yield new Decision(Score.NEIGHBOURS, platt.a(), platt.b(), null, refs.faces(), refs.isJohn(),
                        heldOut.description(), candidates);
            }
        };
        double threshold = Math.min(1 - 1e-6, Math.max(1e-6, thresholds.get(best)));
        String source = (crossValidate ? "out-of-fold" : "validation") + ": maximises balanced accuracy of the "
                + best.name().toLowerCase(Locale.ROOT) + " score's calibrated P(john) on " + heldOut.description()
                + " (ties: nearest 0.5)";
        return new Choice(head, decision, threshold, source, crossValidate, lambdaLosses);
    }

    /** Out-of-fold scores of every image of {@code pool} (view 0), from {@code folds} folds by image. */
    private HeldOut crossValidated(HeadData pool, int folds, Map<Double, Double> lambdaLosses) {
        int[] fold = foldOfImage(pool, folds, settings.seed());
        int[] firstRows = firstRowOfEachImage(pool);
        boolean[] john = new boolean[firstRows.length];
        double[][] margins = new double[LAMBDAS.length][firstRows.length];
        Map<Score, double[]> raw = new EnumMap<>(Score.class);
        boolean distances = settings.distanceScores() && pool.size() <= Decision.MAX_REFERENCES;
        if (distances) {
            raw.put(Score.CENTRE, new double[firstRows.length]);
            raw.put(Score.NEIGHBOURS, new double[firstRows.length]);
        }
        for (int f = 0; f < folds; f++) {
            int k = f;
            int[] in = java.util.Arrays.stream(pool.all()).filter(i -> fold[pool.image(i)] != k).toArray();
            LogisticHead head = new LogisticHead(pool, in);
            HeadFit previous = null;
            List<HeadFit> path = new ArrayList<>();
            for (double lambda : LAMBDAS) {
                previous = head.fit(lambda, SEARCH_ITERATIONS, previous, null);
                path.add(previous);
            }
            float[] centre = distances ? centre(pool, in) : null;
            References references = distances ? References.of(pool, in) : null;
            for (int h = 0; h < firstRows.length; h++) {
                int row = firstRows[h];
                if (fold[pool.image(row)] != k) {
                    continue;
                }
                john[h] = pool.isJohn(row);
                for (int l = 0; l < LAMBDAS.length; l++) {
                    margins[l][h] = path.get(l).margin(pool.row(row));
                }
                if (distances) {
                    raw.get(Score.CENTRE)[h] = -Decision.distance(pool.row(row), centre);
                    raw.get(Score.NEIGHBOURS)[h] = references.margin(pool.row(row));
                }
            }
        }
        raw.put(Score.HEAD, pickLambda(margins, john, lambdaLosses));
        return new HeldOut(raw, john, folds + "-fold cross-validation over the " + firstRows.length
                + " train + validation images");
    }

    /** Scores of the validation images, from fits on the training images. */
    private HeldOut onValidation(HeadData train, HeadData validation, Map<Double, Double> lambdaLosses) {
        int n = validation.size();
        boolean[] john = new boolean[n];
        for (int i = 0; i < n; i++) {
            john[i] = validation.isJohn(i);
        }
        LogisticHead head = new LogisticHead(train, train.all());
        double[][] margins = new double[LAMBDAS.length][n];
        HeadFit previous = null;
        for (int l = 0; l < LAMBDAS.length; l++) {
            previous = head.fit(LAMBDAS[l], SEARCH_ITERATIONS, previous, null);
            for (int i = 0; i < n; i++) {
                margins[l][i] = previous.margin(validation.row(i));
            }
        }
        Map<Score, double[]> raw = new EnumMap<>(Score.class);
        raw.put(Score.HEAD, pickLambda(margins, john, lambdaLosses));
        if (settings.distanceScores()) {
            float[] centre = centre(train, train.all());
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = -Decision.distance(validation.row(i), centre);
            }
            raw.put(Score.CENTRE, c);
            if (train.size() <= Decision.MAX_REFERENCES) {
                References references = References.of(train, train.all());
                double[] nb = new double[n];
                for (int i = 0; i < n; i++) {
                    nb[i] = references.margin(validation.row(i));
                }
                raw.put(Score.NEIGHBOURS, nb);
            }
        }
        return new HeldOut(raw, john, "the " + n + " validation images");
    }

    /** Records the held-out loss of each strength and returns the margins of the best. */
    private static double[] pickLambda(double[][] margins, boolean[] john, Map<Double, Double> lambdaLosses) {
        int best = 0;
        for (int l = 0; l < LAMBDAS.length; l++) {
            double[] p = new double[john.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = Decision.sigmoid(margins[l][i]);
            }
            double loss = balancedLogLoss(p, john);
            lambdaLosses.put(LAMBDAS[l], loss);
            if (loss < lambdaLosses.get(LAMBDAS[best])) {
                best = l;
            }
        }
        return margins[best];
    }

    /** Mean log loss with each class weighing half. */
    public static double balancedLogLoss(double[] p, boolean[] john) {
        int johns = 0;
        for (boolean b : john) {
            johns += b ? 1 : 0;
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double q = Math.min(1 - 1e-12, Math.max(1e-12, john[i] ? p[i] : 1 - p[i]));
            sum -= Math.log(q) / (2.0 * (john[i] ? johns : p.length - johns));
        }
        return sum;
    }

    /** The mean of the john rows among {@code rows}. */
    static float[] centre(HeadData data, int[] rows) {
        List<float[]> john = new ArrayList<>();
        for (int r : rows) {
            if (data.isJohn(r)) {
                john.add(data.row(r));
            }
        }
        return Decision.centre(john);
    }

    /** {@code rows} of {@code data} as the reference faces and labels of a neighbours score. */
    private record References(List<float[]> faces, List<Boolean> isJohn) {
        static References of(HeadData data, int[] rows) {
            List<float[]> faces = new ArrayList<>(rows.length);
            List<Boolean> isJohn = new ArrayList<>(rows.length);
            for (int r : rows) {
                faces.add(data.row(r));
                isJohn.add(data.isJohn(r));
            }
            return new References(faces, isJohn);
        }

        double margin(float[] x) {
            return Decision.neighbourMargin(x, faces, isJohn);
        }
    }

    /** A fold per image id: each class's images shuffled by the seed, then dealt round the folds. */
    static int[] foldOfImage(HeadData data, int folds, long seed) {
        int maxImage = 0;
        for (int i = 0; i < data.size(); i++) {
            maxImage = Math.max(maxImage, data.image(i));
        }
        int[] fold = new int[maxImage + 1];
        java.util.Arrays.fill(fold, -1);
        for (boolean ofJohn : new boolean[] {true, false}) {
            List<Integer> images = new ArrayList<>();
            for (int r : firstRowOfEachImage(data)) {
                if (data.isJohn(r) == ofJohn) {
                    images.add(data.image(r));
                }
            }
            java.util.Collections.shuffle(images, new Random(seed));
            for (int k = 0; k < images.size(); k++) {
                fold[images.get(k)] = k % folds;
            }
        }
        return fold;
    }

    /** The first row of each image (its view 0), in row order. */
    static int[] firstRowOfEachImage(HeadData data) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        return java.util.Arrays.stream(data.all()).filter(i -> seen.add(data.image(i))).toArray();
    }
}
