package net.lennonnet.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.dashboard.EpochRecord;
import net.lennonnet.train.dashboard.EpochStats;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearningHelper;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head's epochs over cached features: shuffle (seeded by epoch), fit, score train and validation,
 * store the epoch (history, dashboard), checkpoint, stop early; resume from the run folder's
 * checkpoint when asked. Leaves the best epoch's weights in the helper's head graph.
 */
public final class HeadEpochs {

    private static final Logger log = LoggerFactory.getLogger(HeadEpochs.class);

    /**
     * What the epochs gave.
     *
     * @param history   every epoch, resumed ones included
     * @param bestEpoch the epoch with the lowest validation loss, whose weights the head now has
     * @param session   the dashboard session the epochs were stored under
     */
    public record Result(List<EpochStats> history, int bestEpoch, String session) {}

    private final TrainConfig config;
    private final TransferLearningHelper helper;
    private final String runKey;
    private final Optional<Dashboard> dashboard;

    /**
     * @param runKey    what must match for {@code --resume}: backbone, dataset, seed, batch size, learning rate, views
     * @param dashboard where to stream the epochs, if anywhere
     */
    public HeadEpochs(TrainConfig config, TransferLearningHelper helper, String runKey, Optional<Dashboard> dashboard) {
        this.config = config;
        this.helper = helper;
        this.runKey = runKey;
        this.dashboard = dashboard;
    }

    public Result run(Featurizer.Features train, Featurizer.Features validation) throws IOException {
        ComputationGraph headGraph = helper.unfrozenGraph();
        List<EpochStats> history = new ArrayList<>();
        Checkpoint.State state = null;
        int firstEpoch = 1;
        String session = "lennonnet-" + java.time.Instant.now().toString().replace(':', '-');
        Optional<Checkpoint.State> saved = config.resume() ? Checkpoint.read(config.out()) : Optional.empty();
        if (saved.isPresent()) {
            state = saved.get();
            if (!state.runKey().equals(runKey)) {
                throw new IllegalArgumentException("the checkpoint in " + config.out() + " is from another run ("
                        + state.runKey() + "); resume needs the same dataset (manifest hash), backbone, seed, batch size "
                        + "and learning rate, or a fresh --out");
            }
            ComputationGraph restored = Checkpoint.load(config.out(), state.headFile());
            headGraph.setParams(restored.params());
            headGraph.getUpdater().setStateViewArray(restored.getUpdater().getStateViewArray().dup());
            headGraph.getConfiguration().setIterationCount(restored.getConfiguration().getIterationCount());
            headGraph.getConfiguration().setEpochCount(restored.getConfiguration().getEpochCount());
            history.addAll(EpochHistory.read(config.run().history(), state.epoch()));
            firstEpoch = state.epoch() + 1;
            session = state.session();
            log.info("resuming after epoch {} (best so far: epoch {})", state.epoch(), state.bestEpoch());
        } else if (config.resume()) {
            log.info("no checkpoint in {}: starting at epoch 1", config.out());
        }
        String sessionId = session;
        dashboard.ifPresent(d -> {
            headGraph.setListeners(new StatsListener(d.storage()));
            d.storage().putStaticInfo(EpochRecord.runStart(sessionId, System.currentTimeMillis()));
        });
        DataSet trainSet = new DataSet(train.features(), train.labels());
        DataSet validationSet = new DataSet(validation.features(), validation.labels());
        for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
            if (state != null && epoch - state.bestEpoch() > config.patience()) {
                break; // resumed a run that had already stopped early
            }
            long epochStart = System.nanoTime();
            fitOneEpoch(trainSet, epoch);
            double trainLoss = headGraph.score(trainSet);
            double validationLoss = validation.size() == 0 ? trainLoss : headGraph.score(validationSet);
            double validationAccuracy = Scores.accuracy(helper.outputFromFeaturized(validation.features()),
                    validation.labels());
            EpochStats stats = new EpochStats(epoch, trainLoss, validationLoss, validationAccuracy,
                    config.learningRate(), (System.nanoTime() - epochStart) / 1e9);
            history.add(stats);
            EpochHistory.write(config.run().history(), history);
            dashboard.ifPresent(d -> d.storage().putUpdate(new EpochRecord(sessionId, System.currentTimeMillis(), stats)));
            boolean improved = state == null || validationLoss < state.bestLoss();
            state = Checkpoint.write(config.out(), epoch, headGraph, improved, state, validationLoss, runKey, sessionId);
            log.info("epoch {}/{}: train loss {}, validation loss {}, validation accuracy {}{}", epoch, config.epochs(),
                    Training.fmt(trainLoss), Training.fmt(validationLoss), Training.fmt(validationAccuracy),
                    improved ? " (best)" : "");
            // ND4J frees native memory when the GC collects its Java handles, and a small Java heap rarely
            // triggers one: without this, each epoch's scoring and checkpoint arrays pile up (4.3 GB of RSS
            // over 32 epochs at 12,800 images). One collection per epoch costs about 20 ms.
            System.gc();
            if (epoch - state.bestEpoch() >= config.patience()) {
                log.info("early stop: no better validation loss for {} epochs; keeping epoch {}", config.patience(),
                        state.bestEpoch());
                break;
            }
        }
        if (state == null) {
            throw new IllegalArgumentException("no epoch was trained: --epochs " + config.epochs()
                    + " is not past the checkpoint's epoch");
        }
        headGraph.setParams(Checkpoint.load(config.out(), state.bestFile()).params());
        return new Result(List.copyOf(history), state.bestEpoch(), sessionId);
    }

    /**
     * One pass over the training rows in minibatches: gathered rows of a shuffled order, freed as soon
     * as they are used (copying and splitting the whole set each epoch left 200 MB of native garbage per
     * epoch for the GC, 8,689 MiB of RSS at 12,800 images x 32 epochs, docs/performance.md).
     */
    private void fitOneEpoch(DataSet trainSet, int epoch) {
        int[] order = shuffledOrder(trainSet.numExamples(), config.seed() + epoch);
        for (int from = 0; from < order.length; from += config.batchSize()) {
            int[] rows = java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + config.batchSize()));
            INDArray features = trainSet.getFeatures().getRows(rows);
            INDArray labels = trainSet.getLabels().getRows(rows);
            helper.fitFeaturized(new DataSet(features, labels));
            features.close();
            labels.close();
        }
    }

    /** 0..n-1 in a random order fixed by the seed (Fisher-Yates). */
    static int[] shuffledOrder(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Random random = new java.util.Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
