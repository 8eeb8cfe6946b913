package net.lennonnet.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lennonnet.model.bundle.Decision;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.dashboard.EpochRecord;
import net.lennonnet.train.dashboard.EpochStats;
import net.lennonnet.train.head.HeadData;
import net.lennonnet.train.head.HeadFit;
import net.lennonnet.train.head.HeadSearch;
import net.lennonnet.train.head.LogisticHead;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head on cached features ({@link HeadSearch}): its L2 strength, the answering score, calibration and
 * threshold chosen on held-out scores, the final fit solved to convergence with every solver iteration
 * stored as one step of the run (history, dashboard), and the result folded into the graph's output layer.
 * A solve takes seconds and is deterministic, so an interrupted run simply solves again (the features are
 * what is cached).
 */
public final class HeadTraining {

    private static final Logger log = LoggerFactory.getLogger(HeadTraining.class);

    /**
     * What the head's fit gave.
     *
     * @param history   one step per solver iteration of the final fit
     * @param choice    what the search chose
     * @param session   the dashboard session the steps were stored under
     */
    public record Result(List<EpochStats> history, HeadSearch.Choice choice, String session) {
        /** The last step: the converged head. */
        public int lastStep() {
            return history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
        }
    }

    private final TrainConfig config;
    private final Optional<Dashboard> dashboard;

    public HeadTraining(TrainConfig config, Optional<Dashboard> dashboard) {
        this.config = config;
        this.dashboard = dashboard;
    }

    /** Rows of the training features the DL4J dashboard's score and gradient statistics are computed on. */
    private static final int DASHBOARD_SAMPLE = 256;

    /**
     * Fits the head of {@code graph} (its layer {@code head.outputVertex()}, reading {@code head.featureVertex()})
     * on the features, and folds it in.
     */
    public Result run(ComputationGraph graph, net.lennonnet.model.graph.TransferGraph.Head head, Featurizer.Features train,
            Featurizer.Features validation, boolean distanceScores) throws IOException {
        String session = "lennonnet-" + java.time.Instant.now().toString().replace(':', '-');
        String outputVertex = head.outputVertex();
        Layer layer = graph.getLayer(outputVertex);
        Optional<StatsListener> listener = dashboard.map(d -> new StatsListener(d.storage()));
        // The DL4J dashboard's own charts (score, parameter and gradient statistics) come from its listener on a
        // graph of the head alone: each solver iteration puts the current head there and lets DL4J compute its
        // score and gradient on a sample of the training rows, as fitting it used to.
        ComputationGraph headGraph = listener.isPresent()
                ? new org.deeplearning4j.nn.transferlearning.TransferLearningHelper(graph, head.featureVertex()).unfrozenGraph()
                : null;
        int sample = (int) Math.min(DASHBOARD_SAMPLE, train.features().size(0));
        INDArray sampleRows = listener.isPresent() ? train.features().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, sample), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup() : null;
        INDArray sampleLabels = listener.isPresent() ? train.labels().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, sample), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup() : null;
        dashboard.ifPresent(d -> d.storage().putStaticInfo(EpochRecord.runStart(session, System.currentTimeMillis())));
        HeadData trainData = headData(train);
        HeadData validationData = headData(validation);
        List<EpochStats> history = new ArrayList<>();
        long[] stepStart = {System.nanoTime()};
        // the UI's storage keys a session's records by their millisecond: solver steps come faster than that,
        // so each gets the next free millisecond, or a step would replace the one before it on the dashboard
        long[] lastStamp = {0};
        LogisticHead.Listener steps = (iteration, loss, step, fit) -> {
            double[] validationFigures = lossAndAccuracy(fit, validationData);
            EpochStats stats = new EpochStats(iteration, loss, validation.size() == 0 ? loss : validationFigures[0],
                    validationFigures[1], step, (System.nanoTime() - stepStart[0]) / 1e9, fit.gradientNorm());
            stepStart[0] = System.nanoTime();
            history.add(stats);
            lastStamp[0] = Math.max(System.currentTimeMillis(), lastStamp[0] + 1);
            long stamp = lastStamp[0];
            dashboard.ifPresent(d -> d.storage().putUpdate(new EpochRecord(session, stamp, stats)));
            listener.ifPresent(l -> {
                fit.foldInto(headGraph.getLayer(outputVertex), 1, 0);
                headGraph.setInputs(sampleRows);
                headGraph.setLabels(sampleLabels);
                headGraph.computeGradientAndScore();
                l.iterationDone(headGraph, iteration, 0);
            });
        };
        HeadSearch.Choice choice = new HeadSearch(new HeadSearch.Settings(distanceScores, config.epochs(), config.seed()))
                .run(trainData, validationData, steps);
        EpochHistory.write(config.run().history(), history);
        HeadFit fitted = choice.head();
        Decision decision = choice.decision();
        // The head layer holds the calibrated head: for a head decision the graph's softmax is the answer.
        double a = decision.score() == Decision.Score.HEAD ? decision.plattA() : 1;
        double b = decision.score() == Decision.Score.HEAD ? decision.plattB() : 0;
        fitted.foldInto(layer, a, b);
        log.info("head: logistic regression on {} standardised features, L2 {} chosen on {}; converged in {} "
                + "iterations (relative gradient norm {}, training loss {}){}", trainData.width(),
                fitted.lambda(), decision.heldOut(), fitted.iterations(), String.format("%.2e", fitted.gradientNorm()),
                Training.fmt(fitted.loss()), choice.fittedOnValidation() ? "; validation images are part of the final fit"
                        : "");
        for (Decision.Candidate c : decision.candidates()) {
            log.info("held-out {} score: log loss {}, balanced accuracy {}, AUC {}{}", c.score().name().toLowerCase(),
                    Training.fmt(c.logLoss()), Training.fmt(c.accuracy()), Training.fmt(c.auc()),
                    c.score() == decision.score() ? " (answers)" : "");
        }
        log.info("answer: the {} score, Platt a {} b {}; threshold {} ({})", decision.score().name().toLowerCase(),
                Training.fmt(decision.plattA()), Training.fmt(decision.plattB()), Training.fmt(choice.threshold()),
                choice.thresholdSource());
        return new Result(List.copyOf(history), choice, session);
    }

    /** P(john) of each row of some features, the way the chosen decision answers. */
    static double[] probabilities(HeadSearch.Choice choice, Featurizer.Features features) {
        Decision decision = choice.decision();
        float[][] rows = features.features().toFloatMatrix();
        double[] p = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            p[i] = decision.readsFeatures() ? decision.probabilityJohn(rows[i])
                    : Decision.sigmoid(decision.plattA() * choice.head().margin(rows[i]) + decision.plattB());
        }
        return p;
    }

    /** Rows, labels and image ids of cached features ({@link Featurizer.Features#files} names each row's image). */
    static HeadData headData(Featurizer.Features features) {
        if (features.size() == 0) {
            return new HeadData(new float[0][], new boolean[0], new int[0]);
        }
        float[][] rows = features.features().toFloatMatrix();
        INDArray labels = features.labels();
        boolean[] john = new boolean[rows.length];
        int[] image = new int[rows.length];
        java.util.Map<java.nio.file.Path, Integer> ids = new java.util.HashMap<>();
        for (int i = 0; i < rows.length; i++) {
            john[i] = labels.getDouble(i, 0) > 0.5;
            image[i] = ids.computeIfAbsent(features.files().get(i), f -> ids.size());
        }
        return new HeadData(rows, john, image);
    }

    /** Mean log loss and accuracy at 0.5 of the uncalibrated head on some rows; zeros for none. */
    private static double[] lossAndAccuracy(HeadFit fit, HeadData data) {
        if (data.size() == 0) {
            return new double[] {0, 0};
        }
        double loss = 0;
        int right = 0;
        for (int i = 0; i < data.size(); i++) {
            double m = fit.margin(data.row(i)) * (data.isJohn(i) ? 1 : -1);
            loss += (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m))) / data.size();
            right += m > 0 ? 1 : 0;
        }
        return new double[] {loss, (double) right / data.size()};
    }
}
