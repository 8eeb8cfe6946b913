package net.lennonnet.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.DatasetReport;
import net.lennonnet.data.Split;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Prediction;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import net.lennonnet.train.TrainConfig;
import net.lennonnet.train.TrainResult;
import net.lennonnet.train.TrainRun;
import net.lennonnet.train.evaluation.Analysis;
import net.lennonnet.train.evaluation.AnalysisReport;
import net.lennonnet.train.evaluation.Evaluation;
import net.lennonnet.train.evaluation.EvaluationReport;
import net.lennonnet.train.run.RunFolder;

/**
 * Every stage of the real pipeline on generated images: generate, clean and split, train, test,
 * evaluate, analyse sets the model never saw, reload, predict.
 */
public final class Demo {

    /** Generated images are drawn at this size and resized to the input size like any photo. */
    static final int IMAGE_SIZE = 160;

    /**
     * What the demo produced.
     *
     * @param dataset     the dataset report
     * @param training    the training result, including the test report
     * @param probe       the image predicted after reloading the saved model
     * @param prediction  the reloaded model's answer for it
     * @param evaluation  the held-out evaluation (threshold from validation)
     * @param analysis    P(john) over the analysis sets, if any were drawn
     */
    public record Result(DatasetReport dataset, TrainResult training, Path probe, Prediction prediction,
            EvaluationReport evaluation, Optional<AnalysisReport> analysis) {}

    private Demo() {}

    /** Runs the demo, with the dashboard (if the config has a port) listening on {@code uiHost}. */
    public static Result run(DemoConfig config, String uiHost, PrintStream console) throws IOException {
        Path raw = config.work().resolve("raw");
        Path dataset = config.work().resolve("dataset");
        RunFolder run = new RunFolder(config.work().resolve("model"));
        Path model = run.model();

        console.printf("1/8 drawing %d john and %d not_john images, and %d for each of 3 analysis sets, into %s%n",
                config.perClass(), config.perClass(), config.analysisPerSet(), raw);
        new DemoImages(IMAGE_SIZE).write(raw, config.perClass(), config.seed());
        if (config.analysisPerSet() > 0) {
            new DemoImages(IMAGE_SIZE).writeAnalysisSets(raw, config.analysisPerSet(), config.seed());
        }

        console.printf("2/8 cleaning and splitting into %s (%d test images per class, 10%% of the rest for validation)%n",
                dataset, config.testPerClass());
        boolean face = config.backbone() == BackboneKind.FACE;
        DatasetReport report = new DatasetBuilder(new DatasetConfig(raw, dataset, config.testPerClass(), 0.1,
                config.seed(), Images.DEFAULT_MAX_PIXELS, DatasetConfig.DEFAULT_NEAR_DUPLICATE_DISTANCE,
                face ? Preparation.FACE_ALIGN : Preparation.WHOLE))
                .build();
        if (face) {
            console.printf("    aligned faces: %d images kept with a face the detector found; %d left out as \"%s\"%n",
                    report.faces(), report.rejected().getOrDefault(net.lennonnet.model.face.NoFaceException.REASON, 0),
                    net.lennonnet.model.face.NoFaceException.REASON);
        }

        console.printf("3/8 building the %s transfer graph; 4/8 training its head%n",
                face ? "face-descriptor" : "ResNet-50");
        TrainConfig train = TrainConfig.builder(dataset, model).inputSize(config.inputSize()).epochs(config.epochs())
                .learningRate(config.learningRate()).patience(config.patience()).seed(config.seed())
                .weights(config.weights()).uiPort(config.uiPort()).backbone(config.backbone()).build();
        TrainResult result = TrainRun.withDashboard(train, uiHost, console);

        console.printf("    backbone: %s%n", face ? result.backbone() : result.pretrained()
                ? "real ImageNet ResNet-50 weights, " + result.backbone()
                : "RANDOM weights (no ImageNet weights could be had): learning on drawings only, useless for photos");
        var t = result.test();
        console.printf("5/8 held-out test: john %d/%d correct, not_john %d/%d correct, accuracy %.3f; histograms in %s%n",
                t.johnCorrect(), t.johnTotal(), t.notJohnCorrect(), t.notJohnTotal(), t.accuracy(),
                run.test());

        EvaluationReport evaluation = Evaluation.run(model, Dataset.open(dataset), run.evaluation(),
                Evaluation.ThresholdFrom.MODEL);
        console.printf("6/8 evaluation: accuracy %.3f (95%% interval %.3f to %.3f) at the model's threshold %.3f;"
                + " majority baseline %.3f; AUC %.4f; report in %s%n", evaluation.accuracy(),
                evaluation.accuracyCi95().low(), evaluation.accuracyCi95().high(), evaluation.threshold().value(),
                evaluation.baselines().majority().accuracy(), evaluation.auc(),
                run.evaluation().resolve(Evaluation.HTML_FILE));

        Optional<AnalysisReport> analysis = Optional.empty();
        Path sets = Dataset.at(dataset).analysisFolder();
        if (config.analysisPerSet() > 0 && Files.isDirectory(sets)) {
            List<Analysis.ImageSet> imageSets = new ArrayList<>();
            try (Stream<Path> dirs = Files.list(sets)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    imageSets.add(new Analysis.ImageSet(dir.getFileName().toString(), dir, Labels.NOT_JOHN));
                }
            }
            AnalysisReport a = Analysis.run(model, imageSets, run.analysis(),
                    OptionalDouble.of(evaluation.threshold().value()), new double[] {0.35, 0.65});
            analysis = Optional.of(a);
            StringBuilder line = new StringBuilder("7/8 analysis, share called john:");
            a.sets().forEach(s -> line.append(String.format(" %s %.1f%% of %d;", s.name(), 100 * s.sharePredictedJohn(),
                    s.images())));
            console.println(line + " report in " + run.analysis().resolve(Analysis.HTML_FILE));
        }

        // the raw photo a held-out john image was made from: what a user would give predict
        Path heldOut = firstImage(Dataset.at(dataset).folder(Split.TEST, Labels.JOHN));
        String id = heldOut.getFileName().toString().substring(0, 16);
        Path probe = raw.resolve(Dataset.at(dataset).kept().stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new IOException("the manifest does not list " + heldOut)).source());
        Prediction prediction;
        try (LennonNet net = LennonNet.load(model)) {
            prediction = net.predict(probe);
        }
        console.printf("8/8 reloaded %s and asked about %s: %s, P(john) = %.4f%n", model, probe, prediction.label(),
                prediction.probabilityJohn());
        return new Result(report, result, probe, prediction, evaluation, analysis);
    }

    private static Path firstImage(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".png")).sorted().findFirst()
                    .orElseThrow(() -> new IOException("no test image in " + dir));
        }
    }
}
