package net.lennonnet.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import net.lennonnet.model.Hashes;
import net.lennonnet.model.Images;
import net.lennonnet.model.Labels;
import net.lennonnet.model.UndecodableImageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw images in class folders to a dataset: every image decoded in full (undecodable ones rejected
 * with their reason), exact duplicates removed, the same bytes under both classes dropped as a label
 * conflict, then the held-out test set chosen first, validation next, training last.
 *
 * <p>The split is stable: an image's place depends only on its content hash and the seed, so adding
 * images never moves a test image into training. Images are stored as lossless PNG of the decoded
 * 8-bit BGR pixels under {@code out/<split>/<class>/<id>.png}, which DataVec reads directly.
 * Every file is written to a temporary name and renamed, so an interrupted run leaves no partial
 * image, and a re-run skips images already in place.
 */
public final class DatasetBuilder {

    public static final String MANIFEST = "manifest.jsonl";
    public static final String REPORT = "report.json";

    private static final Logger log = LoggerFactory.getLogger(DatasetBuilder.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatasetConfig config;

    public DatasetBuilder(DatasetConfig config) {
        this.config = config;
    }

    private record Candidate(String label, Path file, String sha256) {}

    /** Builds the dataset and returns its report. */
    public DatasetReport build() throws IOException {
        if (!Files.isDirectory(config.raw())) {
            throw new IOException("raw image folder not found: " + config.raw());
        }
        List<Candidate> candidates = scan();
        Map<String, List<Candidate>> bySha = candidates.stream()
                .collect(Collectors.groupingBy(Candidate::sha256, LinkedHashMap::new, Collectors.toList()));

        List<ManifestEntry> entries = new ArrayList<>();
        Map<String, List<Kept>> keptByLabel = new TreeMap<>();
        Map<String, Integer> rejected = new TreeMap<>();
        int duplicates = 0;
        int conflicts = 0;
        int done = 0;
        for (List<Candidate> group : bySha.values()) {
            Candidate first = group.get(0);
            Set<String> labels = group.stream().map(Candidate::label).collect(Collectors.toSet());
            if (labels.size() > 1) {
                for (Candidate c : group) {
                    entries.add(rejectedEntry(c, 0, 0, "label conflict: same image under " + labels));
                    conflicts++;
                }
                rejected.merge("label conflict", group.size(), Integer::sum);
                continue;
            }
            for (Candidate dup : group.subList(1, group.size())) {
                entries.add(rejectedEntry(dup, 0, 0, "duplicate of " + relative(first.file())));
                rejected.merge("duplicate", 1, Integer::sum);
                duplicates++;
            }
            try {
                BufferedImage image = Images.decode(first.file(), config.maxPixels());
                keptByLabel.computeIfAbsent(first.label(), k -> new ArrayList<>())
                        .add(new Kept(first, image.getWidth(), image.getHeight()));
            } catch (UndecodableImageException e) {
                entries.add(rejectedEntry(first, 0, 0, e.getMessage()));
                rejected.merge(reasonKind(e.getMessage()), 1, Integer::sum);
                log.info("rejected {}: {}", relative(first.file()), e.getMessage());
            }
            if (++done % 200 == 0) {
                log.info("checked {}/{} distinct images", done, bySha.size());
            }
        }

        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        Map<String, String> splitOfSha = new HashMap<>();
        int leakage = 0;
        for (Map.Entry<String, List<Kept>> e : keptByLabel.entrySet()) {
            List<Kept> kept = e.getValue();
            kept.sort(Comparator.comparing(k -> splitKey(k.candidate().sha256())));
            int test = config.testPerClass();
            if (kept.size() <= test + 1) {
                throw new IllegalArgumentException("class " + e.getKey() + " has " + kept.size()
                        + " usable images: need more than --test-per-class " + test + " plus training images");
            }
            int rest = kept.size() - test;
            int val = config.valFraction() == 0 ? 0 : Math.max(1, (int) Math.round(rest * config.valFraction()));
            for (int i = 0; i < kept.size(); i++) {
                Split split = i < test ? Split.TEST : i < test + val ? Split.VALIDATION : Split.TRAIN;
                Kept k = kept.get(i);
                store(k, split);
                String previous = splitOfSha.put(k.candidate().sha256(), split.folder());
                if (previous != null && !previous.equals(split.folder())) {
                    leakage++;
                }
                counts.computeIfAbsent(split.folder(), s -> new TreeMap<>()).merge(e.getKey(), 1, Integer::sum);
                entries.add(new ManifestEntry(id(k.candidate()), e.getKey(), relative(k.candidate().file()),
                        k.candidate().sha256(), k.width(), k.height(), ManifestEntry.KEPT, "", split.folder()));
            }
        }
        for (String label : Labels.ALL) {
            if (!keptByLabel.containsKey(label)) {
                throw new IllegalArgumentException("no usable images for class '" + label + "' under " + config.raw());
            }
        }

        entries.sort(Comparator.comparing(ManifestEntry::source));
        Path manifest = config.out().resolve(MANIFEST);
        writeAtomically(manifest, w -> {
            for (ManifestEntry entry : entries) {
                w.write(JSON.writeValueAsString(entry));
                w.write('\n');
            }
        });
        DatasetReport report = new DatasetReport(counts, rejected, duplicates, conflicts, leakage,
                Hashes.sha256(manifest));
        writeAtomically(config.out().resolve(REPORT),
                w -> w.write(JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report)));
        log.info("dataset {}: {} kept, {} rejected, {} duplicates, {} label conflicts, leakage {}", config.out(),
                entries.stream().filter(ManifestEntry::kept).count(), rejected.values().stream().mapToInt(i -> i).sum(),
                duplicates, conflicts, leakage);
        return report;
    }

    private record Kept(Candidate candidate, int width, int height) {}

    private List<Candidate> scan() throws IOException {
        List<Candidate> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(config.raw())) {
            List<Path> classDirs = dirs.filter(Files::isDirectory).sorted().toList();
            for (Path dir : classDirs) {
                String label = dir.getFileName().toString();
                if (!Labels.ALL.contains(label)) {
                    throw new IllegalArgumentException("unexpected class folder '" + label + "' in " + config.raw()
                            + ": a dataset has exactly the folders " + Labels.ALL);
                }
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        if (file.getFileName().toString().endsWith(".part")) {
                            continue; // an interrupted download, never an image
                        }
                        all.add(new Candidate(label, file, Hashes.sha256(Files.readAllBytes(file))));
                    }
                }
            }
        }
        log.info("found {} files under {}", all.size(), config.raw());
        return all;
    }

    private void store(Kept kept, Split split) throws IOException {
        Path target = config.out().resolve(split.folder()).resolve(kept.candidate().label())
                .resolve(id(kept.candidate()) + ".png");
        if (Files.isRegularFile(target)) {
            return; // content-addressed: already written by an earlier run
        }
        Files.createDirectories(target.getParent());
        BufferedImage image = Images.decode(kept.candidate().file(), config.maxPixels());
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        if (!ImageIO.write(image, "png", tmp.toFile())) {
            throw new IOException("no PNG writer for " + target);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private ManifestEntry rejectedEntry(Candidate c, int w, int h, String reason) {
        return new ManifestEntry(id(c), c.label(), relative(c.file()), c.sha256(), w, h, ManifestEntry.REJECTED,
                reason, "");
    }

    private String relative(Path file) {
        return config.raw().relativize(file).toString().replace('\\', '/');
    }

    private static String id(Candidate c) {
        return c.sha256().substring(0, 16);
    }

    private String splitKey(String sha) {
        return Hashes.sha256((config.seed() + ":" + sha).getBytes(StandardCharsets.UTF_8));
    }

    /** "image too large: 30000x30000 ..." -> "image too large". */
    private static String reasonKind(String reason) {
        int colon = reason.indexOf(':');
        return colon > 0 ? reason.substring(0, colon) : reason;
    }

    private interface Writing {
        void to(BufferedWriter w) throws IOException;
    }

    private static void writeAtomically(Path file, Writing writing) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            writing.to(w);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
