package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.lennonnet.app.LennonnetCliTest.Run;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Outcome;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.io.Hashes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code predict DIR --csv/--jsonl}: the table's columns, a damaged file as a row, resume, and both engines. */
class PredictTableTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path images;

    @BeforeAll
    static void modelAndImages() throws IOException {
        var graph = TransferGraph.twoClass(TinyGraphs.imagenetShaped(32, 1), TinyGraphs.HEAD_OPTIONS);
        model = TinyGraphs.save(graph, dir.resolve("model"), 32);
        images = Files.createDirectories(dir.resolve("images, \"quoted\""));
        for (int i = 0; i < 37; i++) {
            Files.write(images.resolve(String.format("img%02d.png", i)), TestImages.encode(TestImages.solid(40 + i, 30,
                    java.awt.image.BufferedImage.TYPE_INT_RGB, new Color(i * 6, 255 - i * 6, 90)), "png"));
        }
        Files.writeString(images.resolve("img17-damaged.jpg"), "not a jpeg at all");
    }

    private static List<Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(String.join(",", AnswerTable.COLUMNS));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(AnswerTable.csvRow(line, file));
        }
        return rows;
    }

    @Test
    void aFolderBecomesATableWithEveryColumnAndTheDamagedFileAsARowWithItsReason() throws IOException {
        Path out = dir.resolve("answers.csv");
        Run run = LennonnetCliTest.run("predict", "--model", model.toString(), "--csv", out.toString(), images.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(1); // one file failed
        List<Map<String, String>> rows = csv(out);
        assertThat(rows).hasSize(38);
        String modelSha = ModelBundle.read(model).metadata().modelSha256();
        try (LennonNet net = LennonNet.load(model, Engine.Choice.DL4J)) {
            List<Path> files;
            try (var walk = Files.list(images)) {
                files = walk.sorted().toList();
            }
            List<Outcome> expected = net.predictFiles(files);
            for (int i = 0; i < rows.size(); i++) {
                Map<String, String> row = rows.get(i);
                assertThat(row.get("path")).isEqualTo(files.get(i).toString());
                assertThat(row.get("model_sha256")).isEqualTo(modelSha);
                assertThat(row.get("threshold")).isEqualTo("0.5");
                assertThat(row.get("sha256")).isEqualTo(Hashes.sha256(files.get(i)));
                if (expected.get(i).prediction().isPresent()) {
                    assertThat(row.get("status")).isEqualTo("ok");
                    // the table's engine (auto: ONNX Runtime) against DL4J
                    assertThat(Double.parseDouble(row.get("p_john")))
                            .isCloseTo(expected.get(i).prediction().get().probabilityJohn(), org.assertj.core.data.Offset.offset(1e-4));
                    assertThat(row.get("label")).isEqualTo(expected.get(i).prediction().get().label());
                    assertThat(row.get("reason")).isEmpty();
                } else {
                    assertThat(row.get("status")).isEqualTo("failed");
                    assertThat(row.get("reason")).isEqualTo(expected.get(i).error().orElseThrow()).isNotBlank();
                    assertThat(row.get("p_john")).isEmpty();
                }
            }
        }
        assertThat(rows).filteredOn(r -> r.get("status").equals("failed")).hasSize(1)
                .allMatch(r -> r.get("path").endsWith("img17-damaged.jpg"));
    }

    @Test
    void resumeKeepsWhatIsThereCutsATornRowAndAnswersTheRest() throws IOException {
        Path out = dir.resolve("resumed.jsonl");
        assertThat(LennonnetCliTest.run("predict", "--model", model.toString(), "--jsonl", out.toString(),
                images.toString()).exit()).isEqualTo(1);
        List<String> whole = Files.readAllLines(out);
        assertThat(whole).hasSize(38);
        // a run stopped after 20 rows, in the middle of the 21st
        Files.writeString(out, String.join("\n", whole.subList(0, 20)) + "\n" + whole.get(20).substring(0, 30));
        Run resumed = LennonnetCliTest.run("predict", "--model", model.toString(), "--jsonl", out.toString(), "--resume",
                images.toString());
        assertThat(resumed.err()).contains("20 images already answered, 18 to go");
        List<String> after = Files.readAllLines(out);
        assertThat(after).hasSize(38);
        List<String> paths = new ArrayList<>();
        for (String line : after) {
            JsonNode row = JSON.readTree(line);
            paths.add(row.get("path").asText());
        }
        assertThat(paths).doesNotHaveDuplicates();
        for (int i = 0; i < 38; i++) {
            JsonNode a = JSON.readTree(whole.get(i));
            JsonNode b = JSON.readTree(after.get(i));
            assertThat(b.get("path").asText()).isEqualTo(a.get("path").asText());
            assertThat(b.get("status").asText()).isEqualTo(a.get("status").asText());
        }
        // answers of another model are not mixed in
        Files.writeString(out, after.get(0).replace(ModelBundle.read(model).metadata().modelSha256(), "f".repeat(64)) + "\n");
        Run mixed = LennonnetCliTest.run("predict", "--model", model.toString(), "--jsonl", out.toString(), "--resume",
                images.toString());
        assertThat(mixed.exit()).isNotZero();
        assertThat(mixed.err()).contains("holds answers of another model");
    }

    @Test
    void theEngineCanBeChosenAndBothAnswerAlike() throws IOException {
        Path a = dir.resolve("dl4j.csv");
        Path b = dir.resolve("onnx.csv");
        LennonnetCliTest.run("predict", "--model", model.toString(), "--engine", "dl4j", "--csv", a.toString(), images.toString());
        LennonnetCliTest.run("predict", "--model", model.toString(), "--engine", "onnxruntime", "--csv", b.toString(),
                images.toString());
        List<Map<String, String>> dl4j = csv(a);
        List<Map<String, String>> onnx = csv(b);
        assertThat(onnx).hasSameSizeAs(dl4j);
        for (int i = 0; i < dl4j.size(); i++) {
            assertThat(onnx.get(i).get("label")).isEqualTo(dl4j.get(i).get("label"));
        }
        Run wrong = LennonnetCliTest.run("predict", "--model", model.toString(), "--engine", "tensorflow", images.toString());
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.err()).contains("auto, onnxruntime or dl4j");
    }

    @Test
    void explainWritesAnOverlayPerImageAndJsonCarriesTheHeatmap() throws IOException {
        Path overlays = dir.resolve("overlays");
        Path one = images.resolve("img03.png");
        Run run = LennonnetCliTest.run("predict", "--model", model.toString(), "--explain", overlays.toString(), "--json",
                one.toString(), images.resolve("img17-damaged.jpg").toString());
        assertThat(run.exit()).as("the damaged file fails").isEqualTo(1);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        var json = new ObjectMapper().readTree(lines.get(0));
        assertThat(json.get("path").asText()).isEqualTo(one.toString());
        assertThat(json.at("/heatmap/grid").size()).isGreaterThan(1);
        assertThat(json.at("/heatmap/box/width").asInt()).isEqualTo(43); // img03 is 43 x 30
        assertThat(json.at("/heatmap/box/height").asInt()).isEqualTo(30);
        Path overlay = Path.of(json.get("overlay").asText());
        assertThat(overlay).exists().hasParent(overlays);
        assertThat(javax.imageio.ImageIO.read(overlay.toFile()).getWidth()).isEqualTo(43);
        assertThat(lines.get(1)).contains("\"status\":\"failed\"");

        Run occluded = LennonnetCliTest.run("predict", "--model", model.toString(), "--explain", overlays.toString(),
                "--occlusion", "--json", one.toString());
        assertThat(occluded.exit()).isZero();
        var grid = new ObjectMapper().readTree(occluded.out().strip()).at("/heatmap/grid");
        assertThat(grid.size()).isEqualTo(7);
        assertThat(grid.get(0).size()).isEqualTo(7);

        Run alone = LennonnetCliTest.run("predict", "--model", model.toString(), "--occlusion", one.toString());
        assertThat(alone.exit()).isNotZero();
        assertThat(alone.err()).contains("give --explain DIR");
    }
}
