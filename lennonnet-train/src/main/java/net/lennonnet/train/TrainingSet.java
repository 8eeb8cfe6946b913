package net.lennonnet.train;

import java.io.IOException;
import java.util.List;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.Split;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.graph.Labels;

/**
 * What training learns from, as the model's provenance records it.
 *
 * @param manifestSha256 the dataset build's manifest hash, or {@value Provenance#UNKNOWN}
 * @param john           john training images
 * @param notJohn        not_john training images
 */
public record TrainingSet(String manifestSha256, int john, int notJohn) {

    /** The training split of {@code dataset}: its stored PNGs per class. */
    public static TrainingSet of(Dataset dataset) throws IOException {
        return new TrainingSet(dataset.manifestSha256().orElse(Provenance.UNKNOWN), count(dataset, Labels.JOHN),
                count(dataset, Labels.NOT_JOHN));
    }

    private static int count(Dataset dataset, String label) throws IOException {
        return (int) dataset.images(Split.TRAIN, label).stream()
                .filter(p -> p.getFileName().toString().endsWith(".png")).count();
    }

    public int total() {
        return john + notJohn;
    }

    /** Inverse-frequency class weights (john, not_john), normalised so a balanced set gets 1 and 1. */
    public double[] classWeights() {
        return classWeights(new int[] {john, notJohn});
    }

    public static double[] classWeights(int[] counts) {
        if (counts[0] == 0 || counts[1] == 0) {
            throw new IllegalArgumentException("training needs images of both classes, got john " + counts[0]
                    + ", not_john " + counts[1]);
        }
        int total = counts[0] + counts[1];
        return new double[] {total / (2.0 * counts[0]), total / (2.0 * counts[1])};
    }

    public List<Double> classWeightList() {
        double[] w = classWeights();
        return List.of(w[0], w[1]);
    }
}
