package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Workaround for a DL4J 1.0.0-M2.1 bug that keeps its oneDNN layer helpers off on every CPU build.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by name and calls {@code getInstance().isUseMKLDNN()}.
 * In M2.1 that class lives at {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the
 * method is {@code isUseONEDNN()}, so the lookup throws, the helper records a failed check, and
 * convolution, batch normalisation and pooling layers never reach oneDNN, even with the
 * {@code -onednn} builds of nd4j-native. This class answers the old lookup with the new one.
 * With a build that has no oneDNN, {@code isUseONEDNN()} is false and nothing changes.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {}

    /** What {@code BaseMKLDNNHelper} asks for by name. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether the loaded libnd4j uses oneDNN (the name M2.1's helper still asks for). */
        public boolean isUseMKLDNN() {
            try {
                Class<?> real = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object environment = real.getMethod("getInstance").invoke(null);
                Method useOneDnn = real.getMethod("isUseONEDNN");
                return (Boolean) useOneDnn.invoke(environment);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false; // no CPU backend on the class path: DL4J then has no oneDNN to use
            }
        }
    }
}
