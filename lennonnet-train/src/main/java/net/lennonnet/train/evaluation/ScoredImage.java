package net.lennonnet.train.evaluation;

/**
 * One image the model scored.
 *
 * @param path     the file
 * @param id       the dataset id (16 hex digits) when the file is a dataset image, else empty
 * @param pJohn    P(john)
 * @param truth    the label it should get: {@code john} or {@code not_john}
 * @param imageUrl where the image came from, when the dataset manifest knows it, else empty
 * @param pageUrl  the page it appeared on, when known, else empty
 */
public record ScoredImage(String path, String id, double pJohn, String truth, String imageUrl, String pageUrl) {

    /** Whether the model's answer at {@code threshold} is right. */
    public boolean right(double threshold) {
        return (pJohn >= threshold) == truth.equals(net.lennonnet.model.graph.Labels.JOHN);
    }

    /** The loss of this image: -ln P(true label), clipped at 1e-7. */
    public double loss() {
        double p = truth.equals(net.lennonnet.model.graph.Labels.JOHN) ? pJohn : 1 - pJohn;
        return -Math.log(Math.max(1e-7, p));
    }
}
