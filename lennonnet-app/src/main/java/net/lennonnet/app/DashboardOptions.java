package net.lennonnet.app;

import net.lennonnet.train.dashboard.Dashboard;
import picocli.CommandLine.Option;

/** The dashboard options every training command shares (a picocli mixin). */
public final class DashboardOptions {

    @Option(names = "--ui-port", defaultValue = "" + net.lennonnet.train.TrainConfig.DEFAULT_UI_PORT, description = "DL4J dashboard port. Default: ${DEFAULT-VALUE}.")
    int uiPort;

    @Option(names = "--no-dashboard", description = "Do not serve the DL4J dashboard now (the statistics are still recorded in dashboard-stats.bin for 'lennonnet dashboard --stats').")
    boolean noDashboard;

    @Option(names = "--ui-host", defaultValue = Dashboard.LOOPBACK,
            description = "Address the dashboard listens on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE} (this machine only).")
    String uiHost;

    /** The address to listen on. */
    public String host() {
        return uiHost;
    }

    /** The port to serve on, or 0 when the dashboard is off. */
    public int port() {
        return noDashboard ? 0 : uiPort;
    }
}
