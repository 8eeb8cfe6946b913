package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.model.Explanation;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.explain.Deletion;
import net.lennonnet.model.explain.Heatmap;
import net.lennonnet.model.explain.Overlay;
import net.lennonnet.model.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deletion test of the heatmaps, on real photos through real weights: a ResNet-50 model trained on the LFW
 * subset's real faces ("john") against real non-face patches, then, for every held-out face, the 10% of the
 * heatmap's cells that read most as john are greyed on the photo, and separately 10% of the cells at random
 * (ten draws). If the map shows what the model reads, greying its top cells must lower the answer's log-odds
 * much more than greying random ones: at least twice as much, averaged over the faces. The figures go to
 * {@code target/explanation-faithfulness.md}, and four overlays to {@code target/explanations/}.
 */
class ExplanationFaithfulnessIT {

    @TempDir
    Path tmp;

    @Test
    void greyingTheHottestTenthLowersTheAnswerFarMoreThanARandomTenth() throws Exception {
        Path raw = tmp.resolve("raw");
        RealPhotosIT.writeLfwSubset(RealPackages.skimageData().resolve("lfw_subset.npy"), raw);
        run("dataset", "--raw", raw.toString(), "--out", tmp.resolve("ds").toString(), "--test-per-class", "25", "--seed", "7");
        run("train", "--data", tmp.resolve("ds").toString(), "--out", tmp.resolve("model").toString(), "--weights",
                RealPackages.resnet50().toString(), "--no-dashboard", "--seed", "7");
        List<Path> faces;
        try (Stream<Path> list = Files.list(tmp.resolve("ds/test/john"))) {
            faces = list.sorted().toList();
        }
        assertThat(faces).hasSizeGreaterThanOrEqualTo(20);
        Path overlays = Files.createDirectories(Path.of("target", "explanations"));
        Random random = new Random(7);
        double topDrop = 0;
        double randomDrop = 0;
        int lowered = 0;
        try (LennonNet net = LennonNet.load(tmp.resolve("model"))) {
            for (int i = 0; i < faces.size(); i++) {
                BufferedImage photo = Images.decode(faces.get(i), Images.DEFAULT_MAX_PIXELS);
                Explanation e = net.explain(photo);
                Heatmap map = e.heatmap();
                Deletion.Drops drops = Deletion.of(net, photo, e, random);
                topDrop += drops.top();
                randomDrop += drops.random();
                lowered += drops.top() > 0 ? 1 : 0;
                if (i < 4) {
                    ImageIO.write(Overlay.render(photo, map), "png", overlays.resolve("lfw-face-" + i + ".png").toFile());
                }
            }
        }
        topDrop /= faces.size();
        randomDrop /= faces.size();
        String table = String.format("| held-out real faces | cells greyed | mean log-odds drop, top cells | mean log-odds "
                + "drop, random cells (10 draws each) | faces whose answer the top cells lowered |%n| --- | --- | --- | --- | --- |%n"
                + "| %d | 10%% | %.3f | %.3f | %d of %d |%n", faces.size(), topDrop, randomDrop, lowered, faces.size());
        System.out.println(table);
        Files.writeString(Path.of("target", "explanation-faithfulness.md"), table);
        assertThat(topDrop).as(table).isPositive();
        assertThat(topDrop).as(table).isGreaterThanOrEqualTo(2 * Math.max(randomDrop, 0));
    }

    private static void run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = LennonnetCli.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as(String.join(" ", args) + "\n" + err).isZero();
    }
}
