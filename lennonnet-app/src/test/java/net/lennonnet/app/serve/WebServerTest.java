package net.lennonnet.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real HTTP on loopback, with a small stand-in model. */
class WebServerTest {

    @TempDir
    static Path dir;

    static Path model;
    static WebServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws IOException {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1),
                new TransferGraph.HeadOptions(0.01, new double[] {1, 1}, 3));
        model = dir.resolve("model");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, InputContract.square(32),
                0.5, "test", "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        server = WebServer.start(new ServeConfig(model, "127.0.0.1", 0, 64 * 1024, 1_000_000));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] png(int i) throws IOException {
        BufferedImage img = new BufferedImage(40 + i, 30 + i, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new Color(i * 15 % 256, 255 - i * 9 % 256, 60));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpResponse<String> post(byte[] body, String type) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("/api/predict")).header("content-type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void concurrentClientsGetTheirOwnAnswers() throws Exception {
        List<byte[]> images = new ArrayList<>();
        List<Double> expected = new ArrayList<>();
        try (LennonNet net = LennonNet.load(model)) {
            for (int i = 0; i < 24; i++) {
                images.add(png(i));
                expected.add(net.predict(images.get(i)).probabilityJohn());
            }
        }
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (byte[] image : images) {
                answers.add(clients.submit(() -> post(image, "image/png")));
            }
            for (int i = 0; i < images.size(); i++) {
                HttpResponse<String> r = answers.get(i).get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("pJohn").asDouble())
                        .isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(1e-6));
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void explainAddsTheHeatmapOfLennonNetExplainAndPlainAnswersHaveNone() throws Exception {
        byte[] image = png(5);
        HttpResponse<String> explained = HTTP.send(HttpRequest.newBuilder(uri("/api/predict?explain=1"))
                .header("content-type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(explained.statusCode()).as(explained.body()).isEqualTo(200);
        var json = JSON.readTree(explained.body());
        net.lennonnet.model.Explanation expected;
        try (LennonNet net = LennonNet.load(model)) {
            expected = net.explain(ImageIO.read(new java.io.ByteArrayInputStream(image)));
        }
        var grid = json.at("/heatmap/grid");
        assertThat(grid.size()).isEqualTo(expected.heatmap().rows());
        assertThat(grid.get(0).size()).isEqualTo(expected.heatmap().columns());
        assertThat(grid.get(1).get(2).asDouble()).isCloseTo(expected.heatmap().grid()[1][2], org.assertj.core.data.Offset.offset(1e-4));
        assertThat(json.get("heatmapMethod").asText()).isEqualTo("class activation map");
        assertThat(json.has("heatmapNote")).as("a model that reads the whole photo: the map is faithful there").isFalse();
        assertThat(json.at("/heatmap/box/width").asInt()).isEqualTo(45); // the whole 45 x 35 image
        assertThat(json.at("/heatmap/box/height").asInt()).isEqualTo(35);
        assertThat(json.get("pJohn").asDouble()).isCloseTo(expected.prediction().probabilityJohn(),
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(JSON.readTree(post(image, "image/png").body()).has("heatmap")).isFalse();
    }

    @Test
    void aModelAnsweringByDistancesIsExplainedByOcclusionWhenTheServerIsToldTo() throws Exception {
        Path centre = TinyGraphs.centreModel(dir.resolve("centre-model"), 32);
        byte[] image = png(7);
        net.lennonnet.model.Explanation expected;
        try (LennonNet net = LennonNet.load(centre)) {
            expected = net.explainByOcclusion(ImageIO.read(new java.io.ByteArrayInputStream(image)));
        }
        ServeConfig plain = new ServeConfig(centre, "127.0.0.1", 0, 64 * 1024, 1_000_000);
        for (HeatmapMethod how : HeatmapMethod.values()) {
            try (WebServer served = WebServer.start(plain.with(how))) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + served.port() + "/api/predict?explain=1"))
                        .header("content-type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                var json = JSON.readTree(r.body());
                assertThat(json.get("pJohn").asDouble()).isCloseTo(expected.prediction().probabilityJohn(),
                        org.assertj.core.data.Offset.offset(1e-6));
                if (how == HeatmapMethod.ACTIVATION_MAP) {
                    assertThat(json.get("heatmap").isNull()).isTrue();
                    assertThat(json.get("heatmapUnavailable").asText()).contains("distance to the john centre").contains("--occlusion");
                } else {
                    var grid = json.at("/heatmap/grid");
                    assertThat(grid.size()).isEqualTo(7);
                    for (int r0 = 0; r0 < 7; r0++) {
                        for (int c = 0; c < 7; c++) {
                            assertThat(grid.get(r0).get(c).asDouble()).as("cell %d,%d", r0, c)
                                    .isCloseTo(expected.heatmap().grid()[r0][c], org.assertj.core.data.Offset.offset(1e-4));
                        }
                    }
                    assertThat(json.has("heatmapUnavailable")).isFalse();
                    assertThat(json.get("heatmapMethod").asText()).isEqualTo("occlusion");
                }
            }
        }
    }

    @Test
    void aFaceCropModelsActivationMapComesWithItsCaveatAndTheWayToAFaithfulOne() throws Exception {
        ComputationGraph graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        Path faceCrop = dir.resolve("face-crop-model");
        ModelBundle.write(faceCrop, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL,
                InputContract.square(32).with(net.lennonnet.model.pipeline.Preparation.FACE_CROP), 0.5, "test",
                "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        ServeConfig plain = new ServeConfig(faceCrop, "127.0.0.1", 0, 64 * 1024, 1_000_000);
        for (HeatmapMethod how : HeatmapMethod.values()) {
            try (WebServer served = WebServer.start(plain.with(how))) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + served.port() + "/api/predict?explain=1"))
                        .header("content-type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png(2))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                var json = JSON.readTree(r.body());
                assertThat(json.get("heatmapMethod").asText()).isEqualTo(how.title());
                if (how == HeatmapMethod.ACTIVATION_MAP) {
                    assertThat(json.get("heatmapNote").asText()).contains("--occlusion");
                } else {
                    assertThat(json.has("heatmapNote")).isFalse();
                }
            }
        }
    }

    @Test
    void aMultipartUploadIsAnsweredLikeARawOne() throws Exception {
        byte[] image = png(3);
        String boundary = "lennonnet-test-boundary";
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"../../etc/x.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        form.writeBytes(image);
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> multipart = post(form.toByteArray(), "multipart/form-data; boundary=" + boundary);
        HttpResponse<String> raw = post(image, "application/octet-stream");
        assertThat(multipart.statusCode()).as(multipart.body()).isEqualTo(200);
        assertThat(JSON.readTree(multipart.body()).get("pJohn")).isEqualTo(JSON.readTree(raw.body()).get("pJohn"));
    }

    @Test
    void badRequestsGetAClearJsonError() throws Exception {
        HttpResponse<String> text = post("<html>hi</html>".getBytes(StandardCharsets.UTF_8), "image/jpeg");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(text.body()).get("error").asText()).isEqualTo("not an image format Lennonnet can read");

        HttpResponse<String> empty = post(new byte[0], "image/png");
        assertThat(empty.statusCode()).isEqualTo(400);

        HttpResponse<String> huge = post(new byte[100 * 1024], "image/png");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.body()).contains("larger than 65536 bytes");

        // malformed multipart: a boundary that never appears, and a form with no file in it
        HttpResponse<String> torn = post("--nope\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nabc"
                .getBytes(StandardCharsets.UTF_8), "multipart/form-data; boundary=lennonnet-other");
        assertThat(torn.statusCode()).as(torn.body()).isBetween(400, 499);
        assertThat(JSON.readTree(torn.body()).get("error").asText()).isNotBlank();
        HttpResponse<String> noFile = post(("--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b--\r\n")
                .getBytes(StandardCharsets.UTF_8), "multipart/form-data; boundary=b");
        assertThat(noFile.statusCode()).as(noFile.body()).isEqualTo(400);
        assertThat(JSON.readTree(noFile.body()).get("error").asText()).isNotBlank();

        HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(uri("/etc/passwd")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).has("error")).isTrue();
    }

    @Test
    void servesThePageAndItsTwoExamples() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("<title>Try Lennonnet</title>", "/api/predict", "example-potato");
        for (String name : List.of("john.png", "potato.png")) {
            HttpResponse<byte[]> png = HTTP.send(HttpRequest.newBuilder(uri("/examples/" + name)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(png.headers().firstValue("content-type")).hasValue("image/png");
            BufferedImage decoded = ImageIO.read(new java.io.ByteArrayInputStream(png.body()));
            assertThat(decoded.getWidth()).isEqualTo(160);
        }
    }

    /** A body sent chunked (no Content-Length), in pieces of {@code piece} bytes. */
    static HttpResponse<String> postChunked(byte[] body, String type, int piece) throws Exception {
        java.util.function.Supplier<java.io.InputStream> stream = () -> new java.io.InputStream() {
            int at;

            @Override
            public int read() {
                return at < body.length ? body[at++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= body.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, piece), body.length - at);
                System.arraycopy(body, at, b, off, n);
                at += n;
                return n;
            }
        };
        return HTTP.send(HttpRequest.newBuilder(uri("/api/predict")).header("content-type", type)
                .POST(HttpRequest.BodyPublishers.ofInputStream(stream)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] form(String boundary, List<String> textFields, byte[] file) {
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        int i = 0;
        for (String text : textFields) {
            form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"f" + (i++) + "\"\r\n\r\n" + text
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        form.writeBytes(file);
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return form.toByteArray();
    }

    @Test
    void theUploadCapCountsEveryByteOfTheBodyInEveryEncoding() throws Exception {
        byte[] image = png(5);
        String type = "multipart/form-data; boundary=cap";
        // under the cap, chunked, with a small extra field: answered
        HttpResponse<String> small = postChunked(form("cap", List.of("hello"), image), type, 1000);
        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        // chunked raw body over the cap
        assertThat(postChunked(new byte[100 * 1024], "image/png", 8192).statusCode()).isEqualTo(413);
        // chunked form: a text field over the cap before a small image (it got 200 before the fix)
        HttpResponse<String> bigField = postChunked(form("cap", List.of("x".repeat(100 * 1024)), image), type, 8192);
        assertThat(bigField.statusCode()).as(bigField.body()).isEqualTo(413);
        // many small fields that add up to more than the cap, with and without Content-Length
        byte[] many = form("cap", java.util.Collections.nCopies(2000, "0123456789012345678901234567890123456789"), image);
        assertThat(many.length).isGreaterThan(64 * 1024);
        assertThat(postChunked(many, type, 4096).statusCode()).isEqualTo(413);
        assertThat(post(many, type).statusCode()).isEqualTo(413);
        // and the server still answers afterwards
        assertThat(post(image, "image/png").statusCode()).isEqualTo(200);
    }

    @Test
    void pastTheRequestsItMayHoldItAnswers503AndRecovers() throws Exception {
        try (WebServer tight = WebServer.start(new ServeConfig(model, "127.0.0.1", 0, 64 * 1024, 1_000_000, 1))) {
            URI predict = URI.create("http://127.0.0.1:" + tight.port() + "/api/predict");
            HttpRequest request = HttpRequest.newBuilder(predict).header("content-type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png(2))).build();
            assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            try (java.net.Socket slow = new java.net.Socket("127.0.0.1", tight.port())) {
                // a client that has sent its headers and 10 of 1,000 bytes holds the one place
                slow.getOutputStream().write(("POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                        + "Content-Length: 1000\r\n\r\n0123456789").getBytes(StandardCharsets.US_ASCII));
                slow.getOutputStream().flush();
                for (int i = 0; i < 250 && tight.requestsHeld() == 0; i++) {
                    Thread.sleep(20); // until the server has read the slow client's headers
                }
                assertThat(tight.requestsHeld()).isEqualTo(1);
                HttpResponse<String> busy = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
                assertThat(busy.headers().firstValue("retry-after")).hasValue("1");
                assertThat(JSON.readTree(busy.body()).get("error").asText()).contains("too many images waiting (1)");
            }
            // the slow client gave up: its place is free again
            for (int i = 0; i < 250 && tight.requestsHeld() > 0; i++) {
                Thread.sleep(20);
            }
            assertThat(tight.requestsHeld()).isZero();
            HttpResponse<String> after = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        }
    }

    /**
     * A slowloris (issue 19): clients that send their headers and then a byte every 2 s used to hold every
     * place, and every real upload got 503 until they left. Now a body that pauses too long or arrives too
     * slowly gets 408 and its place back, and real uploads keep getting answers.
     */
    @Test
    void slowBodiesGet408AndRealUploadsKeepGettingAnswers() throws Exception {
        ServeConfig config = new ServeConfig(model, "127.0.0.1", 0, 64 * 1024, 1_000_000, 4,
                java.time.Duration.ofMillis(800), 1024);
        try (WebServer guarded = WebServer.start(config)) {
            List<java.net.Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    java.net.Socket s = new java.net.Socket("127.0.0.1", guarded.port());
                    s.setSoTimeout(15_000);
                    s.getOutputStream().write(("POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                            + "Content-Length: 50000\r\n\r\nP").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                Thread dripping = new Thread(() -> {
                    for (int round = 0; round < 5; round++) { // one byte every 2 s, for 10 s at most
                        try {
                            Thread.sleep(2000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (java.net.Socket s : slow) {
                            try {
                                s.getOutputStream().write('x');
                                s.getOutputStream().flush();
                            } catch (IOException closedByTheServer) {
                                // expected once it answered 408
                            }
                        }
                    }
                });
                dripping.setDaemon(true);
                dripping.start();
                URI predict = URI.create("http://127.0.0.1:" + guarded.port() + "/api/predict");
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                for (int u = 0; u < 6; u++) {
                    HttpRequest request = HttpRequest.newBuilder(predict).header("content-type", "image/png")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png(u))).build();
                    int status;
                    do {
                        status = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                        if (status == 503) {
                            Thread.sleep(200);
                        }
                    } while (status == 503 && System.nanoTime() < deadline);
                    assertThat(status).as("real upload %d", u).isEqualTo(200);
                }
                // the 4 that got a place were cut off with 408, the others never got one (503 at once)
                int timedOut = 0;
                for (java.net.Socket s : slow) {
                    String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII)).readLine();
                    assertThat(statusLine).matches("HTTP/1.1 (408|503) .*");
                    timedOut += statusLine.startsWith("HTTP/1.1 408") ? 1 : 0;
                }
                assertThat(timedOut).isEqualTo(4);
                dripping.interrupt();
            } finally {
                for (java.net.Socket s : slow) {
                    s.close();
                }
            }
            for (int i = 0; i < 250 && guarded.requestsHeld() > 0; i++) {
                Thread.sleep(20);
            }
            assertThat(guarded.requestsHeld()).isZero();
        }
    }

    /** A body over the cap is refused at once, not read to its end while it holds a place. */
    @Test
    void aBodyOverTheCapIsRefusedAtOnce() throws Exception {
        try (WebServer tight = WebServer.start(new ServeConfig(model, "127.0.0.1", 0, 64 * 1024, 1_000_000, 1));
                java.net.Socket big = new java.net.Socket("127.0.0.1", tight.port())) {
            big.setSoTimeout(15_000);
            // chunked, no length declared: 100 KB sent, and the client would go on for ever
            var out = big.getOutputStream();
            out.write("POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[8192];
            for (int i = 0; i < 12; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(big.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 413");
            for (int i = 0; i < 250 && tight.requestsHeld() > 0; i++) {
                Thread.sleep(20);
            }
            // the one place is free again though the client never finished its body
            assertThat(tight.requestsHeld()).isZero();
        }
    }
}
