package net.lennonnet.train.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.lennonnet.model.bundle.Decision;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class LogisticHeadTest {

    /** Two overlapping Gaussian classes in {@code d} dimensions, on very different scales per feature. */
    static HeadData blobs(int johns, int others, int d, double shift, long seed) {
        Random random = new Random(seed);
        int n = johns + others;
        float[][] rows = new float[n][d];
        boolean[] john = new boolean[n];
        int[] image = new int[n];
        for (int i = 0; i < n; i++) {
            john[i] = i < johns;
            image[i] = i;
            for (int j = 0; j < d; j++) {
                double scale = 0.01 * (j + 1); // small numbers, like face descriptors, and unequal
                rows[i][j] = (float) (scale * (random.nextGaussian() + (john[i] && j < 3 ? shift : 0)) + 5 * scale);
            }
        }
        return new HeadData(rows, john, image);
    }

    @Test
    void solvesToAStationaryPointOfTheRegularisedObjective() {
        HeadData data = blobs(40, 160, 12, 1.0, 1);
        LogisticHead head = new LogisticHead(data, data.all());
        HeadFit fit = head.fit(0.01, 1000, null);
        // stopped by itself: gradient at its tolerance, or an iteration that no longer lowers the objective
        // by more than OBJECTIVE_TOLERANCE; either way near a stationary point
        assertThat(fit.gradientNorm()).isLessThanOrEqualTo(1e-5);
        assertThat(fit.iterations()).isLessThan(200);
        // the gradient, by finite differences of the objective on the standardised weights, is zero
        for (int j = 0; j < 12; j++) {
            double[] plus = fit.beta().clone();
            double[] minus = fit.beta().clone();
            plus[j] += 1e-4;
            minus[j] -= 1e-4;
            double derivative = (objective(data, fit, plus, fit.intercept()) - objective(data, fit, minus, fit.intercept()))
                    / 2e-4;
            assertThat(derivative).as("d objective / d beta_%d", j).isCloseTo(0, within(2e-5));
        }
        // and the shifted features carry the weight
        assertThat(Math.abs(fit.beta()[0])).isGreaterThan(Math.abs(fit.beta()[8]) * 3);
    }

    @Test
    void aStrongerPenaltyGivesSmallerWeightsAndAWarmStartTheSameAnswer() {
        HeadData data = blobs(30, 90, 8, 1.5, 2);
        LogisticHead head = new LogisticHead(data, data.all());
        HeadFit weak = head.fit(1e-3, 1000, null);
        HeadFit strong = head.fit(1, 1000, null);
        assertThat(norm(strong.beta())).isLessThan(norm(weak.beta()));
        HeadFit warm = head.fit(1e-3, 1000, strong, null);
        for (int j = 0; j < 8; j++) {
            assertThat(warm.beta()[j]).isCloseTo(weak.beta()[j], within(1e-3));
        }
    }

    @Test
    void separableDataStillEndsWithFiniteWeightsAndEveryRowRight() {
        HeadData data = blobs(5, 50, 128, 40, 3);
        HeadFit fit = new LogisticHead(data, data.all()).fit(1e-4, 1000, null);
        for (int i = 0; i < data.size(); i++) {
            assertThat(fit.margin(data.row(i)) > 0).isEqualTo(data.isJohn(i));
        }
        assertThat(norm(fit.beta())).isFinite();
    }

    @Test
    void foldedIntoASoftmaxLayerItGivesTheCalibratedSigmoidOfTheMargin() {
        HeadData data = blobs(20, 40, 6, 1.0, 4);
        HeadFit fit = new LogisticHead(data, data.all()).fit(0.1, 1000, null);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(2)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        fit.foldInto(net.getLayer(0), 1.7, -0.3);
        for (int i = 0; i < 10; i++) {
            double expected = Decision.sigmoid(1.7 * fit.margin(data.row(i)) - 0.3);
            double got = net.output(Nd4j.create(new float[][] {data.row(i)})).getDouble(0, 0);
            assertThat(got).isCloseTo(expected, within(1e-5));
        }
    }

    @Test
    void everyRowsWeightBalancesTheClasses() {
        HeadData data = blobs(10, 90, 2, 1, 5);
        double john = 0;
        double other = 0;
        for (int i = 0; i < data.size(); i++) {
            if (data.isJohn(i)) {
                john += data.weight(i);
            } else {
                other += data.weight(i);
            }
        }
        assertThat(john).isCloseTo(other, within(1e-9));
    }

    private static double objective(HeadData data, HeadFit fit, double[] beta, double intercept) {
        HeadFit other = new HeadFit(beta, intercept, fit.mean(), fit.scale(), fit.lambda(), 0, 0, 0);
        double loss = 0;
        double weights = 0;
        for (int i = 0; i < data.size(); i++) {
            double m = other.margin(data.row(i)) * (data.isJohn(i) ? 1 : -1);
            loss += data.weight(i) * Math.log1p(Math.exp(-m));
            weights += data.weight(i);
        }
        return loss / weights + fit.lambda() / 2 * norm(beta) * norm(beta);
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
