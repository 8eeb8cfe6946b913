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
import net.lennonnet.model.InputContract;
import net.lennonnet.model.Labels;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.ModelBundle;
import net.lennonnet.model.ModelMetadata;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.TransferGraph;
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
                0.5, "test", "0".repeat(64), TransferGraph.findHead(graph), Map.of()));
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
}
