package net.lennonnet.app.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.lennonnet.model.BatchingPredictor;
import net.lennonnet.model.Explanation;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Prediction;
import net.lennonnet.model.explain.Heatmap;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.image.UndecodableImageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Try Lennonnet": {@code GET /} is a page to drop a photo on, {@code POST /api/predict} takes the
 * image (raw bytes, or the first file of a multipart form) and answers JSON. Uploads are held in
 * memory only, capped in bytes as they arrive and in pixels before decoding; the type is decided
 * from the bytes. Images are decoded on Vert.x worker threads, never on the event loop; a
 * {@link BatchingPredictor} answers whatever requests are waiting with one forward pass, so
 * concurrent clients share the model's batch throughput. With {@code ?explain=1} the answer also carries
 * its heatmap ({@code LennonNet.explain}, one image per pass), or why the model has none.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServeConfig config;
    private final LennonNet net;
    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, byte[]> examples = new LinkedHashMap<>();
    private final String page;
    /** Decoded images waiting for a forward pass. */
    private final BatchingPredictor predictor;
    /** Requests holding memory (receiving, decoding, waiting or being answered); see {@link ServeConfig#maxWaiting}. */
    private final java.util.concurrent.Semaphore admitted;
    private WebServer(ServeConfig config, LennonNet net) {
        this.config = config;
        this.net = net;
        this.admitted = new java.util.concurrent.Semaphore(config.maxWaiting());
        this.predictor = new BatchingPredictor(net, config.maxWaiting());
        this.vertx = Vertx.vertx();
        this.page = resource("index.html");
        // shipped with the jar (drawn once by the demo generator, ServeExamples in the tests)
        for (String name : List.of("john.png", "potato.png")) {
            examples.put(name, resourceBytes("examples/" + name));
        }
        Router router = Router.router(vertx);
        router.get("/").handler(rc -> rc.response().putHeader("content-type", "text/html; charset=utf-8").end(page));
        router.get("/examples/:name").handler(this::example);
        router.post("/api/predict").handler(this::predict);
        router.route().last().handler(rc -> error(rc, 404, "no such page: " + rc.request().path()));
        // a connection that sends nothing (or only part of its headers) for a minute is closed: such clients
        // hold no place in the queue, but they should not hold sockets for ever either
        this.server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setIdleTimeout(60)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)).requestHandler(router);
    }

    /** Loads the model and starts listening; {@link #port()} tells where. */
    public static WebServer start(ServeConfig config) throws IOException {
        LennonNet net = LennonNet.load(config.model(), config.engine());
        WebServer web = new WebServer(config, net);
        CompletableFuture<Void> listening = new CompletableFuture<>();
        web.server.listen(config.port(), config.host(), result -> {
            if (result.succeeded()) {
                listening.complete(null);
            } else {
                listening.completeExceptionally(result.cause());
            }
        });
        try {
            listening.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            web.close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("could not listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage(), e);
        }
        log.info("Try Lennonnet: http://{}:{}/", config.host(), web.port());
        return web;
    }

    /** Requests holding memory now (receiving, decoding, waiting or being answered). */
    int requestsHeld() {
        return config.maxWaiting() - admitted.availablePermits();
    }

    /** The port it listens on (the chosen one when the config said 0). */
    public int port() {
        return server.actualPort();
    }

    private void example(RoutingContext rc) {
        byte[] image = examples.get(rc.pathParam("name"));
        if (image == null) {
            error(rc, 404, "no such example");
            return;
        }
        rc.response().putHeader("content-type", "image/png").end(Buffer.buffer(image));
    }

    private void predict(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        long declared = parseLength(request.getHeader("content-length"));
        if (declared > config.maxUploadBytes()) {
            error(rc, 413, "image larger than " + config.maxUploadBytes() + " bytes");
            return;
        }
        // At most maxWaiting requests hold memory at once, from their first byte to their answer:
        // bodies (each within the upload cap), decoded images and queue places. Past that, 503 at once.
        if (!admitted.tryAcquire()) {
            rc.response().putHeader("retry-after", "1");
            error(rc, 503, "too many images waiting (" + config.maxWaiting() + "); try again shortly");
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                admitted.release();
            }
        };
        String type = request.getHeader("content-type");
        boolean multipart = type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data");
        // Every byte of the body counts against the cap, whatever the encoding and however many fields:
        // forms are parsed from the capped body (Multipart), never by a decoder that buffers fields itself.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong lastPiece = new java.util.concurrent.atomic.AtomicLong(start);
        // A body must keep coming: a pause longer than bodyIdle, or an average slower than minBytesPerSecond
        // once it has had rateGrace, gets 408 and the connection closed, so that clients sending a byte now
        // and then cannot hold every place (issue 19: 40 of them kept all real uploads at 503).
        long timer = vertx.setPeriodic(Math.max(50, Math.min(1000, config.bodyIdle().toMillis() / 4)), id -> {
            long now = System.nanoTime();
            long elapsed = now - start;
            boolean idle = now - lastPiece.get() > config.bodyIdle().toNanos();
            boolean slow = elapsed > config.rateGrace().toNanos()
                    && body.size() * 1e9 / elapsed < config.minBytesPerSecond();
            if (released.get() || rc.response().ended()) {
                vertx.cancelTimer(id);
            } else if (idle || slow) {
                vertx.cancelTimer(id);
                refuseAndClose(rc, 408, idle ? "the request body stopped arriving for more than "
                        + config.bodyIdle().toMillis() + " ms" : "the request body arrives slower than "
                        + config.minBytesPerSecond() + " bytes/s", release);
            }
        });
        Runnable done = () -> {
            vertx.cancelTimer(timer);
            release.run();
        };
        rc.response().closeHandler(v -> done.run());
        rc.addBodyEndHandler(v -> done.run());
        request.handler(chunk -> {
            if (rc.response().ended()) {
                return;
            }
            lastPiece.set(System.nanoTime());
            if (body.size() + chunk.length() > config.maxUploadBytes()) {
                // refused at once: the rest is not read, and the place is not held while it would arrive
                body.reset();
                vertx.cancelTimer(timer);
                refuseAndClose(rc, 413, "image larger than " + config.maxUploadBytes() + " bytes", release);
                return;
            }
            body.writeBytes(chunk.getBytes());
        });
        request.exceptionHandler(e -> {
            log.debug("upload broke off: {}", e.getMessage());
            done.run();
        });
        request.endHandler(end -> {
            vertx.cancelTimer(timer);
            if (rc.response().ended()) {
                return;
            }
            answer(rc, body.toByteArray(), multipart ? type : null, "1".equals(request.getParam("explain")));
        });
    }

    /**
     * Answers with an error and releases the request's place at once; the connection is closed a moment
     * later (what arrives meanwhile is dropped unread), so that a client still sending can read the answer.
     */
    private void refuseAndClose(RoutingContext rc, int status, String message, Runnable release) {
        if (!rc.response().ended()) {
            rc.response().putHeader("connection", "close");
            error(rc, status, message);
        }
        release.run();
        var connection = rc.request().connection();
        vertx.setTimer(LINGER_MILLIS, id -> connection.close());
    }

    /** How long a refused connection stays open for its client to read the answer. */
    private static final long LINGER_MILLIS = 1000;

    /** Finds the image in the body (a multipart form when {@code formType} is set), decodes and answers it, off the event loop. */
    private void answer(RoutingContext rc, byte[] body, String formType, boolean explain) {
        vertx.<Answered>executeBlocking(promise -> {
            try {
                byte[] bytes = body;
                if (formType != null) {
                    java.util.Optional<byte[]> file;
                    try {
                        file = Multipart.firstFile(body, formType);
                    } catch (Multipart.MalformedException e) {
                        promise.fail(new BadRequest("malformed multipart form: " + e.getMessage()));
                        return;
                    }
                    if (file.isEmpty()) {
                        promise.fail(new BadRequest("the form has no file: send the image as a file field, or as the raw request body"));
                        return;
                    }
                    bytes = file.get();
                }
                if (bytes.length == 0) {
                    promise.fail(new BadRequest("empty request: send the image as the request body or a multipart file"));
                    return;
                }
                BufferedImage image = Images.decode(bytes, config.maxPixels());
                String noHeatmap = null;
                if (explain) {
                    try {
                        Explanation e = net.explain(image, config.heatmaps());
                        promise.complete(new Answered(e.prediction(), e.heatmap(), null));
                        return;
                    } catch (UnsupportedOperationException e) {
                        // answered as always below, saying why there is no heatmap and how to get one here
                        noHeatmap = e.getMessage() + ". Here: start the server with --occlusion";
                    }
                }
                var answer = predictor.offer(image);
                if (answer.isEmpty()) {
                    promise.fail(new Busy());
                    return;
                }
                promise.complete(new Answered(answer.get().get(5, TimeUnit.MINUTES), null, noHeatmap));
            } catch (java.util.concurrent.ExecutionException e) {
                promise.fail(e.getCause());
            } catch (Exception e) {
                promise.fail(e);
            }
        }, false, result -> {
            if (result.succeeded()) {
                Prediction p = result.result().prediction();
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("label", p.label());
                json.put("pJohn", p.probabilityJohn());
                json.put("pNotJohn", p.probabilityNotJohn());
                json.put("threshold", net.metadata().threshold());
                json.put("millis", p.elapsed().toMillis());
                json.put("face", p.face().orElse(null));
                if (!p.keypoints().isEmpty()) {
                    json.put("keypoints", p.keypoints().stream().map(k -> new double[] {k.x(), k.y()}).toList());
                }
                if (explain) {
                    Heatmap heatmap = result.result().heatmap();
                    json.put("heatmap", heatmap == null ? null : heatmap.json());
                    if (heatmap == null) {
                        json.put("heatmapUnavailable", result.result().noHeatmap());
                    } else {
                        json.put("heatmapMethod", config.heatmaps().title());
                        if (config.heatmaps() == HeatmapMethod.ACTIVATION_MAP
                                && net.metadata().input().preparation().findsFaces()) {
                            // measured: on tight face crops the map is only weakly faithful (docs/evaluation.md)
                            json.put("heatmapNote", "on a face crop the class activation map is only a rough guide "
                                    + "to what the answer rests on; start the server with --occlusion for a faithful one");
                        }
                    }
                }
                send(rc, 200, json);
            } else if (result.cause() instanceof BadRequest e) {
                error(rc, 400, e.getMessage());
            } else if (result.cause() instanceof UndecodableImageException e) {
                error(rc, 415, e.getMessage());
            } else if (result.cause() instanceof net.lennonnet.model.face.NoFaceException e) {
                error(rc, 422, e.getMessage());
            } else if (result.cause() instanceof Busy) {
                error(rc, 503, "too many images waiting (" + config.maxWaiting() + "); try again shortly");
            } else {
                log.error("prediction failed", result.cause());
                error(rc, 500, "the model failed on this image");
            }
        });
    }

    /** An answer, with its heatmap when one was asked for and the model has one (else why not). */
    private record Answered(Prediction prediction, Heatmap heatmap, String noHeatmap) {}

    /** A request without a usable image in it. */
    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** The predictor's queue is full. */
    private static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("busy", null, false, false);
        }
    }

    private static long parseLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void error(RoutingContext rc, int status, String message) {
        send(rc, status, Map.of("error", message));
    }

    private static void send(RoutingContext rc, int status, Map<String, Object> body) {
        if (rc.response().ended()) {
            return;
        }
        try {
            rc.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            rc.response().setStatusCode(500).end();
        }
    }

    private static byte[] resourceBytes(String name) {
        try (InputStream in = WebServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the Lennonnet jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = WebServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the Lennonnet jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        vertx.close(done -> closed.complete(null));
        try {
            closed.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("the web server did not stop cleanly: {}", e.getMessage());
        } finally {
            predictor.close();
            net.close();
        }
    }
}
