package net.lennonnet.train.evaluation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.Split;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.bundle.Decision;
import net.lennonnet.model.face.NoFaceException;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.pipeline.Preparation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * For a face model, the second score the evaluation reports beside the trained head: how close each
 * face's descriptor is to the mean descriptor of the training john faces, {@code 1 / (1 + distance)}.
 * It needs no training beyond that mean, so it is the score to trust when john has few images. The
 * threshold is chosen on the validation split by the rule the head's is (balanced accuracy).
 *
 * @param johnTrainingFaces the training john faces the mean is taken over
 * @param threshold         closeness at or above which the answer is john, from validation
 * @param distance          the same threshold as a descriptor distance
 * @param table             the held-out table at that threshold
 * @param accuracy          share of held-out faces right
 * @param accuracyCi95      its 95% Wilson interval
 * @param auc               area under the ROC curve of the closeness (john positive)
 */
public record CentreScore(int johnTrainingFaces, double threshold, double distance, EvaluationReport.Table table,
        double accuracy, Metrics.Interval accuracyCi95, double auc) {

    /** The centre score of a face model on a dataset's splits; empty for a model that does not read faces. */
    static Optional<CentreScore> of(LennonNet net, Dataset dataset) throws IOException {
        if (net.metadata().input().preparation() != Preparation.FACE_ALIGN) {
            return Optional.empty();
        }
        Describer describe = new Describer(net, dataset.preparation() == Preparation.FACE_ALIGN);
        List<float[]> john = describe.all(dataset.images(Split.TRAIN, Labels.JOHN));
        if (john.isEmpty()) {
            return Optional.empty();
        }
        float[] centre = Decision.centre(john);
        Scored validation = describe.scored(dataset, Split.VALIDATION, centre);
        Scored test = describe.scored(dataset, Split.TEST, centre);
        double threshold = validation.closeness().length == 0 ? 0.5
                : Metrics.bestThreshold(validation.closeness(), validation.isJohn());
        int right = 0;
        int[] t = new int[4];
        for (int i = 0; i < test.closeness().length; i++) {
            boolean saysJohn = test.closeness()[i] >= threshold;
            if (test.isJohn()[i]) {
                t[1]++;
                t[0] += saysJohn ? 1 : 0;
            } else {
                t[3]++;
                t[2] += saysJohn ? 0 : 1;
            }
        }
        right = t[0] + t[2];
        int n = test.closeness().length;
        return Optional.of(new CentreScore(john.size(), threshold, 1 / threshold - 1,
                new EvaluationReport.Table(t[0], t[1], t[2], t[3]), n == 0 ? 0 : (double) right / n,
                Metrics.wilson(right, n, Metrics.Z95), Metrics.auc(test.closeness(), test.isJohn())));
    }

    private record Scored(double[] closeness, boolean[] isJohn) {}

    /** Descriptors (the head's input) of dataset images, through the model's own pipeline. */
    private record Describer(LennonNet net, boolean stored) {

        float[] describe(Path file) throws IOException {
            INDArray input = stored ? net.pipeline().storedInput(file) : net.pipeline().input(file).tensor();
            try {
                return net.features(input)[0]; // the model's engine, as answering uses it
            } finally {
                input.close();
            }
        }

        /** Descriptors of the files that have a face; the others are left out. */
        List<float[]> all(List<Path> files) throws IOException {
            List<float[]> out = new ArrayList<>();
            for (Path f : files) {
                try {
                    out.add(describe(f));
                } catch (NoFaceException e) {
                    // no face, no descriptor: the evaluation's failures list such images
                }
            }
            return out;
        }

        Scored scored(Dataset dataset, Split split, float[] centre) throws IOException {
            List<Double> closeness = new ArrayList<>();
            List<Boolean> john = new ArrayList<>();
            for (String label : Labels.ALL) {
                for (float[] d : all(dataset.images(split, label))) {
                    double sum = 0;
                    for (int i = 0; i < d.length; i++) {
                        sum += (d[i] - centre[i]) * (d[i] - centre[i]);
                    }
                    closeness.add(1 / (1 + Math.sqrt(sum)));
                    john.add(label.equals(Labels.JOHN));
                }
            }
            boolean[] isJohn = new boolean[john.size()];
            for (int i = 0; i < isJohn.length; i++) {
                isJohn[i] = john.get(i);
            }
            return new Scored(closeness.stream().mapToDouble(Double::doubleValue).toArray(), isJohn);
        }
    }
}
