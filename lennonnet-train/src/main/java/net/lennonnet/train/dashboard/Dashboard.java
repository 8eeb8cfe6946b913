package net.lennonnet.train.dashboard;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.lennonnet.train.run.RunFolder;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.VertxUIServer;

/**
 * The DL4J training dashboard, fed from {@link RecordedStats} (a record in the run folder that is never
 * Java-deserialized) so a finished run can be replayed.
 *
 * <p>DL4J M2.1's server binds every interface; Lennonnet moves it to loopback unless told otherwise.
 * Its threads keep the JVM alive: {@link #close} stops it.
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

    /**
     * Records a run's statistics into {@code statsFile} without serving anything, for a run trained with
     * no dashboard up ({@code train --no-dashboard}): {@code lennonnet dashboard --stats} shows it later.
     */
    public static Dashboard recordOnly(Path statsFile) {
        try {
            return new Dashboard(null, RecordedStats.open(statsFile), 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts the dashboard on {@code port}, reachable from this machine only; see {@link #start(int, Path, String)}. */
    public static Dashboard start(int port, Path statsFile) {
        return start(port, statsFile, LOOPBACK);
    }

    /** The default: the dashboard answers on this machine only. */
    public static final String LOOPBACK = "127.0.0.1";

    /**
     * Starts (or joins) the dashboard on {@code host:port} and shows the run stored in {@code statsFile}.
     *
     * <p>DL4J M2.1's server always listens on every interface. Unless {@code host} is {@code 0.0.0.0},
     * Lennonnet moves the server's socket: it closes DL4J's listener and serves the same router, on the
     * same Vert.x instance, from {@code host} only.
     */
    public static Dashboard start(int port, Path statsFile, String host) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("dashboard port must be 1..65535, got " + port);
        }
        RecordedStats storage;
        try {
            storage = RecordedStats.open(statsFile);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        VertxUIServer server = VertxUIServer.getInstance(port, false, null);
        if (!"0.0.0.0".equals(host)) {
            rebind(server, host, port);
        }
        server.attach(storage);
        LennonnetUiModule.runFolder(RunFolder.ofStats(statsFile));
        return new Dashboard(server, storage, port);
    }

    private static void rebind(VertxUIServer ui, String host, int port) {
        try {
            Field field = VertxUIServer.class.getDeclaredField("server");
            field.setAccessible(true);
            HttpServer everywhere = (HttpServer) field.get(ui);
            if (everywhere == null) {
                throw new IllegalStateException("the DL4J dashboard has no HTTP server yet");
            }
            Handler<HttpServerRequest> router = everywhere.requestHandler();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            everywhere.close(done -> closed.complete(null));
            closed.get(30, TimeUnit.SECONDS);
            CompletableFuture<HttpServer> listening = new CompletableFuture<>();
            ui.getVertx().createHttpServer().requestHandler(router).listen(port, host, result -> {
                if (result.succeeded()) {
                    listening.complete(result.result());
                } else {
                    listening.completeExceptionally(result.cause());
                }
            });
            field.set(ui, listening.get(30, TimeUnit.SECONDS));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this DL4J version's dashboard cannot be moved to " + host
                    + "; run with --ui-host 0.0.0.0 to accept its default of every interface", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not serve the DL4J dashboard on " + host + ":" + port + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the dashboard", e);
        }
    }

    /**
     * Links the Lennonnet page to a running "Try Lennonnet" page for the run's model, so that it is
     * one click from the dashboard once a model exists.
     */
    public void advertiseTryPage(String url) {
        LennonnetUiModule.advertiseTryPage(url);
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
        if (server == null) {
            try {
                storage.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("could not close dashboard stats file", e);
            }
            return;
        }
        LennonnetUiModule.advertiseTryPage(null);
        LennonnetUiModule.runFolder(null);
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
