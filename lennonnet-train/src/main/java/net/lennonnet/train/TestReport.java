package net.lennonnet.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.train.evaluation.Charts;
import net.lennonnet.train.evaluation.Histogram;

/**
 * The held-out test result in the original project's terms, plus the probability histograms, as
 * training reports it in the run folder's {@code test/} ({@code test-report.json} and charts). The
 * fuller {@code lennonnet evaluate} report is {@code evaluation.EvaluationReport}.
 *
 * @param johnCorrect        john images classified john
 * @param johnTotal          john images in the test set
 * @param notJohnCorrect     not_john images classified not_john
 * @param notJohnTotal       not_john images in the test set
 * @param threshold          P(john) at or above which the answer is john
 * @param histograms25       per class, P(john) in 25 bins
 * @param histograms2        per class, P(john) in 2 bins: [below 0.5, at or above 0.5]
 */
public record TestReport(int johnCorrect, int johnTotal, int notJohnCorrect, int notJohnTotal, double threshold,
        Map<String, Histogram> histograms25, Map<String, Histogram> histograms2) {

    /** Share of all test images classified right. */
    public double accuracy() {
        int total = johnTotal + notJohnTotal;
        return total == 0 ? 0 : (johnCorrect + notJohnCorrect) / (double) total;
    }

    /** The report's JSON file in the folder it is written to. */
    public static final String FILE = "test-report.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Scores P(john) against the true labels at {@code threshold}.
     *
     * @param probabilityJohn P(john) per image
     * @param isJohn          the true label per image
     */
    public static TestReport of(double[] probabilityJohn, boolean[] isJohn, double threshold) {
        if (probabilityJohn.length != isJohn.length) {
            throw new IllegalArgumentException(probabilityJohn.length + " probabilities for " + isJohn.length + " labels");
        }
        int johnCorrect = 0;
        int johnTotal = 0;
        int otherCorrect = 0;
        int otherTotal = 0;
        List<Double> john = new ArrayList<>();
        List<Double> other = new ArrayList<>();
        for (int i = 0; i < isJohn.length; i++) {
            boolean saysJohn = probabilityJohn[i] >= threshold;
            if (isJohn[i]) {
                johnTotal++;
                johnCorrect += saysJohn ? 1 : 0;
                john.add(probabilityJohn[i]);
            } else {
                otherTotal++;
                otherCorrect += saysJohn ? 0 : 1;
                other.add(probabilityJohn[i]);
            }
        }
        double[] pj = john.stream().mapToDouble(Double::doubleValue).toArray();
        double[] po = other.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Histogram> h25 = new LinkedHashMap<>();
        h25.put(Labels.JOHN, Histogram.of(pj, 25));
        h25.put(Labels.NOT_JOHN, Histogram.of(po, 25));
        Map<String, Histogram> h2 = new LinkedHashMap<>();
        h2.put(Labels.JOHN, Histogram.split(pj, threshold));
        h2.put(Labels.NOT_JOHN, Histogram.split(po, threshold));
        return new TestReport(johnCorrect, johnTotal, otherCorrect, otherTotal, threshold, h25, h2);
    }

    /** Writes {@code test-json} and one PNG per class and bin count into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("johnCorrect", johnCorrect());
        json.put("johnTotal", johnTotal());
        json.put("notJohnCorrect", notJohnCorrect());
        json.put("notJohnTotal", notJohnTotal());
        json.put("accuracy", accuracy());
        json.put("threshold", threshold());
        json.put("histograms25", counts(histograms25()));
        json.put("histograms2", counts(histograms2()));
        AtomicFiles.write(dir.resolve(FILE), tmp -> JSON.writeValue(tmp.toFile(), json));
        for (String label : Labels.ALL) {
            Charts.testHistogram(histograms25.get(label), label, dir, threshold);
            Charts.testHistogram(histograms2.get(label), label, dir, threshold);
        }
    }

    private static Map<String, int[]> counts(Map<String, Histogram> histograms) {
        Map<String, int[]> out = new LinkedHashMap<>();
        histograms.forEach((k, v) -> out.put(k, v.counts()));
        return out;
    }
}
