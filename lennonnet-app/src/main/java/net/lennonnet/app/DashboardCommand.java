package net.lennonnet.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.app.serve.ServeConfig;
import net.lennonnet.app.serve.WebServer;
import net.lennonnet.model.image.Images;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.run.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet dashboard}: replay a finished run in the DL4J training UI. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Show a stored training run (model folder's dashboard-stats.bin) in the DL4J dashboard until Ctrl-C or SIGTERM (or Enter at a terminal).")
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--stats", required = true, description = "The dashboard-stats.bin a training run wrote.")
    Path stats;

    @Option(names = "--ui-port", defaultValue = "" + net.lennonnet.train.TrainConfig.DEFAULT_UI_PORT, description = "Port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--serve-port", defaultValue = "" + ServeConfig.DEFAULT_PORT,
            description = "When the run's folder holds a model, also serve the Try Lennonnet page on this port and link it from the dashboard; 0: don't. Default: ${DEFAULT-VALUE}.")
    int servePort;

    @Option(names = "--ui-host", defaultValue = Dashboard.LOOPBACK,
            description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE} (this machine only).")
    String host;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(stats)) {
            throw new IllegalArgumentException("no stats file at " + stats);
        }
        serveUntilStopped(port, host, stats, servePort);
        return 0;
    }

    /** Serves the stored run until SIGINT or SIGTERM (or Enter at a terminal): {@link StopSignal}. */
    static void serveUntilStopped(int port, String host, Path stats, int servePort)
            throws java.io.IOException, InterruptedException {
        RunFolder run = RunFolder.ofStats(stats);
        boolean hasModel = servePort > 0 && run.hasModel();
        try (StopSignal stop = new StopSignal(); Dashboard dashboard = Dashboard.start(port, stats, host);
                WebServer web = hasModel ? WebServer.start(new ServeConfig(run.model(), host, servePort, ServeConfig.DEFAULT_MAX_UPLOAD_MB << 20,
                        Images.DEFAULT_MAX_PIXELS)) : null) {
            if (web != null) {
                String url = "http://" + ("0.0.0.0".equals(host) ? "localhost" : host) + ":" + web.port() + "/";
                dashboard.advertiseTryPage(url);
                System.out.println("Try Lennonnet: " + url);
            }
            System.out.println("DL4J training dashboard: " + dashboard.url() + " and " + dashboard.lennonnetUrl()
                    + " (" + stop.howToStop() + ")");
            System.out.flush();
            stop.await();
        }
    }
}
