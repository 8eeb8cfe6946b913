package net.lennonnet.app;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code lennonnet} in an environment tuned for ND4J, which a JVM cannot give itself: glibc
 * settings read when the process starts. Without them, every batch's freshly allocated activations
 * are returned to the kernel when freed and faulted in (zeroed) again by the next batch: about
 * 40,000 minor page faults per ResNet-50 batch of 16, against about 4,000 with them
 * (docs/performance.md). When they are missing, {@link #relaunch} starts the same command again in a
 * child JVM with them set, passes on its console, and returns its exit code.
 * {@code LENNONNET_NO_RELAUNCH=1} turns this off.
 */
final class Launcher {

    /** One malloc arena, no mmap'd chunks, no trimming: freed memory stays mapped and is reused. */
    static final Map<String, String> TUNED = Map.of("MALLOC_ARENA_MAX", "1", "MALLOC_MMAP_MAX_", "0",
            "MALLOC_TRIM_THRESHOLD_", "1099511627776");
    static final String OFF = "LENNONNET_NO_RELAUNCH";

    private Launcher() {}

    /** The child's exit code, or empty when this process should run the command itself. */
    static Optional<Integer> relaunch(String mainClass, String[] args) {
        Map<String, String> env = System.getenv();
        boolean tuned = TUNED.entrySet().stream().allMatch(e -> e.getValue().equals(env.get(e.getKey())));
        if (tuned || env.containsKey(OFF)) {
            return Optional.empty();
        }
        Optional<String> java = ProcessHandle.current().info().command();
        if (java.isEmpty()) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(java.get());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(TUNED);
        builder.environment().put(OFF, "1"); // never twice
        try {
            Process child = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(child::destroy)); // Ctrl-C reaches both anyway
            return Optional.of(child.waitFor());
        } catch (java.io.IOException e) {
            return Optional.empty(); // run here, untuned, rather than not at all
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }
}
