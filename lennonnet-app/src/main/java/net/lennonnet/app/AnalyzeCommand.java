package net.lennonnet.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.train.evaluation.Analysis;
import net.lennonnet.train.evaluation.AnalysisReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet analyze}: P(john) over named image sets. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        header = "Show P(john) for every image of named sets, such as the other Beatles.",
        description = {"P(john) for every image of named sets (e.g. paul=DIR george=DIR ringo=DIR): per set in 25 bins",
            "and in 2, one chart overlaying the sets, a summary table, a CSV per set, an error gallery."})
final class AnalyzeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model folder or .lennonnet file.")
    Path model;

    @Option(names = "--set", required = true, paramLabel = "NAME=DIR", description = "An image set; repeatable.")
    List<String> sets;

    @Option(names = "--expect", paramLabel = "NAME=LABEL",
            description = "The label a set's images should get (john or not_john); default not_john. Repeatable.")
    List<String> expectations = new ArrayList<>();

    @Option(names = "--out", required = true, description = "Folder for analysis.json, analysis.html, charts, CSVs.")
    Path out;

    @Option(names = "--threshold", description = "Decision threshold; default: the model's own.")
    Double threshold;

    @Option(names = "--uncertain", split = ",", defaultValue = "0.35,0.65",
            description = "The uncertain band of P(john), LOW,HIGH. Default: ${DEFAULT-VALUE}.")
    double[] uncertain;

    @Option(names = "--engine", defaultValue = "auto", paramLabel = "ENGINE",
            description = "What runs the backbone: auto, onnxruntime or dl4j. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--occlusion", description = "The error gallery's heatmaps beside wrong answers by occlusion (each of 7 x 7 "
            + "cells greyed in turn, 50 answers per photo: about 25 times the cost of an answer, per wrong answer shown, at "
            + "most 24), which explains any model, also a face model that answers by distances. Default: the class "
            + "activation map, which such a model does not have.")
    boolean occlusion;

    @Override
    public Integer call() throws Exception {
        Map<String, String> expected = new HashMap<>();
        for (String e : expectations) {
            String[] kv = split(e, "--expect");
            expected.put(kv[0], kv[1]);
        }
        List<Analysis.ImageSet> imageSets = new ArrayList<>();
        for (String s : sets) {
            String[] kv = split(s, "--set");
            imageSets.add(new Analysis.ImageSet(kv[0], Path.of(kv[1]), expected.getOrDefault(kv[0], Labels.NOT_JOHN)));
        }
        if (uncertain.length != 2) {
            throw new IllegalArgumentException("--uncertain takes LOW,HIGH, got " + uncertain.length + " numbers");
        }
        AnalysisReport r = Analysis.run(model, imageSets, out,
                threshold == null ? OptionalDouble.empty() : OptionalDouble.of(threshold), uncertain,
                Engine.Choice.parse(engine), HeatmapMethod.of(occlusion));
        System.out.printf("%-12s %6s %8s %10s %8s %8s %10s%n", "set", "images", "failed", "said john", "mean", "median",
                "uncertain");
        for (AnalysisReport.SetResult s : r.sets()) {
            System.out.printf("%-12s %6d %8d %9.1f%% %8.4f %8.4f %9.1f%%%n", s.name(), s.images(), s.failed().size(),
                    100 * s.sharePredictedJohn(), s.meanPJohn(), s.medianPJohn(), 100 * s.shareUncertain());
        }
        System.out.println("report: " + out.resolve(Analysis.HTML_FILE));
        return 0;
    }

    private static String[] split(String spec, String option) {
        int eq = spec.indexOf('=');
        if (eq < 1 || eq == spec.length() - 1) {
            throw new IllegalArgumentException(option + " takes NAME=VALUE, got '" + spec + "'");
        }
        return new String[] {spec.substring(0, eq), spec.substring(eq + 1)};
    }
}
