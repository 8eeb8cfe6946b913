package net.lennonnet.train.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.Split;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lennonnet evaluate}: scores a dataset's held-out test split with a model, through the same
 * prediction path users get, and writes {@code evaluation.json}, {@code evaluation.html}, its PNG
 * charts, {@code test-predictions.csv} and the error gallery. The decision threshold is chosen on
 * the validation split (never on the test split), or taken from the model.
 */
public final class Evaluation {

    public static final String JSON_FILE = "evaluation.json";
    public static final String HTML_FILE = "evaluation.html";
    private static final Logger log = LoggerFactory.getLogger(Evaluation.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Where the decision threshold comes from. */
    public enum ThresholdFrom { VALIDATION, MODEL }

    private Evaluation() {}

    /**
     * Scores the model on the dataset's test split (the threshold from the model or chosen on validation)
     * and writes the report, its page and galleries into {@code out}.
     */
    public static EvaluationReport run(Path model, Dataset data, Path out, ThresholdFrom from) throws IOException {
        return run(model, data, out, from, Engine.Choice.AUTO);
    }

    /** {@link #run(Path, Dataset, Path, ThresholdFrom)} with the engine that runs the backbone. */
    public static EvaluationReport run(Path model, Dataset data, Path out, ThresholdFrom from, Engine.Choice engine)
            throws IOException {
        return run(model, data, out, from, engine, HeatmapMethod.ACTIVATION_MAP);
    }

    /**
     * {@link #run(Path, Dataset, Path, ThresholdFrom, Engine.Choice)}, the gallery's heatmaps beside the wrong answers
     * made {@code heatmaps} (by occlusion: about 25 times the cost of an answer, per wrong answer shown).
     */
    public static EvaluationReport run(Path model, Dataset data, Path out, ThresholdFrom from, Engine.Choice engine,
            HeatmapMethod heatmaps) throws IOException {
        Files.createDirectories(out);
        try (LennonNet net = LennonNet.load(model, engine)) {
            datasetMismatch(net, data).ifPresent(warning -> log.warn("WARNING: {}", warning));
            Scorer scorer = Scorer.forDataset(net, data);
            List<ScoredImage> test = new ArrayList<>();
            List<EvaluationReport.Failure> failed = new ArrayList<>();
            for (String label : Labels.ALL) {
                Scorer.Result r = scorer.score("test " + label,
                        Scorer.images(data.folder(Split.TEST, label)), label);
                test.addAll(r.scored());
                r.failures().forEach(f -> failed.add(new EvaluationReport.Failure(f.path(), f.error())));
            }
            if (test.isEmpty()) {
                throw new IOException("no test images could be scored in " + data.folder(Split.TEST));
            }
            EvaluationReport.Threshold threshold = threshold(net, scorer, data, from);
            int[] train = {Scorer.images(data.folder(Split.TRAIN, Labels.JOHN)).size(),
                Scorer.images(data.folder(Split.TRAIN, Labels.NOT_JOHN)).size()};
            EvaluationReport report = report(model.toString(), data.folder().toString(), test, failed, threshold, train);
            Optional<CentreScore> centre = CentreScore.of(net, data);
            if (centre.isPresent()) {
                report = report.withCentreScore(centre.get());
                CentreScore c = centre.get();
                log.info("centre score (distance to the mean of {} training john faces, threshold {} from validation): "
                        + "john {}/{}, not_john {}/{}, accuracy {}, AUC {}", c.johnTrainingFaces(), f4(c.distance()),
                        c.table().johnCorrect(), c.table().johnTotal(), c.table().notJohnCorrect(),
                        c.table().notJohnTotal(), f4(c.accuracy()), f4(c.auc()));
            }
            write(report, test, out, Optional.of(data.folder()), image -> scorer.overlay(image, heatmaps));
            log.info("evaluation: john {}/{}, not_john {}/{}, accuracy {} (95% {}..{}), AUC {}, ECE {}; threshold {} from {}",
                    report.table().johnCorrect(), report.table().johnTotal(), report.table().notJohnCorrect(),
                    report.table().notJohnTotal(), f4(report.accuracy()), f4(report.accuracyCi95().low()),
                    f4(report.accuracyCi95().high()), f4(report.auc()), f4(report.ece()), f4(threshold.value()),
                    threshold.source());
            return report;
        }
    }

    /**
     * A warning when the model was trained on another dataset (or another build of this one) than
     * {@code data}: its manifest hash, recorded in the model's provenance, differs from the dataset's.
     * Then test images may have been training images, and the figures mean nothing.
     */
    public static java.util.Optional<String> datasetMismatch(LennonNet trained, Dataset data) throws IOException {
        String trainedOn = trained.metadata().provenance().datasetManifestSha256();
        if (trainedOn == null || net.lennonnet.model.bundle.Provenance.UNKNOWN.equals(trainedOn)) {
            return java.util.Optional.empty();
        }
        String here = data.manifestSha256().orElse("");
        if (here.isEmpty() || here.equals(trainedOn)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("the model was trained on a dataset whose manifest hash is " + trainedOn + ", but "
                + data + " has " + here + ": its test images may have been training images, and these figures may "
                + "mean nothing. Evaluate on the dataset the model was trained on.");
    }

    private static EvaluationReport.Threshold threshold(LennonNet net, Scorer scorer, Dataset data, ThresholdFrom from)
            throws IOException {
        double modelThreshold = net.metadata().threshold();
        if (from == ThresholdFrom.MODEL) {
            return new EvaluationReport.Threshold(modelThreshold, "model", "the threshold saved with the model");
        }
        List<ScoredImage> validation = new ArrayList<>();
        for (String label : Labels.ALL) {
            validation.addAll(scorer.score("validation " + label,
                    Scorer.images(data.folder(Split.VALIDATION, label)), label).scored());
        }
        boolean bothClasses = validation.stream().anyMatch(s -> s.truth().equals(Labels.JOHN))
                && validation.stream().anyMatch(s -> !s.truth().equals(Labels.JOHN));
        if (!bothClasses) {
            return new EvaluationReport.Threshold(modelThreshold, "model",
                    "the model's own: the validation split lacks images of one class or both");
        }
        double best = Metrics.bestThreshold(p(validation), isJohn(validation));
        return new EvaluationReport.Threshold(best, "validation", "maximises balanced accuracy on the "
                + validation.size() + " validation images (ties: nearest 0.5); the test images played no part");
    }

    /** The report for scored test images; pure, for tests. */
    static EvaluationReport report(String model, String data, List<ScoredImage> test,
            List<EvaluationReport.Failure> failed, EvaluationReport.Threshold threshold, int[] trainCounts) {
        double[] p = p(test);
        boolean[] john = isJohn(test);
        double t = threshold.value();
        int[] table = Metrics.table(p, john, t);
        int right = table[0] + table[2];
        int n = p.length;
        Map<String, Map<String, Integer>> confusion = new LinkedHashMap<>();
        confusion.put(Labels.JOHN, Map.of(Labels.JOHN, table[0], Labels.NOT_JOHN, table[1] - table[0]));
        confusion.put(Labels.NOT_JOHN, Map.of(Labels.JOHN, table[3] - table[2], Labels.NOT_JOHN, table[2]));
        Map<String, EvaluationReport.ClassMetrics> perClass = new LinkedHashMap<>();
        perClass.put(Labels.JOHN, classMetrics(table[0], table[3] - table[2], table[1] - table[0]));
        perClass.put(Labels.NOT_JOHN, classMetrics(table[2], table[1] - table[0], table[3] - table[2]));
        List<Metrics.ReliabilityBin> reliability = Metrics.reliability(p, john, 10);

        int trainTotal = trainCounts[0] + trainCounts[1];
        double prior = trainTotal == 0 ? 0.5 : (double) trainCounts[0] / trainTotal;
        boolean majorityJohn = trainCounts[0] > trainCounts[1];
        int majorityRight = majorityJohn ? table[1] : table[3];
        double[] priorP = new double[n];
        java.util.Arrays.fill(priorP, prior);
        double shareJohn = (double) table[1] / n;
        EvaluationReport.Baselines baselines = new EvaluationReport.Baselines(
                new EvaluationReport.Majority(majorityJohn ? Labels.JOHN : Labels.NOT_JOHN, (double) majorityRight / n,
                        Metrics.wilson(majorityRight, n, Metrics.Z95)),
                new EvaluationReport.Prior(prior, prior * shareJohn + (1 - prior) * (1 - shareJohn),
                        Metrics.logLoss(priorP, john), Metrics.brier(priorP, john)));
        int[] half = Metrics.table(p, john, 0.5);

        Map<String, int[]> h25 = new LinkedHashMap<>();
        Map<String, int[]> h2 = new LinkedHashMap<>();
        for (String label : Labels.ALL) {
            double[] ofLabel = test.stream().filter(s -> s.truth().equals(label)).mapToDouble(ScoredImage::pJohn).toArray();
            h25.put(label, Histogram.of(ofLabel, 25).counts());
            h2.put(label, Histogram.split(ofLabel, threshold.value()).counts());
        }
        return new EvaluationReport(model, data, threshold, n, failed,
                new EvaluationReport.Table(table[0], table[1], table[2], table[3]), (double) right / n,
                Metrics.wilson(right, n, Metrics.Z95), confusion, perClass, Metrics.auc(p, john), Metrics.roc(p, john),
                Metrics.expectedCalibrationError(reliability), reliability, Metrics.logLoss(p, john),
                Metrics.brier(p, john), baselines, new EvaluationReport.AtThreshold(0.5,
                        new EvaluationReport.Table(half[0], half[1], half[2], half[3]), (double) (half[0] + half[2]) / n),
                h25, h2, null);
    }

    private static EvaluationReport.ClassMetrics classMetrics(int truePositives, int falsePositives,
            int falseNegatives) {
        double precision = truePositives + falsePositives == 0 ? 0 : (double) truePositives / (truePositives + falsePositives);
        double recall = truePositives + falseNegatives == 0 ? 0 : (double) truePositives / (truePositives + falseNegatives);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new EvaluationReport.ClassMetrics(precision, recall, f1);
    }

    static void write(EvaluationReport report, List<ScoredImage> test, Path out, Optional<Path> dataset,
            Gallery.Why why) throws IOException {
        AtomicFiles.write(out.resolve(JSON_FILE), tmp -> JSON.writeValue(tmp.toFile(), report));
        StringBuilder csv = new StringBuilder("path,id,truth,pJohn,predicted,right,imageUrl,pageUrl\n");
        for (ScoredImage s : test) {
            csv.append(Csv.row(s.path(), s.id(), s.truth(), String.valueOf(s.pJohn()),
                    s.pJohn() >= report.threshold().value() ? Labels.JOHN : Labels.NOT_JOHN,
                    String.valueOf(s.right(report.threshold().value())), s.imageUrl(), s.pageUrl()));
        }
        AtomicFiles.writeString(out.resolve("test-predictions.csv"), csv.toString());
        for (String label : Labels.ALL) {
            Charts.testHistogram(new Histogram(report.histograms25().get(label)), label, out, report.threshold().value());
            Charts.testHistogram(new Histogram(report.histograms2().get(label)), label, out, report.threshold().value());
        }
        Charts.roc(report.roc(), report.auc(), out.resolve("roc"));
        Charts.reliability(report.reliability(), report.ece(), out.resolve("reliability"));
        Gallery.write(out, "Test set: mistakes and highest loss", test, report.threshold().value(), dataset, why);
        ReportPages.evaluation(report, out.resolve(HTML_FILE));
    }

    static double[] p(List<ScoredImage> images) {
        return images.stream().mapToDouble(ScoredImage::pJohn).toArray();
    }

    static boolean[] isJohn(List<ScoredImage> images) {
        boolean[] b = new boolean[images.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = images.get(i).truth().equals(Labels.JOHN);
        }
        return b;
    }

    static String f4(double v) {
        return String.format("%.4f", v);
    }

    /** CSV with RFC 4180 quoting. */
    static final class Csv {
        private Csv() {}

        static String row(String... cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                String c = cells[i];
                sb.append(c.contains(",") || c.contains("\"") || c.contains("\n") ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
            }
            return sb.append('\n').toString();
        }
    }
}
