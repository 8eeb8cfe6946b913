package net.lennonnet.train;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import net.lennonnet.train.dashboard.Dashboard;

/**
 * A training run with the DL4J dashboard up while it trains (unless the config says port 0); either way
 * the run's statistics are recorded in {@code out/dashboard-stats.bin}, so it can be watched afterwards.
 */
public final class TrainRun {

    private TrainRun() {}

    /**
     * Trains, streaming statistics to the dashboard on {@code host} and to {@code out/dashboard-stats.bin}
     * for replay.
     */
    public static TrainResult withDashboard(TrainConfig config, String host, PrintStream console) throws IOException {
        java.nio.file.Files.createDirectories(config.out());
        net.lennonnet.train.dashboard.RecordedStats.setAsideForeign(config.run().dashboardStats()).ifPresent(aside ->
                console.println("an older Lennonnet's dashboard file (a format that deserializes Java objects) was "
                        + "moved to " + aside + " unread; this run is recorded anew"));
        if (config.uiPort() == 0) {
            try (Dashboard recorded = Dashboard.recordOnly(config.run().dashboardStats())) {
                return Training.run(config, Optional.of(recorded));
            }
        }
        try (Dashboard dashboard = Dashboard.start(config.uiPort(), config.run().dashboardStats(), host)) {
            console.println("DL4J training dashboard: " + dashboard.url() + " (validation loss: "
                    + dashboard.lennonnetUrl() + ")");
            return Training.run(config, Optional.of(dashboard));
        }
    }
}
