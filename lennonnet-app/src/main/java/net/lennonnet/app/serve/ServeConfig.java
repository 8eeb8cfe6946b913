package net.lennonnet.app.serve;

import java.nio.file.Path;

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
 */
public record ServeConfig(Path model, String host, int port, int maxUploadBytes, long maxPixels, int maxWaiting) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_UPLOAD_MB = 10;

    /** Requests held at once unless told otherwise: two full batches of the predictor. */
    public static final int DEFAULT_MAX_WAITING = 32;

    /** With {@link #DEFAULT_MAX_WAITING}. */
    public ServeConfig(Path model, String host, int port, int maxUploadBytes, long maxPixels) {
        this(model, host, port, maxUploadBytes, maxPixels, DEFAULT_MAX_WAITING);
    }

    public ServeConfig {
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
    }
}
