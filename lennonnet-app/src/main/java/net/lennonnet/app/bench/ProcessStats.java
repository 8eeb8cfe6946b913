package net.lennonnet.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's minor page faults, resident and peak resident memory, from Linux's /proc. */
public final class ProcessStats {

    private ProcessStats() {}

    /** Minor page faults so far (field 10 of /proc/self/stat), -1 when unknown. */
    public static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count from after it
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident memory now, MiB. */
    public static long rssMib() {
        return statusKib("VmRSS:") / 1024;
    }

    /** Peak resident memory of the process so far, MiB. */
    public static long peakRssMib() {
        return statusKib("VmHWM:") / 1024;
    }

    private static long statusKib(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1024;
        }
        return -1024;
    }
}
