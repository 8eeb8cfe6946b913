package net.lennonnet.backbones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.graph.TransferGraph;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weights download against a real local HTTP server that serves a stand-in weights zip. */
class PretrainedWeightsTest {

    @TempDir
    Path tmp;

    MockWebServer server;
    byte[] standIn;
    long standInAdler32;

    @BeforeEach
    void serveAStandIn() throws IOException {
        DL4JResources.setBaseDirectory(Files.createDirectories(tmp.resolve("dl4j")).toFile());
        Path zip = tmp.resolve("stand-in.zip");
        // Same top structure as the ImageNet graph: ... -> flatten_1 -> fc1000, small enough to build here.
        ModelSerializer.writeModel(TinyGraphs.imagenetShaped(32, 7), zip.toFile(), false);
        standIn = Files.readAllBytes(zip);
        standInAdler32 = PretrainedWeights.adler32(zip);
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
        DL4JResources.resetBaseDirectoryLocation();
    }

    private WeightsSource standInSource() {
        return new WeightsSource(server.url("/models/stand-in.zip").uri(), standInAdler32);
    }

    private MockResponse ok() {
        return new MockResponse().setBody(new Buffer().write(standIn));
    }

    private Stream<Path> cacheFolder() throws IOException {
        Path dir = PretrainedWeights.cacheFile(standInSource()).getParent();
        return Files.isDirectory(dir) ? Files.list(dir) : Stream.empty();
    }

    @Test
    void downloadsVerifiesCachesAndLoadsTheGraph() throws Exception {
        server.enqueue(ok());
        Path file = PretrainedWeights.fetch(standInSource());
        assertThat(file).startsWithRaw(tmp.resolve("dl4j")).hasFileName("stand-in.zip").hasBinaryContent(standIn);
        assertThat(server.takeRequest().getPath()).isEqualTo("/models/stand-in.zip");

        // a second fetch uses the verified cached copy: no new request
        assertThat(PretrainedWeights.fetch(standInSource())).isEqualTo(file);
        assertThat(server.getRequestCount()).isEqualTo(1);

        Backbone backbone = Backbones.pretrained(new WeightsChoice.Download(standInSource())).orElseThrow();
        assertThat(backbone.pretrained()).isTrue();
        assertThat(TransferGraph.findHead(backbone.graph())).isEqualTo(new TransferGraph.Head("flatten_1", "fc1000", 8));
    }

    @Test
    void aWrongChecksumLeavesNothingInTheCache() throws IOException {
        server.enqueue(ok());
        WeightsSource wrong = new WeightsSource(standInSource().url(), (standInAdler32 + 1) & 0xFFFF_FFFFL);
        assertThatThrownBy(() -> PretrainedWeights.fetch(wrong)).isInstanceOf(IOException.class)
                .hasMessageContaining("have Adler32 checksum " + standInAdler32);
        assertThat(cacheFolder()).isEmpty();
    }

    @Test
    void aConnectionCutMidDownloadLeavesNothingInTheCache() throws IOException {
        server.enqueue(ok().setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
        assertThatThrownBy(() -> PretrainedWeights.fetch(standInSource())).isInstanceOf(IOException.class)
                .hasMessageContaining("broke off");
        assertThat(cacheFolder()).isEmpty();

        server.enqueue(ok()); // the next try starts afresh and succeeds
        assertThat(PretrainedWeights.fetch(standInSource())).hasBinaryContent(standIn);
    }

    @Test
    void aDamagedCachedFileIsReplaced() throws IOException {
        Path cached = PretrainedWeights.cacheFile(standInSource());
        Files.createDirectories(cached.getParent());
        Files.write(cached, new byte[] {1, 2, 3});
        server.enqueue(ok());
        assertThat(PretrainedWeights.fetch(standInSource())).hasBinaryContent(standIn);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void offlineItNamesTheThreeWaysOut() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        WeightsSource unreachable = new WeightsSource(URI.create("http://127.0.0.1:" + closedPort + "/w.zip"), 1);
        assertThatThrownBy(() -> PretrainedWeights.fetch(unreachable)).isInstanceOf(IOException.class)
                .hasMessageContaining("could not download the ResNet-50 ImageNet weights")
                .hasMessageContaining("--weights FILE").hasMessageContaining("--weights-mirror URL")
                .hasMessageContaining("--weights-url URL --weights-adler32 CHECKSUM");
    }

    @Test
    void aMirrorIsAskedForTheOfficialPathAndHeldToTheOfficialChecksum() throws Exception {
        server.enqueue(ok());
        WeightsSource mirror = WeightsSource.mirror(server.url("/dl4j").uri());
        assertThat(mirror.adler32()).isEqualTo(Backbones.PRETRAINED_ADLER32);
        assertThatThrownBy(() -> PretrainedWeights.fetch(mirror)).hasMessageContaining("expected 3914447815");
        assertThat(server.takeRequest().getPath()).isEqualTo("/dl4j/models/resnet50_dl4j_inference.v3.zip");
        server.enqueue(new MockResponse().setResponseCode(404));
        assertThatThrownBy(() -> PretrainedWeights.fetch(standInSource())).hasMessageContaining("HTTP 404");
    }

    @Test
    void sourcesValidateTheirUrlAndChecksum() {
        assertThatThrownBy(() -> new WeightsSource(URI.create("file:///etc/passwd"), 1))
                .hasMessage("weights URL must be an http or https URL, got file:///etc/passwd");
        assertThatThrownBy(() -> new WeightsSource(URI.create("https://x/y.zip"), -1))
                .hasMessageContaining("Adler32 checksum must be 0..4294967295");
    }
}
