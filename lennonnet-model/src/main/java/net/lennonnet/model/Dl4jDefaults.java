package net.lennonnet.model;

/**
 * The DL4J settings Lennonnet needs for speed, applied before ND4J loads its natives. Measured on 2
 * cores (docs/performance.md): the whole ResNet-50 forward at 224 x 224, batch 16, goes from about 6
 * to about 35-45 images/s.
 *
 * <ul>
 *   <li>{@code org.eclipse.deeplearning4j.helpers.disable=false}: DL4J M2.1 turns its layer helpers
 *       (oneDNN on CPU, cuDNN on CUDA) off unless told otherwise, so convolutions ran as im2col plus
 *       OpenBLAS. (Together with {@code org.nd4j.nativeblas.Nd4jCpu}, the shim that lets the CPU
 *       helper find its environment class.)</li>
 *   <li>{@code org.bytedeco.javacpp.platform.extension=-onednn}, when the {@code linux-x86_64-onednn}
 *       natives of nd4j-native are on the class path (Lennonnet's runnable modules ship those): JavaCPP
 *       loads that build, whose libnd4j carries oneDNN. oneDNN picks AVX-512, AVX2 or SSE kernels at
 *       run time, so one build serves every x86-64 CPU.</li>
 * </ul>
 * A value the user set (with {@code -D}) is never overridden. Calling this after ND4J has loaded has
 * no effect on the natives already chosen.
 */
public final class Dl4jDefaults {

    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    static final String ONEDNN_NATIVES = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libjnind4jcpu.so";

    private Dl4jDefaults() {}

    /** Applies the settings that are not set yet. Idempotent and cheap. */
    public static synchronized void apply() {
        if (System.getProperty(HELPERS_DISABLE) == null) {
            System.setProperty(HELPERS_DISABLE, "false");
        }
        if (System.getProperty(PLATFORM_EXTENSION) == null
                && Dl4jDefaults.class.getClassLoader().getResource(ONEDNN_NATIVES) != null) {
            System.setProperty(PLATFORM_EXTENSION, "-onednn");
        }
    }
}
