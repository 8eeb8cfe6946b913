package net.lennonnet.train.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.bundle.Provenance;
import net.lennonnet.model.face.FaceCrop;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A face-crop model scores a face-crop dataset's stored images as they are (they were cut around
 * their face when the dataset was built): evaluate and analyze do not cut them a second time.
 */
class FaceCropScoringTest {

    /** The manifest row of the one stored test image. */
    static final String MANIFEST_ROW = "{\"id\":\"0123456789abcdef\",\"label\":\"john\",\"source\":\"john/a.png\","
            + "\"sha256\":\"" + "0".repeat(64) + "\",\"phash\":\"0\",\"width\":640,\"height\":480,\"status\":\"kept\","
            + "\"reason\":\"\",\"split\":\"test\"}\n";

    @TempDir
    Path tmp;

    @Test
    void datasetImagesAreNotCroppedTwice() throws IOException {
        BufferedImage face;
        try (InputStream in = FaceCropScoringTest.class.getResourceAsStream("/net/lennonnet/model/astronaut.jpg")) {
            face = Images.decode(in.readAllBytes(), Images.DEFAULT_MAX_PIXELS);
        }
        BufferedImage paste = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = paste.createGraphics();
        g.setColor(new Color(40, 80, 160));
        g.fillRect(0, 0, 640, 480);
        g.drawImage(face, 200, 100, null);
        g.dispose();
        FaceCrop.Prepared once = FaceCrop.prepare(paste);
        assertThat(once.face()).isPresent();
        // a face-crop dataset stores the crop, and says so in its report
        Path ds = tmp.resolve("ds");
        Path stored = ds.resolve("test/john/0123456789abcdef.png");
        Files.createDirectories(stored.getParent());
        ImageIO.write(once.image(), "png", stored.toFile());
        Files.writeString(ds.resolve("manifest.jsonl"), MANIFEST_ROW);
        Files.writeString(ds.resolve("report.json"), "{\"faceCrop\": true}");
        assertThat(FaceCrop.detect(once.image())).as("the crop still shows the face, so a second cut would shrink it")
                .isPresent();

        InputContract contract = InputContract.square(32).with(Preparation.FACE_CROP);
        var graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), new TransferGraph.HeadOptions(0.01,
                new double[] {1, 1}, 3));
        // small head weights keep P(john) away from 0 and 1, so different inputs give different answers
        graph.getLayer(TransferGraph.findHead(graph).outputVertex()).params().muli(1e-3);
        Path model = tmp.resolve("model");
        ModelBundle.write(model, graph, new ModelMetadata(ModelMetadata.FORMAT, Labels.ALL, contract, 0.5, "test",
                "0".repeat(64), TransferGraph.findHead(graph), Provenance.unknown()));
        try (LennonNet net = LennonNet.load(model)) {
            double asStored = net.graph().outputSingle(false,
                    net.pipeline().storedInput(stored)).getDouble(0, 0);
            double croppedAgain = net.predictFiles(List.of(stored)).get(0).prediction().orElseThrow().probabilityJohn();
            Scorer.Result scored = Scorer.forFolder(net, ds.resolve("test")).score("test john",
                    List.of(stored), "john");
            assertThat(asStored).isBetween(0.01, 0.99);
            assertThat(scored.scored().get(0).pJohn()).isCloseTo(asStored, within(1e-7));
            assertThat(croppedAgain).as("a second cut gives another input").isNotCloseTo(asStored, within(1e-6));
            // a folder outside any dataset is a set of raw photos: those are cut as prediction cuts them
            Path raw = tmp.resolve("raw/photo.png");
            Files.createDirectories(raw.getParent());
            Files.copy(stored, raw);
            Scorer.Result rawScored = Scorer.forFolder(net, raw.getParent()).score("raw", List.of(raw), "john");
            assertThat(rawScored.scored().get(0).pJohn()).isCloseTo(croppedAgain, within(1e-7));

            // a file the manifest does not keep there is refused, whatever its name (issue 19)
            for (String planted : new String[] {"planted.jpg", "PLANTED.PNG", "fedcba9876543210.png"}) {
                Path extra = stored.resolveSibling(planted);
                Files.copy(stored, extra);
                Scorer scorer = Scorer.forFolder(net, ds);
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> scorer.score("test john",
                        List.of(stored, extra), "john"))).as(planted).isInstanceOf(IOException.class)
                        .hasMessageContaining("not images the dataset's manifest keeps there").hasMessageContaining(planted);
                Files.delete(extra);
            }
            // and one the manifest keeps in another split is refused in this one
            Path moved = ds.resolve("test/not_john/0123456789abcdef.png");
            Files.createDirectories(moved.getParent());
            Files.copy(stored, moved);
            assertThat(Scorer.forFolder(net, ds).unlisted(List.of(stored, moved))).containsExactly(moved);
        }
    }
}
