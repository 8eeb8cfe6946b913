package net.lennonnet.model.bundle;

import java.util.List;
import net.lennonnet.model.engine.Int8Calibration;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;

/**
 * Everything a saved model needs besides its weights, stored as {@code lennonnet.json} next to
 * {@code model.zip}.
 *
 * @param format          bundle format version, currently {@value #FORMAT}
 * @param labels          class names in output order; must be {@link Labels#ALL}
 * @param input           the input contract the weights were trained with
 * @param threshold       P(john) at or above which the answer is "john", in (0, 1)
 * @param thresholdSource how the threshold was chosen (e.g. "default", "validation set, max accuracy")
 * @param modelSha256     SHA-256 of {@code model.zip}; loading refuses a mismatch
 * @param head            the trained head's feature and output vertices
 * @param provenance      where the model came from: backbone, dataset, settings, build
 * @param decision        how P(john) is made from the network ({@link Decision}); format 1 models, which
 *                        predate it, answer with the head as it is
 * @param detectorSha256  for a face-aligned model, the SHA-256 of the face detector it carries
 *                        ({@link ModelBundle#DETECTOR_FILE}); empty otherwise
 * @param int8            for a model whose backbone answers in int8 ({@code train --precision int8}), the
 *                        activation ranges its head's features were computed with; null for float
 */
public record ModelMetadata(int format, List<String> labels, InputContract input, double threshold,
        String thresholdSource, String modelSha256, TransferGraph.Head head, Provenance provenance,
        Decision decision, String detectorSha256,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Int8Calibration int8) {

    /** The format written: 2 records the {@link Decision}. */
    public static final int FORMAT = 2;
    /** The oldest format still read. */
    public static final int OLDEST_FORMAT = 1;

    /** Metadata that answers with the head as it is. */
    public ModelMetadata(int format, List<String> labels, InputContract input, double threshold,
            String thresholdSource, String modelSha256, TransferGraph.Head head, Provenance provenance) {
        this(format, labels, input, threshold, thresholdSource, modelSha256, head, provenance, Decision.head());
    }

    /** Metadata of a model that carries no face detector. */
    public ModelMetadata(int format, List<String> labels, InputContract input, double threshold,
            String thresholdSource, String modelSha256, TransferGraph.Head head, Provenance provenance,
            Decision decision) {
        this(format, labels, input, threshold, thresholdSource, modelSha256, head, provenance, decision, "", null);
    }

    /** Metadata of a float model. */
    public ModelMetadata(int format, List<String> labels, InputContract input, double threshold,
            String thresholdSource, String modelSha256, TransferGraph.Head head, Provenance provenance,
            Decision decision, String detectorSha256) {
        this(format, labels, input, threshold, thresholdSource, modelSha256, head, provenance, decision, detectorSha256,
                null);
    }

    public ModelMetadata {
        if (format < OLDEST_FORMAT || format > FORMAT) {
            throw new IllegalArgumentException("unsupported bundle format " + format + ", this Lennonnet reads "
                    + OLDEST_FORMAT + " to " + FORMAT + (format > FORMAT ? ": a newer Lennonnet wrote it" : ""));
        }
        if (!Labels.ALL.equals(labels)) {
            throw new IllegalArgumentException("labels must be " + Labels.ALL + ", got " + labels);
        }
        if (input == null) {
            throw new IllegalArgumentException("input contract is missing");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        }
        if (modelSha256 == null || !modelSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("model SHA-256 must be 64 hex digits, got " + modelSha256);
        }
        if (head == null) {
            throw new IllegalArgumentException("head description is missing");
        }
        provenance = provenance == null ? Provenance.unknown() : provenance;
        decision = decision == null ? Decision.head() : decision;
        detectorSha256 = detectorSha256 == null ? "" : detectorSha256;
        if (!detectorSha256.isEmpty() && !detectorSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("detector SHA-256 must be 64 hex digits, got " + detectorSha256);
        }
        labels = List.copyOf(labels);
    }

    /** A copy with another model hash (the hash is known only once the weights are written). */
    public ModelMetadata withModelSha256(String sha256) {
        return new ModelMetadata(format, labels, input, threshold, thresholdSource, sha256, head, provenance, decision,
                detectorSha256, int8);
    }

    /** A copy that says which face detector the model carries. */
    public ModelMetadata withDetectorSha256(String sha256) {
        return new ModelMetadata(format, labels, input, threshold, thresholdSource, modelSha256, head, provenance, decision,
                sha256, int8);
    }

    /** A copy whose backbone answers in int8 with {@code calibration}'s ranges. */
    public ModelMetadata withInt8(Int8Calibration calibration) {
        return new ModelMetadata(format, labels, input, threshold, thresholdSource, modelSha256, head, provenance, decision,
                detectorSha256, calibration);
    }

    /** The int8 calibration the backbone answers with; empty for a float model. */
    public java.util.Optional<Int8Calibration> int8Calibration() {
        return java.util.Optional.ofNullable(int8);
    }

    /** {@code int8} or {@code fp32}: the precision the head's features were computed in. */
    public String precision() {
        return int8 == null ? "fp32" : "int8";
    }
}
