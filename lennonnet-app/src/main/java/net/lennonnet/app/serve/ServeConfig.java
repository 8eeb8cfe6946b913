package net.lennonnet.app.serve;

import java.nio.file.Path;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.explain.HeatmapMethod;

/**
 * The web server's settings.
 *
 * @param model          the model folder or packed model file
 * @param host           address to listen on; {@code 127.0.0.1} keeps it on this machine
 * @param port           port, 0..65535 (0: any free port)
 * @param maxUploadBytes largest image accepted, 1 KB..200 MB
 * @param maxPixels      largest declared pixel count accepted, checked before decoding
 * @param maxWaiting     requests held at once, 1..4096, from their first byte to their answer; past it
 *                       the server answers 503 at once. It bounds the memory requests can make the
 *                       server hold: at most {@code maxWaiting} bodies of {@code maxUploadBytes} each and
 *                       {@code maxWaiting} decoded images of at most {@code maxPixels} pixels
 * @param bodyIdle       longest pause between two pieces of a request body; a longer one gets 408
 * @param minBytesPerSecond the slowest a body may arrive on average, judged once it has been arriving for
 *                       {@code bodyIdle} (or 5 s, whichever is less); slower gets 408. With {@code bodyIdle},
 *                       this is what keeps clients that send a byte now and then from holding every place
 * @param engine         what runs the backbone
 * @param heatmaps       how {@code ?explain=1} makes its heatmap: the class activation map (a model answering by
 *                       distances has none), or occlusion for any model, about 25 times the cost of an answer
 */
public record ServeConfig(Path model, String host, int port, int maxUploadBytes, long maxPixels, int maxWaiting,
        java.time.Duration bodyIdle, long minBytesPerSecond, Engine.Choice engine, HeatmapMethod heatmaps) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_UPLOAD_MB = 10;

    /** Requests held at once unless told otherwise: two full batches of the predictor. */
    public static final int DEFAULT_MAX_WAITING = 32;

    /** A body may pause this long between pieces unless told otherwise. */
    public static final java.time.Duration DEFAULT_BODY_IDLE = java.time.Duration.ofSeconds(10);
    /** A body must arrive at least this fast on average unless told otherwise: 1 KB/s. */
    public static final long DEFAULT_MIN_BYTES_PER_SECOND = 1024;

    /** With {@link #DEFAULT_MAX_WAITING} and the default body timeouts. */
    public ServeConfig(Path model, String host, int port, int maxUploadBytes, long maxPixels) {
        this(model, host, port, maxUploadBytes, maxPixels, DEFAULT_MAX_WAITING);
    }

    /** With the default body timeouts. */
    public ServeConfig(Path model, String host, int port, int maxUploadBytes, long maxPixels, int maxWaiting) {
        this(model, host, port, maxUploadBytes, maxPixels, maxWaiting, DEFAULT_BODY_IDLE, DEFAULT_MIN_BYTES_PER_SECOND);
    }

    /** With the faster engine that loads. */
    public ServeConfig(Path model, String host, int port, int maxUploadBytes, long maxPixels, int maxWaiting,
            java.time.Duration bodyIdle, long minBytesPerSecond) {
        this(model, host, port, maxUploadBytes, maxPixels, maxWaiting, bodyIdle, minBytesPerSecond, Engine.Choice.AUTO,
                HeatmapMethod.ACTIVATION_MAP);
    }

    /** This configuration answering with {@code choice}. */
    public ServeConfig with(Engine.Choice choice) {
        return new ServeConfig(model, host, port, maxUploadBytes, maxPixels, maxWaiting, bodyIdle, minBytesPerSecond, choice,
                heatmaps);
    }

    /** This configuration making its heatmaps {@code how}. */
    public ServeConfig with(HeatmapMethod how) {
        return new ServeConfig(model, host, port, maxUploadBytes, maxPixels, maxWaiting, bodyIdle, minBytesPerSecond, engine,
                how);
    }

    /** How long a body is given before its average rate is judged. */
    public java.time.Duration rateGrace() {
        return bodyIdle.compareTo(java.time.Duration.ofSeconds(5)) < 0 ? bodyIdle : java.time.Duration.ofSeconds(5);
    }

    public ServeConfig {
        engine = engine == null ? Engine.Choice.AUTO : engine;
        heatmaps = heatmaps == null ? HeatmapMethod.ACTIVATION_MAP : heatmaps;
        if (model == null || host == null || host.isBlank()) {
            throw new IllegalArgumentException("a model and a host are required");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxUploadBytes < 1024 || maxUploadBytes > 200 * 1024 * 1024) {
            throw new IllegalArgumentException("upload cap must be 1 KB..200 MB, got " + maxUploadBytes + " bytes");
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("pixel cap must be positive, got " + maxPixels);
        }
        if (maxWaiting < 1 || maxWaiting > 4096) {
            throw new IllegalArgumentException("requests held at once must be 1..4096, got " + maxWaiting);
        }
        if (bodyIdle == null || bodyIdle.toMillis() < 100 || bodyIdle.toSeconds() > 600) {
            throw new IllegalArgumentException("a body's longest pause must be 0.1 s..10 min, got " + bodyIdle);
        }
        if (minBytesPerSecond < 0) {
            throw new IllegalArgumentException("the slowest body rate must be 0 or more bytes/s, got " + minBytesPerSecond);
        }
    }
}
