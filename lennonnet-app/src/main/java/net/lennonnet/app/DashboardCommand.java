package net.lennonnet.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.train.dashboard.Dashboard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet dashboard}: replay a finished run in the DL4J training UI. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Show a stored training run (model folder's dashboard-stats.bin) in the DL4J dashboard until Enter or Ctrl-C.")
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--stats", required = true, description = "The dashboard-stats.bin a training run wrote.")
    Path stats;

    @Option(names = "--ui-port", defaultValue = "9000", description = "Port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--ui-host", defaultValue = Dashboard.LOOPBACK,
            description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE} (this machine only).")
    String host;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(stats)) {
            throw new IllegalArgumentException("no stats file at " + stats);
        }
        serveUntilEnter(port, host, stats);
        return 0;
    }

    /** Serves the stored run until a line (or end of input) arrives on standard input. */
    static void serveUntilEnter(int port, String host, Path stats) throws java.io.IOException {
        try (Dashboard dashboard = Dashboard.start(port, stats, host)) {
            System.out.println("DL4J training dashboard: " + dashboard.url() + " and " + dashboard.lennonnetUrl()
                    + " (press Enter to stop)");
            int c;
            do {
                c = System.in.read();
            } while (c != -1 && c != '\n');
        }
    }
}
