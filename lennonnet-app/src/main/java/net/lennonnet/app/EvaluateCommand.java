package net.lennonnet.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.data.Dataset;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.train.evaluation.Evaluation;
import net.lennonnet.train.evaluation.EvaluationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet evaluate}: the held-out test report. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Score a model on a dataset's held-out test images, with a threshold chosen on validation.",
        description = {"Score a dataset's held-out test images: the original's table with a 95%% interval, baselines,",
            "confusion matrix, precision/recall/F1, ROC and AUC, calibration, P(john) histograms, error gallery.",
            "The threshold is chosen on the validation images, never on the test images."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model folder or .lennonnet file.")
    Path model;

    @Option(names = "--data", required = true, description = "Dataset folder (from 'lennonnet dataset').")
    Path data;

    @Option(names = "--out", required = true, description = "Folder for evaluation.json, evaluation.html, charts, gallery.")
    Path out;

    @Option(names = "--threshold-from", defaultValue = "model",
            description = "model (the model's own, chosen when it was trained: on out-of-fold scores when validation is small) or validation (chosen again on the validation split alone). Default: ${DEFAULT-VALUE}.")
    String thresholdFrom;

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
        Evaluation.ThresholdFrom from = switch (thresholdFrom) {
            case "validation" -> Evaluation.ThresholdFrom.VALIDATION;
            case "model" -> Evaluation.ThresholdFrom.MODEL;
            default -> throw new IllegalArgumentException("--threshold-from is validation or model, got " + thresholdFrom);
        };
        EvaluationReport r = Evaluation.run(model, Dataset.open(data), out, from, Engine.Choice.parse(engine),
                HeatmapMethod.of(occlusion));
        System.out.printf("john %d/%d correct, not_john %d/%d correct, accuracy %.4f (95%% interval %.4f to %.4f)%n",
                r.table().johnCorrect(), r.table().johnTotal(), r.table().notJohnCorrect(), r.table().notJohnTotal(),
                r.accuracy(), r.accuracyCi95().low(), r.accuracyCi95().high());
        System.out.printf("baselines: always %s %.4f, class prior %.4f expected; AUC %.4f, ECE %.4f%n",
                r.baselines().majority().predicts(), r.baselines().majority().accuracy(),
                r.baselines().prior().expectedAccuracy(), r.auc(), r.ece());
        System.out.printf("threshold %.4f (%s); %d images failed; report: %s%n", r.threshold().value(),
                r.threshold().source(), r.failed().size(), out.resolve(Evaluation.HTML_FILE));
        return r.failed().isEmpty() ? 0 : 1;
    }
}
