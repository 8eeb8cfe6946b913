package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.model.Explanation;
import net.lennonnet.model.LennonNet;
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

    private static final Color GREY = new Color(128, 128, 128);

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
                double before = logOdds(e.prediction().probabilityJohn());
                int cells = map.rows() * map.columns();
                int tenth = Math.max(1, Math.round(cells / 10f));
                List<Integer> order = new ArrayList<>();
                for (int c = 0; c < cells; c++) {
                    order.add(c);
                }
                order.sort(Comparator.comparingDouble(c -> -map.grid()[c / map.columns()][c % map.columns()]));
                double top = before - logOdds(net.predict(greyed(photo, map, order.subList(0, tenth))).probabilityJohn());
                double rand = 0;
                for (int draw = 0; draw < 10; draw++) {
                    java.util.Collections.shuffle(order, random);
                    rand += before - logOdds(net.predict(greyed(photo, map, order.subList(0, tenth))).probabilityJohn());
                }
                topDrop += top;
                randomDrop += rand / 10;
                lowered += top > 0 ? 1 : 0;
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

    private static double logOdds(double p) {
        double q = Math.min(1 - 1e-12, Math.max(1e-12, p));
        return Math.log(q / (1 - q));
    }

    /** A copy of {@code photo} with the given cells of the map's grid painted grey. */
    private static BufferedImage greyed(BufferedImage photo, Heatmap map, List<Integer> cells) {
        BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(photo, 0, 0, null);
        g.setColor(GREY);
        Heatmap.Box b = map.box();
        for (int c : cells) {
            int row = c / map.columns();
            int column = c % map.columns();
            int x0 = b.x() + column * b.width() / map.columns();
            int x1 = b.x() + (column + 1) * b.width() / map.columns();
            int y0 = b.y() + row * b.height() / map.rows();
            int y1 = b.y() + (row + 1) * b.height() / map.rows();
            g.fillRect(x0, y0, x1 - x0, y1 - y0);
        }
        g.dispose();
        return out;
    }

    private static void run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = LennonnetCli.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as(String.join(" ", args) + "\n" + err).isZero();
    }
}
