package net.lennonnet.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Outcome;
import net.lennonnet.model.Prediction;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lennonnet predict}: one line (or JSON object) per image. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Say for each image whether it is John Lennon. Exit code 1 if any input failed.")
final class PredictCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model folder written by 'lennonnet train --out'.")
    Path model;

    @Option(names = "--json", description = "One JSON object per image instead of text.")
    boolean json;

    @Option(names = "--all-faces", description = "For a model trained on faces: a line per face in each photo, with its box (x,y,width,height), largest first; without it, the largest face answers.")
    boolean allFaces;

    @Parameters(arity = "1..*", paramLabel = "IMAGE_OR_DIR", description = "Images, or folders to walk.")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failures = 0;
        try (LennonNet net = LennonNet.load(model)) {
            if (allFaces) {
                return everyFace(net, expand(inputs), out, err);
            }
            for (Outcome outcome : net.predictFiles(expand(inputs))) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("path", outcome.source());
                if (outcome.prediction().isPresent()) {
                    Prediction p = outcome.prediction().get();
                    row.put("label", p.label());
                    row.put("pJohn", p.probabilityJohn());
                    row.put("pNotJohn", p.probabilityNotJohn());
                    row.put("millis", p.elapsed().toMillis());
                    row.put("face", p.face().orElse(null));
                    if (!p.keypoints().isEmpty()) {
                        row.put("keypoints", p.keypoints().stream().map(k -> new double[] {k.x(), k.y()}).toList());
                    }
                    if (!json) {
                        out.printf("%s\t%s\t%.4f%n", outcome.source(), p.label(), p.probabilityJohn());
                    }
                } else {
                    failures++;
                    row.put("error", outcome.error().orElseThrow());
                    if (!json) {
                        err.println(outcome.source() + ": " + outcome.error().orElseThrow());
                    }
                }
                if (json) {
                    out.println(JSON.writeValueAsString(row));
                }
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
