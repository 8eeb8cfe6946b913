package net.lennonnet.train;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet train}: a dataset folder to a model folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the two-class head on a dataset written by 'lennonnet dataset'.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "Dataset folder (train/, val/, test/).")
    Path data;

    @Option(names = "--out", required = true, description = "Model folder to write (model.zip, lennonnet.json, history, test report).")
    Path out;

    @Option(names = "--weights", description = "ImageNet ResNet-50 weights file; default: the DL4J zoo cache if present, else a random backbone.")
    Path weights;

    @Option(names = "--input-size", defaultValue = "224", description = "Input edge in pixels for a random backbone (ImageNet weights always use 224). Default: ${DEFAULT-VALUE}.")
    int inputSize;

    @Option(names = "--epochs", defaultValue = "32", description = "Maximum epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate of the head. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--patience", defaultValue = "5", description = "Early stopping: epochs without a lower validation loss. Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--ui-port", defaultValue = "9000", description = "DL4J dashboard port. Default: ${DEFAULT-VALUE}.")
    int uiPort;

    @Option(names = "--no-dashboard", description = "Do not start the DL4J dashboard.")
    boolean noDashboard;

    @Override
    public Integer call() throws Exception {
        TrainConfig config = new TrainConfig(data, out, inputSize, epochs, batchSize, learningRate, patience, seed,
                Optional.ofNullable(weights), noDashboard ? 0 : uiPort);
        TrainResult result = TrainRun.withDashboard(config, System.err);
        TestReport t = result.test();
        System.out.printf("john %d/%d correct, not_john %d/%d correct, accuracy %.3f; model in %s%n", t.johnCorrect(),
                t.johnTotal(), t.notJohnCorrect(), t.notJohnTotal(), t.accuracy(), result.model());
        return 0;
    }
}
