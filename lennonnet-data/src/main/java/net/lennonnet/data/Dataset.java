package net.lennonnet.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.Preparation;

/**
 * A dataset folder as {@code lennonnet dataset} writes it, and the only code that knows its layout:
 *
 * <pre>
 * DATASET/
 *   train/{john,not_john}/ID.png   val/...   test/...   analysis/SET/ID.png
 *   manifest.jsonl   one {@link ManifestEntry} per raw image: what became of it, and why
 *   report.json      the {@link DatasetReport}: counts, rejections, face crop, manifest hash, split rule
 *   report.html      the same for people ({@link DatasetReportPage})
 * </pre>
 *
 * Every stage that reads or writes a dataset goes through this type: the builder, the check,
 * feedback, training, evaluation and analysis.
 */
public final class Dataset {

    public static final String MANIFEST = "manifest.jsonl";
    public static final String REPORT = "report.json";
    static final String ANALYSIS = "analysis";

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path folder;

    private Dataset(Path folder) {
        this.folder = folder;
    }

    /** The folder as a dataset, whatever it holds yet (the builder writes into it, the check inspects it). */
    public static Dataset at(Path folder) {
        return new Dataset(folder);
    }

    /**
     * A dataset to train or evaluate on: refuses a folder without its split folders, saying how to make
     * one.
     */
    public static Dataset open(Path folder) throws IOException {
        for (Split split : Split.values()) {
            if (!Files.isDirectory(folder.resolve(split.folder()))) {
                throw new IOException("not a Lennonnet dataset: " + folder + " has no " + split.folder()
                        + "/ folder (make one with 'lennonnet dataset --raw DIR --out " + folder + "')");
            }
        }
        return new Dataset(folder);
    }

    /**
     * The dataset an image folder belongs to: the folder itself or one up to three levels above it that
     * holds a manifest ({@code DATASET/test/john}, {@code DATASET/analysis/SET}).
     */
    public static Optional<Dataset> containing(Path imageFolder) {
        Path dir = imageFolder.toAbsolutePath().normalize();
        for (int up = 0; up <= 3 && dir != null; up++, dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(MANIFEST))) {
                return Optional.of(new Dataset(dir));
            }
        }
        return Optional.empty();
    }

    public Path folder() {
        return folder;
    }

    /** {@code DATASET/<split>/<label>/}. */
    public Path folder(Split split, String label) {
        return folder.resolve(split.folder()).resolve(label);
    }

    /** {@code DATASET/<split>/}. */
    public Path folder(Split split) {
        return folder.resolve(split.folder());
    }

    /** {@code DATASET/analysis/}, where each analysis set has a folder. */
    public Path analysisFolder() {
        return folder.resolve(ANALYSIS);
    }

    /** Whether {@code imageFolder} is one of this dataset's analysis sets. */
    public boolean isAnalysisSet(Path imageFolder) {
        Path parent = imageFolder.toAbsolutePath().normalize().getParent();
        return parent != null && parent.equals(analysisFolder().toAbsolutePath().normalize());
    }

    /** The image files in one split and class, sorted; partial and hidden files are not images. */
    public List<Path> images(Split split, String label) throws IOException {
        Path dir = folder(split, label);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                String name = f.getFileName().toString();
                return !name.startsWith(".") && !name.endsWith(".part");
            }).sorted().toList();
        }
    }

    public boolean hasManifest() {
        return Files.isRegularFile(folder.resolve(MANIFEST));
    }

    /** Every manifest row, kept and rejected, in file order; empty when there is no manifest yet. */
    public List<ManifestEntry> manifest() throws IOException {
        Path file = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<ManifestEntry> rows = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            if (!line.isBlank()) {
                try {
                    rows.add(JSON.readValue(line, ManifestEntry.class));
                } catch (IOException e) {
                    throw new IOException("damaged manifest " + file + " at line " + n + ": " + e.getMessage(), e);
                }
            }
        }
        return rows;
    }

    /** The kept manifest rows, in file order. */
    public List<ManifestEntry> kept() throws IOException {
        return manifest().stream().filter(ManifestEntry::kept).toList();
    }

    /** Replaces the manifest in one step; returns its SHA-256. */
    String writeManifest(List<ManifestEntry> rows) throws IOException {
        Path file = folder.resolve(MANIFEST);
        AtomicFiles.writeText(file, w -> {
            for (ManifestEntry e : rows) {
                w.write(JSON.writeValueAsString(e));
                w.write('\n');
            }
        });
        return Hashes.sha256(file);
    }

    /** The build's report; empty when the folder has none (not built, or an interrupted first build). */
    public Optional<DatasetReport> report() throws IOException {
        Path file = folder.resolve(REPORT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), DatasetReport.class));
        } catch (IOException e) {
            throw new IOException("damaged dataset report " + file + ": " + e.getMessage(), e);
        }
    }

    void writeReport(DatasetReport report) throws IOException {
        AtomicFiles.writeString(folder.resolve(REPORT),
                JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    }

    /**
     * How the stored images were prepared: a model trained on face crops must crop at prediction too, and
     * aligned face chips are for the face-descriptor backbone. Whole when there is no report.
     */
    public Preparation preparation() throws IOException {
        return report().map(DatasetReport::preparation).orElse(Preparation.WHOLE);
    }

    /** The manifest's SHA-256 as the build recorded it, which identifies this build of the dataset. */
    public Optional<String> manifestSha256() throws IOException {
        return report().map(DatasetReport::manifestSha256).filter(h -> h != null && !h.isEmpty());
    }

    @Override
    public String toString() {
        return folder.toString();
    }
}
