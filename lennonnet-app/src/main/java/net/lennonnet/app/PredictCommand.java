package net.lennonnet.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import net.lennonnet.data.report.Progress;
import net.lennonnet.model.FileAnswers;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Prediction;
import net.lennonnet.model.engine.Engine;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.explain.Overlay;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.model.io.Hashes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lennonnet predict}: one line (or JSON object) per image. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Say for each image whether it is John Lennon. Exit code 1 if any input failed.")
final class PredictCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model folder written by 'lennonnet train --out', or a packed .lennonnet file.")
    Path model;

    @Option(names = "--json", description = "One JSON object per image instead of text.")
    boolean json;

    @Option(names = "--engine", defaultValue = "auto", paramLabel = "ENGINE",
            description = "What runs the backbone: auto (ONNX Runtime when it can, else DL4J, saying why), onnxruntime or dl4j. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the answers to FILE as CSV, one row per image: "
            + "path, sha256, status, reason, face box, p_john, label, threshold, model_sha256; a progress bar shows rate and ETA.")
    Path csv;

    @Option(names = "--jsonl", paramLabel = "FILE", description = "Like --csv, as one JSON object per line.")
    Path jsonl;

    @Option(names = "--resume", description = "With --csv or --jsonl: keep the answers already in FILE and answer only the other images.")
    boolean resume;

    @Option(names = "--all-faces", description = "For a model trained on faces: a line per face in each photo, with its box (x,y,width,height), largest first; without it, the largest face answers.")
    boolean allFaces;

    @Option(names = "--explain", paramLabel = "DIR", description = "Also say why: write each image with its heatmap "
            + "drawn over it (red: read as john, blue: as not_john) to DIR as NAME.explain.png; with --json, each line "
            + "carries the heatmap's grid and its box on the photo. One image at a time.")
    Path explain;

    @Option(names = "--occlusion", description = "With --explain: the heatmap by occlusion (each of 7 x 7 cells greyed in "
            + "turn, 50 answers per image, about 25 times the cost of one answer), which explains any model, also a face model that "
            + "answers by distances, and the faithful map on a face model's tight crops; without it, the class activation "
            + "map of the head, exact as a split of the answer and faithful on whole photos.")
    boolean occlusion;

    @Parameters(arity = "1..*", paramLabel = "IMAGE_OR_DIR", description = "Images, or folders to walk.")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (csv != null && jsonl != null) {
            throw new IllegalArgumentException("--csv and --jsonl are two formats of one table; choose one");
        }
        if (resume && csv == null && jsonl == null) {
            throw new IllegalArgumentException("--resume goes on with a table: give it --csv FILE or --jsonl FILE");
        }
        if (allFaces && (csv != null || jsonl != null)) {
            throw new IllegalArgumentException("--all-faces writes a line per face, not the table of --csv or --jsonl");
        }
        if (occlusion && explain == null) {
            throw new IllegalArgumentException("--occlusion is how --explain DIR makes its heatmaps: give --explain DIR");
        }
        if (explain != null && (allFaces || csv != null || jsonl != null)) {
            throw new IllegalArgumentException("--explain answers one image at a time, with --json or text; "
                    + "not with --csv, --jsonl or --all-faces");
        }
        long loading = System.nanoTime();
        try (LennonNet net = LennonNet.load(model, Engine.Choice.parse(engine))) {
            double loadSeconds = (System.nanoTime() - loading) / 1e9;
            if (explain != null) {
                return explained(net, expand(inputs), out, err);
            }
            if (allFaces) {
                return everyFace(net, expand(inputs), out, err);
            }
            List<Path> files = expand(inputs);
            if (csv != null || jsonl != null) {
                return toTable(net, loadSeconds, files, err);
            }
            int[] failures = {0};
            double threshold = net.metadata().threshold();
            String modelSha256 = net.metadata().modelSha256();
            FileAnswers.answer(net, files, false, batch -> {
                for (FileAnswers.Answer a : batch) {
                    if (a.prediction().isEmpty()) {
                        failures[0]++;
                    }
                    if (json) {
                        out.println(jsonLine(a, threshold, modelSha256));
                    } else if (a.prediction().isPresent()) {
                        out.printf("%s\t%s\t%.4f%n", a.file(), a.prediction().get().label(), a.prediction().get().probabilityJohn());
                    } else {
                        err.println(a.file() + ": " + a.reason().orElseThrow());
                    }
                }
                out.flush();
            });
            err.flush();
            return failures[0] == 0 ? 0 : 1;
        }
    }

    /** {@code --json}: the table's columns, with the names earlier versions printed ({@code pJohn}, {@code error}, ...). */
    private static String jsonLine(FileAnswers.Answer a, double threshold, String modelSha256) {
        try {
            return JSON.writeValueAsString(jsonRow(a, threshold, modelSha256));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The object of one {@code --json} line. */
    private static Map<String, Object> jsonRow(FileAnswers.Answer a, double threshold, String modelSha256) {
        Map<String, Object> row = new LinkedHashMap<>(AnswerTable.row(a, threshold, modelSha256));
        if (a.prediction().isPresent()) {
            Prediction p = a.prediction().get();
            row.put("pJohn", p.probabilityJohn());
            row.put("pNotJohn", p.probabilityNotJohn());
            row.put("millis", p.elapsed().toMillis());
            row.put("face", p.face().orElse(null));
            if (!p.keypoints().isEmpty()) {
                row.put("keypoints", p.keypoints().stream().map(k -> new double[] {k.x(), k.y()}).toList());
            }
        } else {
            row.put("error", a.reason().orElseThrow());
        }
        return row;
    }

    /** {@code --csv} / {@code --jsonl}: the table, batch by batch, with a progress bar; {@code --resume} skips what it has. */
    /** {@code --csv}/{@code --jsonl}: the table, after a line saying how long the model took to load. */
    private int toTable(LennonNet net, double loadSeconds, List<Path> files, PrintWriter err) throws IOException {
        Path file = csv != null ? csv : jsonl;
        err.printf("%s: loaded in %.1f s (%s, %s)%n", model, loadSeconds, net.engine().flag(), net.precision().flag());
        AnswerTable.Format format = csv != null ? AnswerTable.Format.CSV : AnswerTable.Format.JSON_LINES;
        double threshold = net.metadata().threshold();
        String modelSha256 = net.metadata().modelSha256();
        java.util.Set<String> answered = new java.util.HashSet<>();
        int failures = 0;
        try (AnswerTable table = resume ? AnswerTable.resume(file, format, threshold, modelSha256, answered)
                : AnswerTable.create(file, format, threshold, modelSha256)) {
            List<Path> todo = files.stream().filter(f -> !answered.contains(f.toString())).toList();
            if (resume) {
                err.println(file + ": " + (files.size() - todo.size()) + " images already answered, " + todo.size() + " to go");
            }
            int[] failed = {0};
            try (Progress progress = Progress.start("predict", todo.size(), "img")) {
                FileAnswers.answer(net, todo, false, batch -> {
                    try {
                        table.write(batch);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    for (FileAnswers.Answer a : batch) {
                        failed[0] += a.prediction().isEmpty() ? 1 : 0;
                        progress.step();
                    }
                    if (failed[0] > 0) {
                        progress.note(failed[0] + " failed");
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            failures = failed[0];
        }
        err.println(file + ": " + files.size() + " images" + (failures > 0 ? ", " + failures + " failed (see the reason column)" : ""));
        err.flush();
        return failures == 0 ? 0 : 1;
    }

    /**
     * {@code --explain DIR}: each image answered with its heatmap, the overlay written to DIR (named by the
     * file, and by a hash of its path when two files share a name).
     */
    private int explained(LennonNet net, List<Path> files, PrintWriter out, PrintWriter err) throws IOException {
        java.nio.file.Files.createDirectories(explain);
        double threshold = net.metadata().threshold();
        String modelSha256 = net.metadata().modelSha256();
        java.util.Set<String> names = new java.util.HashSet<>();
        int failures = 0;
        for (Path file : files) {
            String sha256 = ""; // as FileAnswers: empty when the file cannot be read
            net.lennonnet.model.Explanation explanation;
            java.awt.image.BufferedImage image;
            try {
                byte[] bytes = Images.read(file); // read once: hashed and decoded from the same bytes
                sha256 = Hashes.sha256(bytes);
                image = net.pipeline().decode(bytes);
                explanation = net.explain(image, HeatmapMethod.of(occlusion));
            } catch (IOException | net.lennonnet.model.face.NoFaceException | UnsupportedOperationException e) {
                failures++;
                String reason = e instanceof IOException io ? LennonnetCli.describe(io) : e.getMessage();
                FileAnswers.Answer a = new FileAnswers.Answer(file, sha256, java.util.Optional.empty(), java.util.Optional.of(reason));
                if (json) {
                    out.println(jsonLine(a, threshold, modelSha256));
                } else {
                    err.println(file + ": " + reason);
                }
                continue;
            }
            String name = file.getFileName().toString();
            if (!names.add(name)) {
                name = name + "-" + Hashes.sha256(file.toAbsolutePath().toString()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 8);
                names.add(name);
            }
            Path overlay = explain.resolve(name + ".explain.png");
            java.awt.image.BufferedImage drawn = Overlay.render(image, explanation.heatmap());
            AtomicFiles.write(overlay, tmp -> javax.imageio.ImageIO.write(drawn, "png", tmp.toFile()));
            Prediction p = explanation.prediction();
            if (json) {
                FileAnswers.Answer a = new FileAnswers.Answer(file, sha256, java.util.Optional.of(p), java.util.Optional.empty());
                Map<String, Object> row = jsonRow(a, threshold, modelSha256);
                row.put("heatmap", explanation.heatmap().json());
                row.put("overlay", overlay.toString());
                out.println(JSON.writeValueAsString(row));
            } else {
                out.printf("%s\t%s\t%.4f\t%s%n", file, p.label(), p.probabilityJohn(), overlay);
            }
            out.flush();
        }
        err.flush();
        return failures == 0 ? 0 : 1;
    }

    /** {@code --all-faces}: a line (or JSON object) per face; a file that cannot be read is one error line. */
    private int everyFace(LennonNet net, List<Path> files, PrintWriter out, PrintWriter err) throws IOException {
        int failures = 0;
        for (Path file : files) {
            List<Prediction> faces;
            try {
                faces = net.predictEveryFace(net.pipeline().decode(file));
            } catch (IOException | net.lennonnet.model.face.NoFaceException e) {
                failures++;
                String reason = e instanceof IOException io ? LennonnetCli.describe(io) : e.getMessage();
                if (json) {
                    out.println(JSON.writeValueAsString(Map.of("path", file.toString(), "error", reason)));
                } else {
                    err.println(file + ": " + reason);
                }
                continue;
            }
            for (Prediction p : faces) {
                String box = p.face().map(f -> f.x() + "," + f.y() + "," + f.width() + "," + f.height()).orElse("no face");
                if (json) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("path", file.toString());
                    row.put("label", p.label());
                    row.put("pJohn", p.probabilityJohn());
                    row.put("face", p.face().orElse(null));
                    out.println(JSON.writeValueAsString(row));
                } else {
                    out.printf("%s\t%s\t%s\t%.4f%n", file, box, p.label(), p.probabilityJohn());
                }
            }
        }
        out.flush();
        err.flush();
        return failures == 0 ? 0 : 1;
    }

    private static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else {
                files.add(input);
            }
        }
        return files;
    }
}
