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
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import net.lennonnet.data.Dataset;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lennonnet analyze}: P(john) for every image of named sets (the other Beatles, say), per set
 * in 25 bins and in 2, one chart overlaying the sets, a summary table, a CSV per set and the error
 * gallery. An image that fails to decode is listed with its reason and never stops the run.
 */
public final class Analysis {

    public static final String JSON_FILE = "analysis.json";
    public static final String HTML_FILE = "analysis.html";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,39}");
    private static final Logger log = LoggerFactory.getLogger(Analysis.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Analysis() {}

    /**
     * One set to analyse.
     *
     * @param expected the label its images should get
     */
    public record ImageSet(String name, Path folder, String expected) {
        public ImageSet {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("set names are letters, digits, '_' and '-' (at most 40), got '"
                        + name + "'");
            }
            if (!Labels.ALL.contains(expected)) {
                throw new IllegalArgumentException("expected label must be one of " + Labels.ALL + ", got " + expected);
            }
        }
    }

    /**
     * @param threshold the decision threshold; the model's own when empty
     * @param band      the uncertain band of P(john), low and high
     */
    public static AnalysisReport run(Path model, List<ImageSet> sets, Path out, OptionalDouble threshold, double[] band)
            throws IOException {
        return run(model, sets, out, threshold, band, Engine.Choice.AUTO);
    }

    /** {@link #run(Path, List, Path, OptionalDouble, double[])} with the engine that runs the backbone. */
    public static AnalysisReport run(Path model, List<ImageSet> sets, Path out, OptionalDouble threshold, double[] band,
            Engine.Choice engine) throws IOException {
        return run(model, sets, out, threshold, band, engine, HeatmapMethod.ACTIVATION_MAP);
    }

    /**
     * {@link #run(Path, List, Path, OptionalDouble, double[], Engine.Choice)}, the gallery's heatmaps beside the wrong
     * answers made {@code heatmaps} (by occlusion: about 25 times the cost of an answer, per wrong answer shown).
     */
    public static AnalysisReport run(Path model, List<ImageSet> sets, Path out, OptionalDouble threshold, double[] band,
            Engine.Choice engine, HeatmapMethod heatmaps) throws IOException {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("name at least one set: --set NAME=DIR");
        }
        if (!(band[0] >= 0 && band[0] < band[1] && band[1] <= 1)) {
            throw new IllegalArgumentException("the uncertain band must satisfy 0 <= low < high <= 1, got "
                    + band[0] + ".." + band[1]);
        }
        for (ImageSet s : sets) {
            if (!Files.isDirectory(s.folder())) {
                throw new IOException("set " + s.name() + ": " + s.folder() + " is not a folder");
            }
        }
        Files.createDirectories(out);
        try (LennonNet net = LennonNet.load(model, engine)) {
            double t = threshold.orElse(net.metadata().threshold());
            List<AnalysisReport.SetResult> results = new ArrayList<>();
            List<ScoredImage> all = new ArrayList<>();
            Map<String, Histogram> overlay = new LinkedHashMap<>();
            Optional<Path> dataset = Optional.empty();
            Map<String, Scorer> scorerOf = new java.util.HashMap<>(); // each image's set's scorer, for its heatmap
            for (ImageSet set : sets) {
                Scorer scorer = Scorer.forFolder(net, set.folder());
                Scorer.Result r = scorer.score(set.name(), Scorer.images(set.folder()), set.expected());
                r.scored().forEach(s -> scorerOf.put(s.path(), scorer));
                AnalysisReport.SetResult result = summarise(set, r, t, band);
                results.add(result);
                all.addAll(r.scored());
                overlay.put(set.name(), new Histogram(result.histogram25()));
                writeCsv(out.resolve(set.name() + "-predictions.csv"), r.scored(), t);
                Charts.histogram(new Histogram(result.histogram25()), "P(john) for " + result.images() + " images of "
                        + set.name() + ", 25 bins", out.resolve("p-john-" + set.name() + "-25bins"), t);
                Charts.histogram(new Histogram(result.histogram2()), "P(john) for " + result.images() + " images of "
                        + set.name() + ", 2 bins", out.resolve("p-john-" + set.name() + "-2bins"), t);
                if (dataset.isEmpty()) {
                    dataset = datasetOf(set.folder());
                }
                log.info("{}: {} images, {} predicted john ({}), mean P(john) {}, median {}, uncertain {}; {} failed",
                        set.name(), result.images(), result.predictedJohn(),
                        Evaluation.f4(result.sharePredictedJohn()), Evaluation.f4(result.meanPJohn()),
                        Evaluation.f4(result.medianPJohn()), Evaluation.f4(result.shareUncertain()),
                        result.failed().size());
            }
            Charts.overlay(overlay, "P(john) per set, 25 bins, as shares of each set", out.resolve("p-john-sets-25bins"));
            AnalysisReport report = new AnalysisReport(model.toString(), t,
                    threshold.isPresent() ? "option" : "model", band[0], band[1], results);
            AtomicFiles.write(out.resolve(JSON_FILE), tmp -> JSON.writeValue(tmp.toFile(), report));
            Gallery.write(out, "Analysis sets: mistakes and highest loss", all, t, dataset,
                    image -> scorerOf.get(image.toString()).overlay(image, heatmaps));
            ReportPages.analysis(report, out.resolve(HTML_FILE));
            return report;
        }
    }

    /** The summary of one scored set; pure, for tests. */
    static AnalysisReport.SetResult summarise(ImageSet set, Scorer.Result r, double threshold, double[] band) {
        double[] p = Evaluation.p(r.scored());
        int n = p.length;
        int predictedJohn = 0;
        int uncertain = 0;
        double sum = 0;
        for (double v : p) {
            predictedJohn += v >= threshold ? 1 : 0;
            uncertain += v >= band[0] && v <= band[1] ? 1 : 0;
            sum += v;
        }
        int right = set.expected().equals(Labels.JOHN) ? predictedJohn : n - predictedJohn;
        return new AnalysisReport.SetResult(set.name(), set.folder().toString(), set.expected(), n,
                r.failures().stream().map(f -> new EvaluationReport.Failure(f.path(), f.error())).toList(),
                predictedJohn, right, n == 0 ? Double.NaN : (double) predictedJohn / n,
                n == 0 ? Double.NaN : (double) right / n, n == 0 ? Double.NaN : sum / n, Metrics.median(p),
                n == 0 ? Double.NaN : (double) uncertain / n, Histogram.of(p, 25).counts(), Histogram.split(p, threshold).counts());
    }

    private static void writeCsv(Path file, List<ScoredImage> scored, double threshold) throws IOException {
        StringBuilder csv = new StringBuilder("path,pJohn,predicted,right,imageUrl,pageUrl\n");
        for (ScoredImage s : scored) {
            csv.append(Evaluation.Csv.row(s.path(), String.valueOf(s.pJohn()),
                    s.pJohn() >= threshold ? Labels.JOHN : Labels.NOT_JOHN, String.valueOf(s.right(threshold)),
                    s.imageUrl(), s.pageUrl()));
        }
        AtomicFiles.writeString(file, csv.toString());
    }

    /** The dataset folder an analysis set lives in ({@code DATASET/analysis/<set>}), if it is one. */
    private static Optional<Path> datasetOf(Path folder) {
        return Dataset.containing(folder).filter(d -> d.isAnalysisSet(folder)).map(Dataset::folder);
    }
}
