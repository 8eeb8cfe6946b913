package net.lennonnet.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetIterators;
import net.lennonnet.data.Split;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.dashboard.EpochRecord;
import net.lennonnet.train.dashboard.EpochStats;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slow path after the head has converged ({@code --fine-tune-epochs}): the backbone's last stage
 * unfrozen and trained with the head on images read through DataVec, at the fine-tuning learning rate;
 * the epoch with the lowest validation loss is kept, counting the converged head as the one to beat.
 */
final class FineTuneEpochs {

    private static final Logger log = LoggerFactory.getLogger(FineTuneEpochs.class);

    /**
     * @param graph     the fine-tuned graph, at its best epoch
     * @param history   the head's epochs and then these
     * @param bestEpoch the best epoch of all
     */
    record Result(ComputationGraph graph, List<EpochStats> history, int bestEpoch) {}

    private final TrainConfig config;
    private final Dataset dataset;
    private final InputContract contract;
    private final Optional<Dashboard> dashboard;

    FineTuneEpochs(TrainConfig config, Dataset dataset, InputContract contract, Optional<Dashboard> dashboard) {
        this.config = config;
        this.dataset = dataset;
        this.contract = contract;
        this.dashboard = dashboard;
    }

    /**
     * @param backbone     the frozen backbone the head was trained on
     * @param trainingSet  the training images (their class weights and count)
     * @param trained      the transfer graph with the trained head
     * @param headFit      the head's fit, whose steps these continue
     */
    Result run(Backbone backbone, TrainingSet trainingSet, ComputationGraph trained, HeadTraining.Result headFit)
            throws IOException {
        TransferGraph.Head head = TransferGraph.findHead(trained);
        String boundary = TransferGraph.lastStageInput(backbone.graph());
        ComputationGraph tuned = TransferGraph.twoClass(backbone.graph(), new TransferGraph.HeadOptions(
                config.fineTuning().learningRate(), trainingSet.classWeights(), config.seed()), boundary);
        tuned.getLayer(head.outputVertex()).setParams(trained.getLayer(head.outputVertex()).params().dup());
        dashboard.ifPresent(d -> tuned.setListeners(new StatsListener(d.storage())));
        log.info("fine-tuning everything after {} for {} epochs at learning rate {} (slow path: images, not cached "
                + "features)", boundary, config.fineTuning().epochs(), config.fineTuning().learningRate());
        List<EpochStats> history = new ArrayList<>(headFit.history());
        int offset = headFit.lastStep();
        int bestEpoch = offset;
        // the converged head, scored the way these epochs are, is the one to beat
        double bestLoss = lossAndAccuracy(tuned, Split.VALIDATION)[0];
        INDArray bestParams = tuned.params().dup();
        for (int e = 1; e <= config.fineTuning().epochs(); e++) {
            long start = System.nanoTime();
            double trainLoss = fitOneEpoch(tuned, e, config.seed() + offset + e, trainingSet.total());
            double[] validation = lossAndAccuracy(tuned, Split.VALIDATION);
            EpochStats stats = new EpochStats(offset + e, trainLoss, validation[0], validation[1],
                    config.fineTuning().learningRate(), (System.nanoTime() - start) / 1e9);
            history.add(stats);
            EpochHistory.write(config.run().history(), history);
            dashboard.ifPresent(d -> d.storage().putUpdate(
                    new EpochRecord(headFit.session(), System.currentTimeMillis(), stats)));
            EarlyStopping.Verdict verdict = EarlyStopping.judge(stats.validationLoss(), bestLoss, stats.epoch() - bestEpoch,
                    config.patience());
            if (verdict.improved()) {
                bestLoss = stats.validationLoss();
                bestEpoch = stats.epoch();
                bestParams = tuned.params().dup();
            }
            log.info("fine-tune epoch {} ({}): train loss {}, validation loss {}, validation accuracy {}{}", e,
                    stats.epoch(), Training.fmt(stats.trainLoss()), Training.fmt(stats.validationLoss()),
                    Training.fmt(stats.validationAccuracy()), verdict.improved() ? " (best)" : "");
            if (verdict.stop()) {
                log.info("early stop: validation loss not {} below the best for {} epochs; keeping step {}",
                        EarlyStopping.MIN_IMPROVEMENT, config.patience(), bestEpoch);
                break;
            }
        }
        tuned.setParams(bestParams);
        return new Result(tuned, List.copyOf(history), bestEpoch);
    }

    /** One pass over the training images; the mean training loss. */
    private double fitOneEpoch(ComputationGraph tuned, int epoch, long shuffleSeed, int trainImages) throws IOException {
        long start = System.nanoTime();
        DataSetIterator it = DatasetIterators.of(dataset, Split.TRAIN, contract, config.batchSize(), shuffleSeed);
        double lossSum = 0;
        long seen = 0;
        long lastReport = start;
        while (it.hasNext()) {
            DataSet batch = it.next();
            tuned.fit(batch);
            lossSum += tuned.score() * batch.numExamples();
            seen += batch.numExamples();
            long now = System.nanoTime();
            if (now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                double rate = seen / ((now - start) / 1e9);
                log.info("fine-tune epoch {}: {}/{} images, {} images/s, ETA {} s", epoch, seen, trainImages,
                        String.format("%.1f", rate), Math.round((trainImages - seen) / Math.max(rate, 1e-9)));
                lastReport = now;
            }
        }
        return lossSum / Math.max(1, seen);
    }

    /** Mean loss and accuracy of a graph on a split's images. */
    private double[] lossAndAccuracy(ComputationGraph graph, Split split) throws IOException {
        DataSetIterator it = DatasetIterators.of(dataset, split, contract, config.batchSize(), 0);
        double lossSum = 0;
        double right = 0;
        long n = 0;
        while (it.hasNext()) {
            DataSet batch = it.next();
            lossSum += graph.score(batch) * batch.numExamples();
            right += Scores.accuracy(graph.outputSingle(false, batch.getFeatures()), batch.getLabels()) * batch.numExamples();
            n += batch.numExamples();
        }
        return new double[] {lossSum / Math.max(1, n), right / Math.max(1, n)};
    }

    /** P(john) and the truth of every image of a split, through the fine-tuned graph. */
    Scores score(ComputationGraph graph, Split split) throws IOException {
        DataSetIterator it = DatasetIterators.of(dataset, split, contract, config.batchSize(), 0);
        List<INDArray> outputs = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        while (it.hasNext()) {
            DataSet batch = it.next();
            outputs.add(graph.outputSingle(false, batch.getFeatures()));
            labels.add(batch.getLabels());
        }
        return Scores.of(Nd4j.concat(0, outputs.toArray(INDArray[]::new)), Nd4j.concat(0, labels.toArray(INDArray[]::new)));
    }
}
