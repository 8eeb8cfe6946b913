package net.lennonnet.train.head;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The two-class head on cached features as the convex problem it is: L2-regularised, class-weighted
 * logistic regression on standardised features, solved to convergence by L-BFGS on the full set.
 *
 * <p>The objective, with {@code z = (x - mean) / scale} and {@code y} = +1 for john, -1 for not_john:
 * {@code sum_i w_i log(1 + exp(-y_i (beta . z_i + b))) / sum_i w_i + lambda / 2 |beta|^2}; the intercept
 * is not penalised. Standardised rows are never materialised: each iteration is one pass over the
 * original rows (in two halves on two threads), which keeps 12,800 x 2,048 features at 105 MB.
 *
 * <p>A two-class softmax over {@code (m/2, -m/2)} gives the same probabilities as the sigmoid of the
 * margin {@code m}, so the fit folds exactly into a DL4J softmax output layer ({@link HeadFit#foldInto}).
 */
public final class LogisticHead {

    /** Convergence: the gradient's norm at most this, relative to 1 + |objective|. */
    public static final double GRADIENT_TOLERANCE = 1e-6;
    /**
     * Convergence, as SciPy's L-BFGS-B decides it by default: an iteration that lowers the objective by at
     * most this, relative to max(|f|, 1). On data a linear head separates, the optimum lies far out along an
     * exponentially flat valley, where the gradient shrinks by a part in a thousand per iteration while the
     * answers no longer change at all; this stops there.
     */
    public static final double OBJECTIVE_TOLERANCE = 2.2e-9;
    /** Pairs of the L-BFGS memory. */
    private static final int MEMORY = 10;
    private static final int PARALLEL_ROWS = 2_048;

    /** Called after every iteration of a fit. */
    public interface Listener {
        /**
         * @param iteration 1-based
         * @param loss      the weighted data loss (no penalty) on the rows fitted
         * @param step      the line search's step length
         * @param fit       the fit so far
         */
        void iteration(int iteration, double loss, double step, HeadFit fit);
    }

    private final HeadData data;
    private final int[] rows;
    private final double[] mean;
    private final double[] scale;
    private final double weightSum;

    /** A head over {@code rows} of {@code data}, standardised by those rows' statistics. */
    public LogisticHead(HeadData data, int[] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("a head needs at least one row to fit");
        }
        this.data = data;
        this.rows = rows.clone();
        int d = data.width();
        this.mean = new double[d];
        this.scale = new double[d];
        double w = 0;
        for (int r : rows) {
            w += data.weight(r);
            float[] x = data.row(r);
            for (int j = 0; j < d; j++) {
                mean[j] += data.weight(r) * x[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= w;
        }
        for (int r : rows) {
            float[] x = data.row(r);
            for (int j = 0; j < d; j++) {
                double c = x[j] - mean[j];
                scale[j] += data.weight(r) * c * c;
            }
        }
        double meanScale = 0;
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(scale[j] / w);
            meanScale += scale[j] / d;
        }
        // A feature that never varies (a ReLU that never fires here) carries nothing: scale 1 keeps it inert
        // instead of dividing by zero; one that barely varies is not blown up past the typical feature.
        for (int j = 0; j < d; j++) {
            scale[j] = scale[j] > 1e-3 * meanScale && scale[j] > 1e-12 ? scale[j] : 1;
        }
        this.weightSum = w;
    }

    /** Fits from zero weights. */
    public HeadFit fit(double lambda, int maxIterations, Listener listener) {
        return fit(lambda, maxIterations, null, listener);
    }

    /**
     * Fits with L-BFGS until the relative gradient norm is at most {@link #GRADIENT_TOLERANCE}, an
     * iteration lowers the objective by at most {@link #OBJECTIVE_TOLERANCE}, or {@code maxIterations}.
     *
     * @param lambda  L2 strength on the standardised weights, &gt; 0
     * @param start   a fit of the same data to start from (warm start along a regularisation path), or null
     */
    public HeadFit fit(double lambda, int maxIterations, HeadFit start, Listener listener) {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and > 0, got " + lambda);
        }
        int d = data.width();
        double[] theta = new double[d + 1]; // beta, then the intercept
        if (start != null) {
            System.arraycopy(start.beta(), 0, theta, 0, d);
            theta[d] = start.intercept();
        }
        double[] grad = new double[d + 1];
        double f = objective(theta, lambda, grad);
        double[][] s = new double[MEMORY][];
        double[][] y = new double[MEMORY][];
        double[] rho = new double[MEMORY];
        int stored = 0;
        int iteration = 0;
        double gnorm = norm(grad);
        while (iteration < maxIterations && gnorm > GRADIENT_TOLERANCE * (1 + Math.abs(f))) {
            double[] direction = direction(grad, s, y, rho, stored, iteration);
            double slope = dot(direction, grad);
            if (slope >= 0) { // not a descent direction (numerical trouble): restart from steepest descent
                stored = 0;
                direction = scaled(grad, -1);
                slope = dot(direction, grad);
            }
            double step = stored == 0 ? Math.min(1, 1 / Math.max(gnorm, 1e-12)) : 1;
            double[] next = new double[d + 1];
            double[] nextGrad = new double[d + 1];
            double fNext;
            int backtracks = 0;
            while (true) {
                for (int j = 0; j <= d; j++) {
                    next[j] = theta[j] + step * direction[j];
                }
                fNext = objective(next, lambda, nextGrad);
                if (fNext <= f + 1e-4 * step * slope || backtracks++ > 40) {
                    break;
                }
                step *= 0.5;
            }
            iteration++;
            double[] sk = new double[d + 1];
            double[] yk = new double[d + 1];
            for (int j = 0; j <= d; j++) {
                sk[j] = next[j] - theta[j];
                yk[j] = nextGrad[j] - grad[j];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-12) {
                int slot = stored < MEMORY ? stored : MEMORY - 1;
                if (stored == MEMORY) {
                    System.arraycopy(s, 1, s, 0, MEMORY - 1);
                    System.arraycopy(y, 1, y, 0, MEMORY - 1);
                    System.arraycopy(rho, 1, rho, 0, MEMORY - 1);
                } else {
                    stored++;
                }
                s[slot] = sk;
                y[slot] = yk;
                rho[slot] = 1 / sy;
            }
            boolean flat = f - fNext <= OBJECTIVE_TOLERANCE * Math.max(1, Math.max(Math.abs(f), Math.abs(fNext)));
            theta = next;
            grad = nextGrad;
            f = fNext;
            gnorm = norm(grad);
            if (listener != null) {
                listener.iteration(iteration, f - penalty(theta, lambda), step, result(theta, lambda, f, gnorm, iteration));
            }
            if (flat) {
                break;
            }
        }
        return result(theta, lambda, f, gnorm, iteration);
    }

    private HeadFit result(double[] theta, double lambda, double f, double gnorm, int iterations) {
        int d = data.width();
        return new HeadFit(Arrays.copyOf(theta, d), theta[d], mean.clone(), scale.clone(), lambda,
                f - penalty(theta, lambda), gnorm / (1 + Math.abs(f)), iterations);
    }

    /** The two-loop recursion: minus the inverse-Hessian estimate times the gradient. */
    private static double[] direction(double[] grad, double[][] s, double[][] y, double[] rho, int stored, int iteration) {
        double[] q = grad.clone();
        double[] alpha = new double[stored];
        for (int k = stored - 1; k >= 0; k--) {
            alpha[k] = rho[k] * dot(s[k], q);
            axpy(-alpha[k], y[k], q);
        }
        if (stored > 0) {
            double gamma = dot(s[stored - 1], y[stored - 1]) / dot(y[stored - 1], y[stored - 1]);
            for (int j = 0; j < q.length; j++) {
                q[j] *= gamma;
            }
        }
        for (int k = 0; k < stored; k++) {
            double beta = rho[k] * dot(y[k], q);
            axpy(alpha[k] - beta, s[k], q);
        }
        return scaled(q, -1);
    }

    /** The objective at {@code theta}, its gradient written into {@code grad}. */
    private double objective(double[] theta, double lambda, double[] grad) {
        int d = data.width();
        // margin = v . x + c with v = beta / scale and c = b - v . mean
        double[] v = new double[d];
        double offset = theta[d];
        for (int j = 0; j < d; j++) {
            v[j] = theta[j] / scale[j];
            offset -= v[j] * mean[j];
        }
        double c = offset;
        float[] vf = new float[d];
        for (int j = 0; j < d; j++) {
            vf[j] = (float) v[j];
        }
        int chunks = Math.max(1, (rows.length + PARALLEL_ROWS - 1) / PARALLEL_ROWS);
        double[][] partial = IntStream.range(0, chunks).parallel().mapToObj(k -> {
            double[] acc = new double[d + 2]; // sum r_i x_i, then sum r_i, then the loss
            int to = Math.min(rows.length, (k + 1) * PARALLEL_ROWS);
            for (int i = k * PARALLEL_ROWS; i < to; i++) {
                int row = rows[i];
                float[] x = data.row(row);
                double m = c + dot(vf, x);
                double yi = data.isJohn(row) ? 1 : -1;
                double w = data.weight(row);
                double z = -yi * m;
                acc[d + 1] += w * (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
                double r = -yi * w * net.lennonnet.model.bundle.Decision.sigmoid(z); // d loss / d margin
                for (int j = 0; j < d; j++) {
                    acc[j] += r * x[j];
                }
                acc[d] += r;
            }
            return acc;
        }).toArray(double[][]::new);
        double[] sum = new double[d + 2];
        for (double[] p : partial) {
            for (int j = 0; j < d + 2; j++) {
                sum[j] += p[j];
            }
        }
        for (int j = 0; j < d; j++) {
            grad[j] = (sum[j] - sum[d] * mean[j]) / scale[j] / weightSum + lambda * theta[j];
        }
        grad[d] = sum[d] / weightSum;
        return sum[d + 1] / weightSum + penalty(theta, lambda);
    }

    private static double penalty(double[] theta, double lambda) {
        double sum = 0;
        for (int j = 0; j < theta.length - 1; j++) {
            sum += theta[j] * theta[j];
        }
        return lambda / 2 * sum;
    }

    private static double dot(float[] a, float[] b) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = a.length;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += (double) a[j] * b[j];
            s1 += (double) a[j + 1] * b[j + 1];
            s2 += (double) a[j + 2] * b[j + 2];
            s3 += (double) a[j + 3] * b[j + 3];
        }
        for (; j < n; j++) {
            s0 += (double) a[j] * b[j];
        }
        return s0 + s1 + s2 + s3;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int j = 0; j < x.length; j++) {
            y[j] += a * x[j];
        }
    }

    private static double[] scaled(double[] x, double a) {
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = a * x[j];
        }
        return out;
    }

    private static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }
}
