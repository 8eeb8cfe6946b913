package net.lennonnet.train.head;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fitted head: weights on standardised features, the standardisation, and how the fit ended.
 *
 * @param beta         weights on the standardised features
 * @param intercept    the intercept
 * @param mean         the training rows' (weighted) mean, per feature
 * @param scale        their standard deviation, per feature (1 for a feature that does not vary)
 * @param lambda       the L2 strength it was fitted with
 * @param loss         the weighted data loss on the rows fitted, at the end
 * @param gradientNorm the gradient's norm relative to 1 + |objective|, at the end
 * @param iterations   L-BFGS iterations taken
 */
public record HeadFit(double[] beta, double intercept, double[] mean, double[] scale, double lambda, double loss,
        double gradientNorm, int iterations) {

    /** The margin (log-odds of john before calibration) of one feature vector. */
    public double margin(float[] x) {
        double m = intercept;
        for (int j = 0; j < beta.length; j++) {
            m += beta[j] * (x[j] - mean[j]) / scale[j];
        }
        return m;
    }

    /**
     * Writes this head, calibrated by {@code P = sigmoid(a * margin + b)}, into a DL4J two-class softmax
     * layer ({@code W} [features, 2], {@code b} [1, 2]): columns (john, not_john) get plus and minus half
     * the calibrated logit's weights, so the layer's softmax is that probability exactly.
     */
    public void foldInto(Layer layer, double a, double b) {
        int d = beta.length;
        double[][] w = new double[d][2];
        double bias = a * intercept + b;
        for (int j = 0; j < d; j++) {
            double u = a * beta[j] / scale[j];
            w[j][0] = u / 2;
            w[j][1] = -u / 2;
            bias -= u * mean[j];
        }
        var dataType = layer.getParam("W").dataType();
        layer.setParam("W", Nd4j.create(w).castTo(dataType));
        layer.setParam("b", Nd4j.create(new double[][] {{bias / 2, -bias / 2}}).castTo(dataType));
    }
}
