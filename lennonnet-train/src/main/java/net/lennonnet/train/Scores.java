package net.lennonnet.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * P(john) and the truth for a set of images, from a network's two-class output and one-hot labels.
 *
 * @param probabilityJohn P(john) per image
 * @param isJohn          whether each image is john
 */
record Scores(double[] probabilityJohn, boolean[] isJohn) {

    static Scores of(INDArray output, INDArray labels) {
        return new Scores(output.getColumn(0).toDoubleVector(), isJohn(labels));
    }

    /** Whether each one-hot label row is john. */
    static boolean[] isJohn(INDArray labels) {
        boolean[] john = new boolean[(int) labels.size(0)];
        for (int i = 0; i < john.length; i++) {
            john[i] = labels.getDouble(i, 0) > 0.5;
        }
        return john;
    }

    /** Share of rows whose most probable class is the labelled one; 0 for no rows. */
    static double accuracy(INDArray output, INDArray labels) {
        if (labels.size(0) == 0) {
            return 0;
        }
        INDArray predicted = output.argMax(1);
        INDArray truth = labels.argMax(1);
        return predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).meanNumber().doubleValue();
    }
}
