package net.lennonnet.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.app.serve.ServeConfig;
import net.lennonnet.app.serve.WebServer;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.image.Images;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet serve}: the "Try Lennonnet" page and JSON API for one model. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a page to try a photo (GET /) and a JSON API (POST /api/predict) until Ctrl-C or SIGTERM (or Enter at a terminal).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model folder written by 'lennonnet train --out'.")
    Path model;

    @Option(names = "--host", defaultValue = ServeConfig.DEFAULT_HOST, description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServeConfig.DEFAULT_PORT, description = "Port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--max-upload-mb", defaultValue = "" + ServeConfig.DEFAULT_MAX_UPLOAD_MB, description = "Largest image accepted, in MB. Default: ${DEFAULT-VALUE}.")
    int maxUploadMb;

    @Option(names = "--max-waiting", defaultValue = "" + ServeConfig.DEFAULT_MAX_WAITING,
            description = "Requests held at once (receiving, decoding or waiting for the model); past it, 503. Bounds the server's memory. Default: ${DEFAULT-VALUE}.")
    int maxWaiting;

    @Option(names = "--engine", defaultValue = "auto", paramLabel = "ENGINE",
            description = "What runs the backbone: auto, onnxruntime or dl4j. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--occlusion", description = "The Try page's heatmaps by occlusion (each of 7 x 7 cells greyed in turn, "
            + "50 answers per photo: about 25 times the cost of an answer, 1.3 s for ResNet-50 on 2 cores), which explains "
            + "any model, also a face model that answers by distances. Default: the class activation map.")
    boolean occlusion;

    @Override
    public Integer call() throws Exception {
        ServeConfig config = new ServeConfig(model, host, port, maxUploadMb * 1024 * 1024, Images.DEFAULT_MAX_PIXELS,
                maxWaiting).with(Engine.Choice.parse(engine)).with(HeatmapMethod.of(occlusion));
        try (StopSignal stop = new StopSignal(); WebServer server = WebServer.start(config)) {
            System.out.println("Try Lennonnet: http://" + host + ":" + server.port() + "/ (" + stop.howToStop() + ")");
            System.out.flush();
            stop.await();
            System.out.println("stopping");
        }
        return 0;
    }
}
