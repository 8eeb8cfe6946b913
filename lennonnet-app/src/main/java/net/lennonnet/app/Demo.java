package net.lennonnet.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.DatasetReport;
import net.lennonnet.data.Split;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.Images;
import net.lennonnet.model.Labels;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Prediction;
import net.lennonnet.train.Augmentation;
import net.lennonnet.train.FineTuning;
import net.lennonnet.train.TrainConfig;
import net.lennonnet.train.TrainResult;
import net.lennonnet.train.TrainRun;

/** Every stage of the real pipeline on generated images: generate, clean and split, train, test, reload, predict. */
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
     */
    public record Result(DatasetReport dataset, TrainResult training, Path probe, Prediction prediction) {}

    private Demo() {}

    /** Runs the demo, with the dashboard (if the config has a port) listening on {@code uiHost}. */
    public static Result run(DemoConfig config, String uiHost, PrintStream console) throws IOException {
        Path raw = config.work().resolve("raw");
        Path dataset = config.work().resolve("dataset");
        Path model = config.work().resolve("model");

        console.printf("1/6 drawing %d john and %d not_john images into %s%n", config.perClass(), config.perClass(), raw);
        new DemoImages(IMAGE_SIZE).write(raw, config.perClass(), config.seed());

        console.printf("2/6 cleaning and splitting into %s (%d test images per class, 10%% of the rest for validation)%n",
                dataset, config.testPerClass());
        DatasetReport report = new DatasetBuilder(new DatasetConfig(raw, dataset, config.testPerClass(), 0.1,
                config.seed(), Images.DEFAULT_MAX_PIXELS)).build();

        console.printf("3/6 building the ResNet-50 transfer graph; 4/6 training its head%n");
        TrainConfig train = new TrainConfig(dataset, model, config.inputSize(), config.epochs(), 32, config.learningRate(),
                config.patience(),
                config.seed(), config.weights(), config.uiPort(), TrainConfig.defaultFeatureCache(dataset), false,
                Augmentation.none(), FineTuning.off());
        TrainResult result = TrainRun.withDashboard(train, uiHost, console);

        var t = result.test();
        console.printf("5/6 held-out test: john %d/%d correct, not_john %d/%d correct, accuracy %.3f; histograms in %s%n",
                t.johnCorrect(), t.johnTotal(), t.notJohnCorrect(), t.notJohnTotal(), t.accuracy(),
                model.resolve("test"));

        Path probe = firstImage(dataset.resolve(Split.TEST.folder()).resolve(Labels.JOHN));
        Prediction prediction;
        try (LennonNet net = LennonNet.load(model)) {
            prediction = net.predict(probe);
        }
        console.printf("6/6 reloaded %s and asked about %s: %s, P(john) = %.4f%n", model, probe, prediction.label(),
                prediction.probabilityJohn());
        return new Result(report, result, probe, prediction);
    }

    private static Path firstImage(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".png")).sorted().findFirst()
                    .orElseThrow(() -> new IOException("no test image in " + dir));
        }
    }
}
