package net.lennonnet.train.head;

import net.lennonnet.model.bundle.Decision;

/**
 * Platt scaling: {@code P(john) = sigmoid(a * score + b)}, fitted by Newton's method to held-out scores
 * with class-balanced weights, so P(john) means what it says on a set that holds as many john as
 * not_john images (as the held-out test split does).
 *
 * <p>Scores are standardised before the fit and a small ridge ({@value #RIDGE}) holds the slope: when
 * held-out scores separate the classes perfectly, the unpenalised slope would run to infinity and every
 * answer would become 0 or 1; with it, a score one standard deviation from the boundary gets about 0.99.
 *
 * @param a slope, on raw scores
 * @param b intercept, on raw scores
 */
public record Platt(double a, double b) {

    static final double RIDGE = 1e-3;

    /** No change: {@code sigmoid(score)}. */
    public static Platt identity() {
        return new Platt(1, 0);
    }

    public double probability(double score) {
        return Decision.sigmoid(a * score + b);
    }

    public double[] probabilities(double[] scores) {
        double[] p = new double[scores.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = probability(scores[i]);
        }
        return p;
    }

    /** Fits to scores (higher for john) of held-out images of both classes. */
    public static Platt fit(double[] scores, boolean[] john) {
        int n = scores.length;
        int johns = 0;
        for (boolean j : john) {
            johns += j ? 1 : 0;
        }
        if (johns == 0 || johns == n) {
            throw new IllegalArgumentException("Platt scaling needs held-out scores of both classes, got " + johns
                    + " john of " + n);
        }
        double mean = 0;
        for (double s : scores) {
            mean += s / n;
        }
        double var = 0;
        for (double s : scores) {
            var += (s - mean) * (s - mean) / n;
        }
        double sd = var > 1e-24 ? Math.sqrt(var) : 1;
        double[] z = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (scores[i] - mean) / sd;
            w[i] = 1.0 / (2.0 * (john[i] ? johns : n - johns));
        }
        double a = 1;
        double b = 0;
        double f = objective(z, w, john, a, b);
        for (int iteration = 0; iteration < 100; iteration++) {
            double ga = RIDGE * a;
            double gb = 0;
            double haa = RIDGE;
            double hab = 0;
            double hbb = 1e-9;
            for (int i = 0; i < n; i++) {
                double p = Decision.sigmoid(a * z[i] + b);
                double r = w[i] * (p - (john[i] ? 1 : 0));
                double h = w[i] * p * (1 - p);
                ga += r * z[i];
                gb += r;
                haa += h * z[i] * z[i];
                hab += h * z[i];
                hbb += h;
            }
            double det = haa * hbb - hab * hab;
            double da = -(hbb * ga - hab * gb) / det;
            double db = -(haa * gb - hab * ga) / det;
            double step = 1;
            double next;
            while ((next = objective(z, w, john, a + step * da, b + step * db)) > f && step > 1e-10) {
                step /= 2;
            }
            a += step * da;
            b += step * db;
            boolean done = f - next < 1e-14;
            f = Math.min(f, next);
            if (done) {
                break;
            }
        }
        return new Platt(a / sd, b - a * mean / sd);
    }

    private static double objective(double[] z, double[] w, boolean[] john, double a, double b) {
        double f = RIDGE / 2 * a * a;
        for (int i = 0; i < z.length; i++) {
            double m = (john[i] ? 1 : -1) * (a * z[i] + b);
            f += w[i] * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
        }
        return f;
    }
}
