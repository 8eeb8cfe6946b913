package net.lennonnet.train.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.lennonnet.data.Dataset;
import net.lennonnet.data.ManifestEntry;
import net.lennonnet.data.report.Progress;
import net.lennonnet.model.Explanation;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Outcome;
import net.lennonnet.model.explain.HeatmapMethod;
import net.lennonnet.model.explain.Overlay;
import net.lennonnet.model.face.NoFaceException;
import net.lennonnet.model.pipeline.Preparation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores image files with a model through the same path users get ({@link LennonNet#predictFiles}),
 * with a progress display, and finds each image's source in the dataset manifest when there is one.
 * A file that fails is listed with its reason and never stops the run.
 */
final class Scorer {

    private static final Logger log = LoggerFactory.getLogger(Scorer.class);

    private static final int CHUNK = 64;

    /** An image that could not be scored, and why. */
    record Failure(String path, String error) {}

    record Result(List<ScoredImage> scored, List<Failure> failures) {}

    private final LennonNet net;
    private final Map<String, ManifestEntry> manifest;
    /** The files are a face-cropped (or face-aligned) dataset's and the model does the same: do not again. */
    private final boolean alreadyPrepared;

    /** The dataset with a manifest the files belong to, whose manifest says which files belong where. */
    private final Optional<Dataset> dataset;

    private Scorer(LennonNet net, Map<String, ManifestEntry> manifest, boolean alreadyPrepared, Optional<Dataset> dataset) {
        this.net = net;
        this.manifest = manifest;
        this.alreadyPrepared = alreadyPrepared;
        this.dataset = dataset;
    }

    /**
     * A scorer for the images in {@code folder}, which knows the dataset the folder belongs to (its
     * manifest's sources, and whether its images are already face-cropped), if it belongs to one.
     */
    static Scorer forFolder(LennonNet net, Path folder) throws IOException {
        return forDataset(net, Dataset.containing(folder));
    }

    /**
     * The image with the heatmap of its answer drawn over it, made {@code how} ({@link LennonNet#explain}, or
     * {@code explainPrepared} for a dataset's stored crops), as the error gallery shows beside a mistake; empty when
     * the model has no heatmap made that way (a class activation map of a decision by distances) or the image no face.
     */
    Optional<java.awt.image.BufferedImage> overlay(Path image, HeatmapMethod how) throws IOException {
        java.awt.image.BufferedImage decoded = net.pipeline().decode(image);
        try {
            Explanation e = alreadyPrepared ? net.explainPrepared(decoded, how) : net.explain(decoded, how);
            return Optional.of(Overlay.render(decoded, e.heatmap()));
        } catch (UnsupportedOperationException | NoFaceException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            // the report matters more than its pictures: say why this one has none, and go on
            log.warn("no heatmap for {}: {}", image, e.toString());
            return Optional.empty();
        }
    }

    /** A scorer for a dataset's own images (its manifest read once). */
    static Scorer forDataset(LennonNet net, Dataset dataset) throws IOException {
        return forDataset(net, Optional.of(dataset).filter(Dataset::hasManifest));
    }

    private static Scorer forDataset(LennonNet net, Optional<Dataset> dataset) throws IOException {
        Map<String, ManifestEntry> byId = new HashMap<>();
        if (dataset.isPresent()) {
            dataset.get().kept().forEach(e -> byId.put(e.id(), e));
        }
        var contract = net.metadata().input();
        // images stored cut or aligned the way the model prepares them are not prepared twice
        boolean prepared = dataset.isPresent() && contract.preparation().findsFaces()
                && dataset.get().preparation() == contract.preparation();
        return new Scorer(net, byId, prepared, dataset.filter(Dataset::hasManifest));
    }

    /**
     * Files in a dataset's folders that its manifest does not keep there: a file copied in by hand (a
     * training image planted in {@code test/john} as {@code planted.jpg}) would otherwise be scored as if the
     * build had put it there. Empty outside a dataset with a manifest.
     */
    List<Path> unlisted(List<Path> files) throws IOException {
        if (dataset.isEmpty()) {
            return List.of();
        }
        Path root = dataset.get().folder().toAbsolutePath().normalize();
        List<Path> unlisted = new ArrayList<>();
        for (Path f : files) {
            String id = idOf(f);
            ManifestEntry e = manifest.get(id);
            String where = root.relativize(f.toAbsolutePath().normalize().getParent()).toString().replace('\\', '/');
            boolean listed = e != null && f.getFileName().toString().equals(id + ".png")
                    && where.equals(e.split().equals("analysis") ? e.label() : e.split() + "/" + e.label());
            if (!listed) {
                unlisted.add(f);
            }
        }
        return unlisted;
    }

    /** Scores the files; refuses, naming them, files that the dataset's manifest does not keep where they are. */
    Result score(String task, List<Path> files, String truth) throws IOException {
        List<Path> unlisted = unlisted(files);
        if (!unlisted.isEmpty()) {
            throw new IOException(unlisted.size() + " file(s) in " + unlisted.get(0).getParent() + " are not images the "
                    + "dataset's manifest keeps there, e.g. " + unlisted.get(0).getFileName() + ": a file added by hand "
                    + "would be scored as if it were held out. Remove them, or rebuild with 'lennonnet dataset' "
                    + "(and 'lennonnet dataset --check' to see every finding)");
        }
        List<ScoredImage> scored = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        try (Progress progress = Progress.start(task, files.size(), "img")) {
            for (int from = 0; from < files.size(); from += CHUNK) {
                List<Path> chunk = files.subList(from, Math.min(files.size(), from + CHUNK));
                List<Outcome> outcomes = alreadyPrepared ? net.predictPreparedFiles(chunk) : net.predictFiles(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    Outcome o = outcomes.get(i);
                    Path file = chunk.get(i);
                    if (o.prediction().isPresent()) {
                        String id = idOf(file);
                        ManifestEntry e = manifest.get(id);
                        scored.add(new ScoredImage(file.toString(), id, o.prediction().get().probabilityJohn(), truth,
                                e == null || e.imageUrl() == null ? "" : e.imageUrl(),
                                e == null || e.pageUrl() == null ? "" : e.pageUrl()));
                    } else {
                        failures.add(new Failure(file.toString(), o.error().orElse("unknown error")));
                    }
                    progress.step();
                }
            }
        }
        return new Result(scored, failures);
    }

    /** The 16-hex dataset id in a file name like {@code 0123456789abcdef.png}, else empty. */
    static String idOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return stem.matches("[0-9a-f]{16}") ? stem : "";
    }

    /** Image files under a folder (recursively), sorted; an empty list when it does not exist. */
    static List<Path> images(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !p.getFileName().toString().endsWith(".part")).sorted().toList();
        }
    }
}
