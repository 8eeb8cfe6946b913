package net.lennonnet.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.io.Hashes;

/**
 * Re-verifies a dataset folder from what is on disk, independently of the build that wrote it: every
 * stored image is read back and hashed again (SHA-256 of the file, 64-bit perceptual hash of its
 * pixels), and any two images in different parts (train, val, test, analysis) that are the same file or
 * within the near-duplicate distance are leakage. It also checks the manifest against the disk and the
 * report's counts against the files. {@code lennonnet dataset --check DIR} runs it; the dataset build
 * runs it on what it has just written.
 */
public final class DatasetCheck {

    private static final List<String> SPLITS = List.of(Split.TRAIN.folder(), Split.VALIDATION.folder(),
            Split.TEST.folder());

    /** The names the build gives stored images. */
    private static final java.util.regex.Pattern STORED_NAME = java.util.regex.Pattern.compile("[0-9a-f]{16}\\.png");

    private DatasetCheck() {}

    /** One stored image: where it is, which part of the dataset it belongs to, its hashes. */
    private record Stored(Path file, String part, String id, String sha256, long phash) {}

    /** A file read back: its hashes, or why it could not be read. */
    private record Read(Stored stored, String problem) {}

    /** Two images in different parts that are the same or nearly the same. */
    public record Leak(String first, String second, int distance) {}

    /**
     * What the check found.
     *
     * @param images   stored images read back
     * @param distance the near-duplicate distance used, in bits
     * @param leaks    pairs across parts within that distance (0 bits: identical pixels or files)
     * @param problems the manifest or report disagreeing with the disk, in words
     * @param counts   images on disk per part and class ({@code analysis} per set)
     */
    public record Result(int images, int distance, List<Leak> leaks, List<String> problems,
            Map<String, Map<String, Integer>> counts) {

        public boolean ok() {
            return leaks.isEmpty() && problems.isEmpty();
        }
    }

    /** Checks {@code dataset} with at least {@code minDistance} bits, or the distance its report records if wider. */
    public static Result run(Path dataset, int minDistance) throws IOException {
        if (!Files.isDirectory(dataset)) {
            throw new IOException("no dataset folder at " + dataset);
        }
        Dataset ds = Dataset.at(dataset);
        Optional<DatasetReport> report = ds.report();
        int distance = Math.max(minDistance, report.map(DatasetReport::nearDuplicateDistance).orElse(0));
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<Stored> stored = readAll(dataset, counts, problems);
        List<Leak> leaks = leaks(dataset, stored, distance);

        if (!ds.hasManifest()) {
            problems.add("no " + Dataset.MANIFEST);
        } else {
            Map<String, Set<String>> listed = new TreeMap<>();
            for (ManifestEntry e : ds.kept()) {
                listed.computeIfAbsent(e.split(), k -> new TreeSet<>()).add(e.id());
            }
            Map<String, Set<String>> onDisk = new TreeMap<>();
            stored.forEach(s -> onDisk.computeIfAbsent(s.part(), k -> new TreeSet<>()).add(s.id()));
            for (String part : union(listed.keySet(), onDisk.keySet())) {
                Set<String> missing = new TreeSet<>(listed.getOrDefault(part, Set.of()));
                missing.removeAll(onDisk.getOrDefault(part, Set.of()));
                Set<String> extra = new TreeSet<>(onDisk.getOrDefault(part, Set.of()));
                extra.removeAll(listed.getOrDefault(part, Set.of()));
                if (!missing.isEmpty()) {
                    problems.add(part + ": " + missing.size() + " image(s) the manifest keeps are not on disk, e.g. "
                            + missing.iterator().next());
                }
                if (!extra.isEmpty()) {
                    problems.add(part + ": " + extra.size() + " image(s) on disk are not kept there by the manifest, e.g. "
                            + extra.iterator().next());
                }
            }
        }
        if (report.isPresent()) {
            for (String part : SPLITS) {
                Map<String, Integer> recorded = new TreeMap<>(report.get().counts().getOrDefault(part, Map.of()));
                Map<String, Integer> actual = counts.getOrDefault(part, Map.of());
                if (!recorded.equals(actual)) {
                    problems.add(part + ": the report counts " + recorded + ", the disk holds " + actual);
                }
            }
        } else {
            problems.add("no " + Dataset.REPORT);
        }
        return new Result(stored.size(), distance, List.copyOf(leaks), List.copyOf(problems), counts);
    }

    /**
     * Leakage in the split folders as written (the build's own count, before its manifest and report
     * exist): pairs across parts within {@code distance} bits, or byte-identical.
     */
    public static List<Leak> leaks(Path dataset, int distance) throws IOException {
        return leaks(dataset, readAll(dataset, new TreeMap<>(), new ArrayList<>()), distance);
    }

    private static List<Leak> leaks(Path dataset, List<Stored> stored, int distance) {
        List<Leak> leaks = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            Stored a = stored.get(i);
            for (int j = i + 1; j < stored.size(); j++) {
                Stored b = stored.get(j);
                if (a.part().equals(b.part())) {
                    continue;
                }
                int bits = Long.bitCount(a.phash() ^ b.phash());
                if (bits <= distance || a.sha256().equals(b.sha256())) {
                    leaks.add(new Leak(dataset.relativize(a.file()).toString(), dataset.relativize(b.file()).toString(),
                            a.sha256().equals(b.sha256()) ? 0 : bits));
                }
            }
        }
        return List.copyOf(leaks);
    }

    private static List<Stored> readAll(Path dataset, Map<String, Map<String, Integer>> counts, List<String> problems)
            throws IOException {
        List<Stored> stored = new ArrayList<>();
        for (String part : SPLITS) {
            read(dataset.resolve(part), part, stored, counts, problems);
        }
        read(dataset.resolve(DatasetBuilder.ANALYSIS_SPLIT), DatasetBuilder.ANALYSIS_SPLIT, stored, counts, problems);
        return stored;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    private static void read(Path partDir, String part, List<Stored> stored, Map<String, Map<String, Integer>> counts,
            List<String> problems) throws IOException {
        if (!Files.isDirectory(partDir)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> classes = Files.list(partDir)) {
            for (Path classDir : classes.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> inClass = Files.list(classDir)) {
                    // Every file is looked at, whatever its name: a planted "x.JPG" is exactly what to find
                    inClass.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            }
        }
        // Decoding dominates: in parallel, in a stable order.
        for (Path f : files) {
            if (!STORED_NAME.matcher(f.getFileName().toString()).matches()) {
                problems.add(partDir.getFileName() + "/" + f.getParent().getFileName() + "/" + f.getFileName()
                        + " is not a file the dataset build writes (<16 hex digits>.png)");
            }
        }
        List<Read> results = files.parallelStream().map(f -> {
            try {
                BufferedImage image = Images.decode(f, Images.DEFAULT_MAX_PIXELS);
                long phash = DatasetBuilder.perceptualHash(image);
                String name = f.getFileName().toString();
                int dot = name.lastIndexOf('.');
                return new Read(new Stored(f, part, dot > 0 ? name.substring(0, dot) : name, Hashes.sha256(f), phash), null);
            } catch (IOException e) {
                return new Read(null, partDir.getFileName() + "/" + f.getParent().getFileName() + "/" + f.getFileName()
                        + " does not decode: " + e.getMessage());
            }
        }).toList();
        for (Read r : results) {
            if (r.stored() != null) {
                stored.add(r.stored());
                counts.computeIfAbsent(part, k -> new TreeMap<>())
                        .merge(r.stored().file().getParent().getFileName().toString(), 1, Integer::sum);
            } else {
                problems.add(r.problem());
            }
        }
    }
}
