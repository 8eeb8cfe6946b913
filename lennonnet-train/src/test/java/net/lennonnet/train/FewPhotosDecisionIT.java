package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.lennonnet.backbones.BackboneKind;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.backbones.WeightsChoice;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.DatasetBuilder;
import net.lennonnet.data.DatasetConfig;
import net.lennonnet.data.ManifestEntry;
import net.lennonnet.data.Split;
import net.lennonnet.model.Explanation;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.bundle.ModelMetadata;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.explain.Deletion;
import net.lennonnet.model.explain.Occlusion;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.face.FaceDetection;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.Preparation;
import net.lennonnet.train.evaluation.Evaluation;
import net.lennonnet.train.evaluation.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answer users get, on real faces of people with few photos each (issue 18's proof): for every
 * person of deepface's photos with 5 or more of them, "is this that person?" against all the other
 * people, through {@code dataset} -> {@code train} -> {@code evaluate} with default options and the
 * model's own threshold, 2 held-out photos of each class. Once with every photo of the person, once
 * with only 3 of them left to learn from (the same 2 held out). The face backbone must answer at least
 * 0.98 of the pooled held-out photos right (0.95 with 3 photos) with a pooled ECE of at most 0.05;
 * ResNet-50 (face crop) on the same full splits is measured beside it (docs/evaluation.md), not held to that.
 */
class FewPhotosDecisionIT {

    @TempDir
    Path tmp;

    /** One person's held-out outcome. */
    record Outcome(String person, boolean face, boolean few, int photos, int johnRight, int johnTotal, int otherRight,
            int otherTotal, String score, double threshold, List<Double> pJohn, List<Boolean> truth) {}

    @Test
    void theAnswerHoldsWithFewPhotosForBothBackbones() throws Exception {
        Map<String, List<Path>> people = DeepfacePhotos.people(tmp.resolve("photos"));
        List<String> persons = people.entrySet().stream().filter(e -> e.getValue().size() >= 5).map(Map.Entry::getKey)
                .sorted().toList();
        assertThat(persons).hasSize(7);
        Path resnet = RealPackages.resnet50();
        List<Outcome> outcomes = new ArrayList<>();
        for (boolean face : new boolean[] {true, false}) {
            for (String person : persons) {
                Path raw = raw(tmp.resolve(person + "-raw"), people, person, people.get(person));
                outcomes.add(run(person, face, false, raw, resnet));
                if (!face) {
                    continue; // ResNet-50 is measured beside the face backbone on the full splits only
                }
                // 3 photos to learn from: the same 2 held out, and the first 3 of the others by name
                Set<String> heldOut = heldOutJohn(tmp.resolve(name(person, face, raw)));
                List<Path> three = new ArrayList<>(people.get(person).stream()
                        .filter(p -> heldOut.contains(p.getFileName().toString())).toList());
                people.get(person).stream().filter(p -> !heldOut.contains(p.getFileName().toString())).sorted()
                        .limit(3).forEach(three::add);
                Path rawThree = raw(tmp.resolve(person + "-raw3"), people, person, three);
                outcomes.add(run(person, face, true, rawThree, resnet));
            }
        }
        StringBuilder table = new StringBuilder("| backbone | person | john photos (train + val) | john right | others right "
                + "| answering score | threshold | P(john) of the held-out john photos |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Outcome o : outcomes) {
            table.append(String.format("| %s | %s | %d | %d/%d | %d/%d | %s | %.3f | %s |%n", o.face() ? "face" : "resnet50",
                    o.person(), o.photos(), o.johnRight(), o.johnTotal(), o.otherRight(), o.otherTotal(), o.score(),
                    o.threshold(), johnProbabilities(o)));
        }
        for (boolean face : new boolean[] {true, false}) {
            for (boolean few : face ? new boolean[] {false, true} : new boolean[] {false}) {
                List<Outcome> group = outcomes.stream().filter(o -> o.face() == face && o.few() == few).toList();
                double[] pooled = pooled(group);
                table.append(String.format("%n%s, %s: pooled held-out accuracy %.3f (%d images), ECE %.3f%n",
                        face ? "face" : "resnet50", few ? "3 john photos" : "all john photos", pooled[0], (int) pooled[2],
                        pooled[1]));
                if (face) {
                    assertThat(pooled[0]).as("face, %s: pooled accuracy\n%s", few ? "3 photos" : "all photos", table)
                            .isGreaterThanOrEqualTo(few ? 0.95 : 0.98);
                    assertThat(pooled[1]).as("face, %s: pooled ECE\n%s", few ? "3 photos" : "all photos", table)
                            .isLessThanOrEqualTo(0.05);
                }
            }
        }
        for (var q : int8.entrySet()) {
            int[] sums = q.getValue();
            table.append(String.format("%n%s, all john photos, trained and answered in int8: %d of %d held-out photos right "
                    + "(float: %d)%n", q.getKey() ? "face" : "resnet50", sums[0], sums[2], sums[1]));
        }
        table.append(String.format("%n| backbone | held-out john photos | heatmaps by | mean log-odds drop, hottest tenth greyed "
                + "| mean log-odds drop, random tenth (10 draws) | mean P(john) drop, hottest tenth | mean P(john) drop, "
                + "random tenth |%n| --- | --- | --- | --- | --- | --- | --- |%n"));
        for (var d : deletions.entrySet()) {
            double[] sums = d.getValue();
            table.append(String.format("| %s | %d | %s | %.3f | %.3f | %.4f | %.4f |%n", d.getKey() ? "face" : "resnet50",
                    (int) sums[2], String.join(", ", deletionMethods.get(d.getKey())), sums[0] / sums[2], sums[1] / sums[2],
                    sums[3] / sums[2], sums[4] / sums[2]));
        }
        for (var d : occlusions.entrySet()) {
            double[] sums = d.getValue();
            table.append(String.format("| %s | %d | occlusion (opt-in) | %.3f | %.3f | %.4f | %.4f |%n", d.getKey() ? "face"
                    : "resnet50", (int) sums[2], sums[0] / sums[2], sums[1] / sums[2], sums[3] / sums[2], sums[4] / sums[2]));
        }
        for (var b : bounds.entrySet()) {
            double[] sums = b.getValue();
            table.append(String.format("%n%s: the best tenth of the occlusion grid a greedy search finds lowers the log-odds "
                    + "by %.3f on average%n", b.getKey() ? "face" : "resnet50", sums[0] / sums[1]));
        }
        System.out.println(table);
        Files.writeString(Path.of("target", "few-photos-decision.md"), table);
        for (var q : int8.entrySet()) {
            assertThat(q.getValue()[0]).as("%s in int8: held-out photos right, no fewer than float's\n%s",
                    q.getKey() ? "face" : "resnet50", table).isGreaterThanOrEqualTo(q.getValue()[1]);
        }
        // greying the photo itself (face found again in each copy) gave 4.9 vs 3.5 (resnet50) and 4.1 vs 3.0 (face):
        // better than chance, far from twice; on the network's own image the test is the map's alone
        for (var d : deletions.entrySet()) {
            double[] sums = d.getValue();
            assertThat(sums[0] / sums[2]).as("deletion test, %s\n%s", d.getKey() ? "face" : "resnet50", table)
                    .isPositive().isGreaterThan(sums[1] / sums[2]);
        }
        // on these tight crops the class activation map is only better than chance; occlusion, the opt-in map for
        // where a map needs more, must be much better: at least twice (measured 2.7x and more)
        for (var d : occlusions.entrySet()) {
            double[] sums = d.getValue();
            assertThat(sums[0] / sums[2]).as("deletion test by occlusion, %s\n%s", d.getKey() ? "face" : "resnet50", table)
                    .isGreaterThanOrEqualTo(2 * Math.max(sums[1] / sums[2], 0));
        }
    }

    /** Per backbone, over the full splits: held-out photos right in int8, right in float, and how many. */
    private final Map<Boolean, int[]> int8 = new java.util.TreeMap<>();

    /** Per backbone: the deletion test's drops summed over the held-out john photos, and how many, and how explained. */
    private final Map<Boolean, double[]> deletions = new java.util.TreeMap<>();
    private final Map<Boolean, java.util.Set<String>> deletionMethods = new java.util.TreeMap<>();

    /**
     * The deletion test on the model's held-out john photos (issue 23): greying the tenth of the heatmap that reads
     * most as john, and a random tenth; heatmaps by class activation map where the model has one, else by occlusion.
     */
    private void deletion(Path model, boolean face, List<Path> johnPhotos) throws Exception {
        java.util.Random random = new java.util.Random(11);
        java.util.Random occlusionRandom = new java.util.Random(13);
        try (LennonNet net = LennonNet.load(model)) {
            for (Path photo : johnPhotos) {
                // the image the network reads (the face crop or the aligned chip), greyed where the map says: the
                // map describes that image, and greying the photo would also move the face the detector finds
                java.awt.image.BufferedImage image = net.pipeline().prepare(Images.decode(photo, Images.DEFAULT_MAX_PIXELS))
                        .image();
                Explanation e;
                String method;
                try {
                    e = net.explainPrepared(image);
                    method = "class activation map";
                } catch (UnsupportedOperationException unsupported) {
                    e = net.explainByOcclusionPrepared(image);
                    method = "occlusion";
                }
                if (net.metadata().input().preparation() == Preparation.FACE_ALIGN) {
                    laidOnThePhoto(net, photo, e, method);
                }
                add(deletions, face, Deletion.ofPrepared(net, image, e, random));
                deletionMethods.computeIfAbsent(face, k -> new TreeSet<>()).add(method);
                // the same test with the map by occlusion (every model has one; the same map when it already was)
                Explanation occluded = method.equals("occlusion") ? e : net.explainByOcclusionPrepared(image);
                add(occlusions, face, Deletion.ofPrepared(net, image, occluded, occlusionRandom));
                if (Boolean.getBoolean("lennonnet.deletion.bound")) {
                    // how far any map on the occlusion grid could go: the tenth a greedy search finds (a measurement,
                    // minutes long: asked for, not in CI)
                    double[] bound = bounds.computeIfAbsent(face, k -> new double[2]);
                    bound[0] += Deletion.greedyBest(net, image, Occlusion.GRID);
                    bound[1]++;
                }
            }
        }
    }

    /** Adds one photo's drops to a backbone's sums: top and random in log-odds, photos, top and random in P(john). */
    private static void add(Map<Boolean, double[]> sums, boolean face, Deletion.Drops drops) {
        double[] s = sums.computeIfAbsent(face, k -> new double[5]);
        s[0] += drops.top();
        s[1] += drops.random();
        s[2]++;
        s[3] += drops.topP();
        s[4] += drops.randomP();
    }

    /** Per backbone: the deletion test's drops with the map by occlusion, summed, and how many. */
    private final Map<Boolean, double[]> occlusions = new java.util.TreeMap<>();

    /** Per backbone, when asked: a greedy search's top-tenth drops, summed, and how many. */
    private final Map<Boolean, double[]> bounds = new java.util.TreeMap<>();

    /**
     * The same photo explained whole (issue 23: the grid over the photo, not over the turned chip): the turn laid
     * back is the one that cut the chip (the chip's pixels are the photo's where it puts them), and each chip cell's
     * value lies where the turn puts that cell on the photo.
     */
    private static void laidOnThePhoto(LennonNet net, Path photo, Explanation onChip, String method) throws Exception {
        java.awt.image.BufferedImage decoded = Images.decode(photo, Images.DEFAULT_MAX_PIXELS);
        Explanation whole = method.equals("occlusion") ? net.explainByOcclusion(decoded) : net.explain(decoded);
        var map = whole.heatmap();
        assertThat(map.box().x() + map.box().width()).as("%s: the box within the photo", photo).isLessThanOrEqualTo(decoded.getWidth());
        assertThat(map.box().y() + map.box().height()).as("%s: the box within the photo", photo).isLessThanOrEqualTo(decoded.getHeight());
        java.awt.geom.AffineTransform toChip = FaceAlign.transform(whole.prediction().keypoints());
        java.awt.geom.AffineTransform toPhoto = toChip.createInverse();
        java.awt.image.BufferedImage chip = net.pipeline().prepare(decoded).image();
        double[] right = colourDistance(chip, decoded, toPhoto);
        // the same turn shifted by a tenth of the chip: what a misplaced map would read
        java.awt.geom.AffineTransform shifted = new java.awt.geom.AffineTransform(toPhoto);
        shifted.translate(FaceAlign.CHIP / 10.0, FaceAlign.CHIP / 10.0);
        double[] wrong = colourDistance(chip, decoded, shifted);
        System.out.printf("%s: chip against photo through the answer's turn %.1f, shifted %.1f (mean RGB difference)%n",
                photo.getFileName(), right[0], wrong[0]);
        assertThat(right[0]).as("%s: the chip's pixels against the photo's through the turn", photo)
                .isLessThan(12).isLessThan(wrong[0] / 2);
        float[][] grid = onChip.heatmap().grid();
        for (int r = 0; r < grid.length; r++) {
            for (int c = 0; c < grid[0].length; c++) {
                java.awt.geom.Point2D centre = toPhoto.transform(new java.awt.geom.Point2D.Double(
                        (c + 0.5) * FaceAlign.CHIP / grid[0].length, (r + 0.5) * FaceAlign.CHIP / grid.length), null);
                java.util.Optional<int[]> cell = map.cellAt(centre.getX(), centre.getY());
                if (centre.getX() < 0 || centre.getY() < 0 || centre.getX() >= decoded.getWidth()
                        || centre.getY() >= decoded.getHeight()) {
                    continue; // the chip's cell lies off the photo (black in the chip)
                }
                assertThat(map.grid()[cell.orElseThrow()[0]][cell.get()[1]]).as("%s: chip cell %d,%d on the photo (%s)",
                        photo, r, c, method).isCloseTo(grid[r][c], org.assertj.core.data.Offset.offset(1e-3f));
            }
        }
    }

    /** The mean difference (0..255, RGB) between the chip's middle and the photo where {@code toPhoto} puts it. */
    private static double[] colourDistance(java.awt.image.BufferedImage chip, java.awt.image.BufferedImage photo,
            java.awt.geom.AffineTransform toPhoto) {
        double sum = 0;
        int n = 0;
        for (int v = 40; v < 110; v += 4) {
            for (int u = 40; u < 110; u += 4) {
                java.awt.geom.Point2D p = toPhoto.transform(new java.awt.geom.Point2D.Double(u + 0.5, v + 0.5), null);
                int x = (int) p.getX();
                int y = (int) p.getY();
                if (x < 0 || y < 0 || x >= photo.getWidth() || y >= photo.getHeight()) {
                    continue;
                }
                int a = chip.getRGB(u, v);
                int b = photo.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((a >> shift) & 255) - ((b >> shift) & 255)) / 3.0;
                }
                n++;
            }
        }
        return new double[] {n == 0 ? Double.NaN : sum / n, n};
    }

    private static String johnProbabilities(Outcome o) {
        List<String> p = new ArrayList<>();
        for (int i = 0; i < o.pJohn().size(); i++) {
            if (o.truth().get(i)) {
                p.add(String.format("%.3f", o.pJohn().get(i)));
            }
        }
        return String.join(", ", p);
    }

    /** Pooled accuracy at each model's own threshold, pooled ECE (10 bins), images. */
    private static double[] pooled(List<Outcome> group) {
        List<Double> p = new ArrayList<>();
        List<Boolean> truth = new ArrayList<>();
        int right = 0;
        int n = 0;
        for (Outcome o : group) {
            p.addAll(o.pJohn());
            truth.addAll(o.truth());
            right += o.johnRight() + o.otherRight();
            n += o.johnTotal() + o.otherTotal();
        }
        double[] pa = p.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] ta = new boolean[truth.size()];
        for (int i = 0; i < ta.length; i++) {
            ta[i] = truth.get(i);
        }
        return new double[] {(double) right / n, Metrics.expectedCalibrationError(Metrics.reliability(pa, ta, 10)), n};
    }

    private static String name(String person, boolean face, Path raw) {
        return (face ? "face-" : "resnet-") + raw.getFileName();
    }

    /** The person's photos as john, everyone else's as not_john. */
    private static Path raw(Path raw, Map<String, List<Path>> people, String person, List<Path> john) throws Exception {
        if (Files.isDirectory(raw)) {
            return raw;
        }
        Files.createDirectories(raw.resolve(Labels.JOHN));
        Files.createDirectories(raw.resolve(Labels.NOT_JOHN));
        for (Path p : john) {
            Files.copy(p, raw.resolve(Labels.JOHN).resolve(p.getFileName()));
        }
        for (var e : people.entrySet()) {
            if (!e.getKey().equals(person)) {
                for (Path p : e.getValue()) {
                    Files.copy(p, raw.resolve(Labels.NOT_JOHN).resolve(p.getFileName()));
                }
            }
        }
        return raw;
    }

    private static Set<String> heldOutJohn(Path data) throws Exception {
        return Dataset.open(data).kept().stream()
                .filter(e -> e.label().equals(Labels.JOHN) && e.split().equals(Split.TEST.folder()))
                .map(e -> Path.of(e.source()).getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** dataset -> train -> evaluate with defaults (2 held out per class), the model's own threshold. */
    private Outcome run(String person, boolean face, boolean few, Path raw, Path resnet) throws Exception {
        Path data = tmp.resolve(name(person, face, raw));
        new DatasetBuilder(new DatasetConfig(raw, data, 2, DatasetConfig.DEFAULT_VAL_FRACTION, DatasetConfig.DEFAULT_SEED,
                Images.DEFAULT_MAX_PIXELS, DatasetConfig.DEFAULT_NEAR_DUPLICATE_DISTANCE,
                face ? Preparation.FACE_ALIGN : Preparation.FACE_CROP)).build();
        Path model = data.resolveSibling(data.getFileName() + "-model");
        TrainConfig.Builder config = TrainConfig.builder(data, model)
                .featureCache(tmp.resolve(face ? "face-cache" : "resnet-cache"));
        if (face) {
            config.backbone(BackboneKind.FACE);
        } else {
            config.weights(new WeightsChoice.LocalFile(resnet));
        }
        Training.run(config.build());
        Path out = model.resolve("evaluation");
        var report = Evaluation.run(model, Dataset.open(data), out, Evaluation.ThresholdFrom.MODEL);
        List<Double> p = new ArrayList<>();
        List<Boolean> truth = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("test-predictions.csv")).subList(1,
                Files.readAllLines(out.resolve("test-predictions.csv")).size())) {
            String[] f = line.split(",");
            truth.add(f[2].equals(Labels.JOHN));
            p.add(Double.parseDouble(f[3]));
        }
        ModelMetadata metadata = ModelBundle.read(model).metadata();
        // the same held-out photos answered with the backbone in DL4J: the same decisions (issue 21)
        Path dl4jOut = model.resolve("evaluation-dl4j");
        Evaluation.run(model, Dataset.open(data), dl4jOut, Evaluation.ThresholdFrom.MODEL, Engine.Choice.DL4J);
        List<String> onnx = Files.readAllLines(out.resolve("test-predictions.csv"));
        List<String> dl4j = Files.readAllLines(dl4jOut.resolve("test-predictions.csv"));
        assertThat(dl4j).hasSameSizeAs(onnx);
        double largest = 0;
        for (int i = 1; i < onnx.size(); i++) {
            String[] a = onnx.get(i).split(",");
            String[] b = dl4j.get(i).split(",");
            assertThat(b[0]).isEqualTo(a[0]);
            double pa = Double.parseDouble(a[3]);
            double pb = Double.parseDouble(b[3]);
            largest = Math.max(largest, Math.abs(pa - pb));
            assertThat(pb >= metadata.threshold()).as("%s: P(john) %s with ONNX Runtime, %s with DL4J", a[0], pa, pb)
                    .isEqualTo(pa >= metadata.threshold());
        }
        System.out.printf("%s, %s: ONNX Runtime and DL4J give the same decisions; P(john) moved at most %.1e%n", person,
                face ? "face" : "resnet50", largest);
        assertThat(largest).isLessThan(1e-3);
        Dataset dataset = Dataset.open(data);
        int photos = dataset.images(Split.TRAIN, Labels.JOHN).size() + dataset.images(Split.VALIDATION, Labels.JOHN).size();
        var t = report.table();
        if (!few) {
            deletion(model, face, heldOutJohn(data).stream().map(name -> raw.resolve(Labels.JOHN).resolve(name)).toList());
            // the same splits trained in int8 (issue 21's stretch): the held-out photos answered by its head, on features
            // computed in int8, at its own threshold, as the saved model answers them (LennonNetTest: it loads in int8)
            Path int8Model = data.resolveSibling(data.getFileName() + "-model-int8");
            var q = Training.run(config.out(int8Model).precision(Engine.Precision.INT8).build()).test();
            assertThat(ModelBundle.metadata(int8Model).precision()).isEqualTo("int8");
            int[] sums = int8.computeIfAbsent(face, k -> new int[3]);
            sums[0] += q.johnCorrect() + q.notJohnCorrect();
            assertThat(q.johnTotal() + q.notJohnTotal()).isEqualTo(t.johnTotal() + t.notJohnTotal());
            sums[1] += t.johnCorrect() + t.notJohnCorrect();
            sums[2] += t.johnTotal() + t.notJohnTotal();
        }
        return new Outcome(person, face, few, photos, t.johnCorrect(), t.johnTotal(), t.notJohnCorrect(), t.notJohnTotal(),
                metadata.decision().score().name().toLowerCase(), metadata.threshold(), p, truth);
    }
}
