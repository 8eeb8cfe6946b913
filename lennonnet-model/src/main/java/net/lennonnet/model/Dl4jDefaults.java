package net.lennonnet.model;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DL4J settings Lennonnet runs fastest with. They are JVM-wide and take effect only before ND4J
 * loads its natives, so nothing in Lennonnet applies them behind a caller's back: the command line and
 * the {@code mvn exec} entry points call {@link #apply()} first thing, and a program that embeds
 * {@link LennonNet} calls it itself at the start of {@code main}, or does without (docs/embedding.md).
 * Measured on 2 cores (docs/performance.md): the whole ResNet-50 forward at 224 x 224, batch 16, goes
 * from about 6 to about 35-45 images/s.
 *
 * <ul>
 *   <li>{@code org.eclipse.deeplearning4j.helpers.disable=false}: DL4J M2.1 turns its layer helpers
 *       (oneDNN on CPU, cuDNN on CUDA) off unless told otherwise, so convolutions ran as im2col plus
 *       OpenBLAS. On CPU the helpers also need {@code org.nd4j.nativeblas.Nd4jCpu}, a shim shipped
 *       apart in the {@code lennonnet-model} artifact with classifier {@code onednn-shim}.</li>
 *   <li>{@code org.bytedeco.javacpp.platform.extension=-onednn}, when the {@code linux-x86_64-onednn}
 *       natives of nd4j-native are on the class path (Lennonnet's runnable module ships those): JavaCPP
 *       loads that build, whose libnd4j carries oneDNN. oneDNN picks AVX-512, AVX2 or SSE kernels at
 *       run time, so one build serves every x86-64 CPU.</li>
 * </ul>
 * A value the user set (with {@code -D}) is never overridden. Whether or not the settings were
 * applied, the first model loaded logs once whether the helpers are active ({@link #logStatusOnce()}:
 * INFO when they are not, DEBUG when they are).
 */
public final class Dl4jDefaults {

    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    static final String ONEDNN_NATIVES = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libjnind4jcpu.so";
    static final String SHIM = "org.nd4j.nativeblas.Nd4jCpu$Environment";
    private static final String ND4J_CPU_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private static final Logger log = LoggerFactory.getLogger(Dl4jDefaults.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private Dl4jDefaults() {}

    /** Applies the settings that are not set yet. Idempotent and cheap; call it before any ND4J use. */
    public static synchronized void apply() {
        if (System.getProperty(HELPERS_DISABLE) == null) {
            System.setProperty(HELPERS_DISABLE, "false");
        }
        if (System.getProperty(PLATFORM_EXTENSION) == null
                && Dl4jDefaults.class.getClassLoader().getResource(ONEDNN_NATIVES) != null) {
            System.setProperty(PLATFORM_EXTENSION, "-onednn");
        }
    }

    /**
     * Whether DL4J's CPU layer helpers will attach, and if not, why, in one line. Asks the loaded
     * natives, so it loads ND4J's CPU backend when that is on the class path.
     */
    public static String status() {
        if (!"false".equalsIgnoreCase(System.getProperty(HELPERS_DISABLE))) {
            return "DL4J's layer helpers are off (" + HELPERS_DISABLE + " is not false): convolutions run on"
                    + " im2col; call Dl4jDefaults.apply() before ND4J loads to turn them on";
        }
        Boolean oneDnn = callBoolean(ND4J_CPU_ENVIRONMENT, "isUseONEDNN");
        if (oneDnn == null) {
            return "DL4J's layer helpers are on; no ND4J CPU backend is loaded (another backend decides)";
        }
        if (callBoolean(SHIM, "isUseMKLDNN") == null) {
            return "DL4J's CPU layer helpers cannot attach: the lennonnet-model onednn-shim jar is not on the class"
                    + " path (docs/embedding.md)";
        }
        String natives = System.getProperty(PLATFORM_EXTENSION, "");
        return oneDnn
                ? "DL4J's oneDNN layer helpers are on" + (natives.contains("onednn")
                        ? " (the oneDNN build of the natives)" : " (natives without oneDNN: generic libnd4j ops)")
                : "DL4J's CPU layer helpers are on, but the loaded natives use no oneDNN";
    }

    /**
     * Logs {@link #status()} the first time it is called in this JVM: at INFO when the helpers are not
     * on as they should be (what an embedding program wants to hear about), at DEBUG when they are (so a
     * command like {@code predict} prints nothing more than its answers).
     */
    public static void logStatusOnce() {
        if (LOGGED.compareAndSet(false, true)) {
            String status = status();
            if (status.startsWith("DL4J's oneDNN layer helpers are on")) {
                log.debug(status);
            } else {
                log.info(status);
            }
        }
    }

    private static Boolean callBoolean(String className, String method) {
        try {
            Class<?> type = Class.forName(className);
            Object instance = type.getMethod("getInstance").invoke(null);
            return (Boolean) type.getMethod(method).invoke(instance);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
