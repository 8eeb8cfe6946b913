package net.lennonnet.train;

import net.lennonnet.train.evaluation.Histogram;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.lennonnet.model.AtomicFiles;
import net.lennonnet.model.Labels;
import net.lennonnet.train.evaluation.Charts;

/** Scores P(john) against true labels and writes the test report: JSON and histogram charts. */
public final class Evaluator {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Evaluator() {}

    /**
     * @param probabilityJohn P(john) per image
     * @param isJohn          the true label per image
     */
    public static TestReport score(double[] probabilityJohn, boolean[] isJohn, double threshold) {
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

    /** Writes {@code test-report.json} and one PNG per class and bin count into {@code dir}. */
    public static void write(TestReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("johnCorrect", report.johnCorrect());
        json.put("johnTotal", report.johnTotal());
        json.put("notJohnCorrect", report.notJohnCorrect());
        json.put("notJohnTotal", report.notJohnTotal());
        json.put("accuracy", report.accuracy());
        json.put("threshold", report.threshold());
        json.put("histograms25", counts(report.histograms25()));
        json.put("histograms2", counts(report.histograms2()));
        AtomicFiles.write(dir.resolve("test-report.json"), tmp -> JSON.writeValue(tmp.toFile(), json));
        for (String label : Labels.ALL) {
            Charts.testHistogram(report.histograms25().get(label), label, dir, report.threshold());
            Charts.testHistogram(report.histograms2().get(label), label, dir, report.threshold());
        }
    }

    private static Map<String, int[]> counts(Map<String, Histogram> histograms) {
        Map<String, int[]> out = new LinkedHashMap<>();
        histograms.forEach((k, v) -> out.put(k, v.counts()));
        return out;
    }
}
