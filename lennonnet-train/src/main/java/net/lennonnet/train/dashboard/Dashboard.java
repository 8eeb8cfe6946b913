package net.lennonnet.train.dashboard;

import java.nio.file.Path;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

/**
 * The DL4J training dashboard, fed from a {@link FileStatsStorage} so a finished run can be replayed.
 *
 * <p>DL4J M2.1's server binds every interface and its threads keep the JVM alive: {@link #close}
 * stops it.
 */
public final class Dashboard implements AutoCloseable {

    private final VertxUIServer server;
    private final StatsStorage storage;
    private final int port;

    private Dashboard(VertxUIServer server, StatsStorage storage, int port) {
        this.server = server;
        this.storage = storage;
        this.port = port;
    }

    /** Starts (or joins) the dashboard on {@code port} and shows the run stored in {@code statsFile}. */
    public static Dashboard start(int port, Path statsFile) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("dashboard port must be 1..65535, got " + port);
        }
        FileStatsStorage storage = new FileStatsStorage(statsFile.toFile());
        VertxUIServer server = VertxUIServer.getInstance(port, false, null);
        server.attach(storage);
        return new Dashboard(server, storage, port);
    }

    /** Where the stored run lives, for listeners to write to. */
    public StatsStorage storage() {
        return storage;
    }

    /** The dashboard's training overview page on this machine. */
    public String url() {
        return "http://localhost:" + port + "/train/overview";
    }

    /** The Lennonnet page: loss curves, validation accuracy, learning rate and epoch time. */
    public String lennonnetUrl() {
        return "http://localhost:" + port + "/lennonnet";
    }

    @Override
    public void close() {
        try {
            server.detach(storage);
            VertxUIServer.stopInstance();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the DL4J dashboard on port " + port, e);
        } finally {
            try {
                storage.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("could not close dashboard stats file", e);
            }
        }
    }
}
