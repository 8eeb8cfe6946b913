package net.lennonnet.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brachtendorf.jimagehash.hashAlgorithms.PerceptiveHash;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.lennonnet.backbones.face.FaceModels;
import net.lennonnet.data.report.Progress;
import net.lennonnet.data.scrape.Recipe;
import net.lennonnet.data.scrape.ScrapeManifest;
import net.lennonnet.data.scrape.ScrapeRecord;
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.face.FaceCrop;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.image.UndecodableImageException;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.Preparation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw images to a dataset. The raw folder holds {@code john/}, {@code not_john/} and optionally
 * {@code analysis/<set>/} (a scrape output, or any folder of class folders). Every image is decoded in
 * full (undecodable ones rejected with their reason) and given a 64-bit perceptual hash; exact
 * duplicates (same bytes) and near-duplicates (hashes within {@link DatasetConfig#nearDuplicateDistance()}
 * bits) are collapsed to one image, across all classes and sets. An image under both classes is a label
 * conflict and is dropped; an analysis image that matches a training-class image is dropped from the
 * analysis set, so analysis sets never overlap training, validation or test.
 *
 * <p>Then per class the held-out test set is chosen first ({@link TestSplit}: by each image's own hash,
 * so adding images never moves a test image out of test), validation next, training last. Images are stored as lossless
 * PNG of the decoded, upright 8-bit pixels under {@code out/<split>/<class>/<id>.png} and
 * {@code out/analysis/<set>/<id>.png}, which DataVec reads directly; every file is written to a
 * temporary name and renamed, and a re-run reuses what is in place and removes what no longer belongs.
 */
public final class DatasetBuilder {

    public static final String ANALYSIS_SPLIT = Dataset.ANALYSIS;

    private static final Logger log = LoggerFactory.getLogger(DatasetBuilder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAGING = ".staging";
    private static final String FINGERPRINT = ".build.json";

    private final DatasetConfig config;
    /** Feedback recorded in the previous manifest ({@code lennonnet label}), by content hash. */
    private final Map<String, String> feedback = new HashMap<>();
    /** Face boxes recorded by an earlier run, for the PNGs it left in place. */
    private final Map<String, String> faces = new java.util.concurrent.ConcurrentHashMap<>();

    /** The face detector, for face-aligned datasets only: got on the first build that needs it. */
    private Optional<BlazeFace> detector = Optional.empty();

    public DatasetBuilder(DatasetConfig config) {
        this.config = config;
    }

    private record Candidate(String folder, Path file, String sha256) {
        boolean analysis() {
            return folder.startsWith(Recipe.ANALYSIS_FOLDER + "/");
        }

        String id() {
            return sha256.substring(0, 16);
        }
    }

    /** A distinct image that decoded: where its normalised PNG is now, its hash and size. */
    private record Decoded(Candidate candidate, Path png, long phash, int width, int height, String face) {
        long pixels() {
            return (long) width * height;
        }
    }

    /**
     * What the build records about every raw image that is not kept, and the scrape's word on where
     * each came from; it writes the manifest rows.
     */
    private final class Ledger {
        final Map<String, ScrapeRecord> provenance;
        final List<ManifestEntry> entries = new ArrayList<>();
        final Map<String, Integer> rejected = new TreeMap<>();
        int duplicates;
        int nearDuplicates;
        int labelConflicts;

        Ledger(Map<String, ScrapeRecord> provenance) {
            this.provenance = provenance;
        }

        /** Records a rejected image; {@code kind} is what the report counts it under. */
        void reject(Candidate c, String reason, String kind) {
            entries.add(entry(c, null, ManifestEntry.REJECTED, reason, ""));
            rejected.merge(kind, 1, Integer::sum);
        }

        ManifestEntry keep(Decoded d, String split) {
            ManifestEntry row = entry(d.candidate(), d, ManifestEntry.KEPT, "", split);
            entries.add(row);
            return row;
        }

        private ManifestEntry entry(Candidate c, Decoded d, String status, String reason, String split) {
            String source = relative(c.file());
            ScrapeRecord p = provenance.get(source);
            return new ManifestEntry(c.id(), c.folder(), source, c.sha256(),
                    d == null ? "" : String.format("%016x", d.phash()), d == null ? 0 : d.width(),
                    d == null ? 0 : d.height(), status, reason, split, p == null ? "" : p.query(),
                    p == null ? "" : p.engine(), p == null ? "" : p.pageUrl(), p == null ? "" : p.imageUrl(),
                    d == null ? "" : d.face(), feedback.getOrDefault(c.sha256(), ""));
        }
    }

    /**
     * Where each kept image goes.
     *
     * @param splitOf    split folder per image ({@code analysis} for analysis sets), in build order
     * @param counts     images per split and class
     * @param thresholds per class, the {@link TestSplit} threshold used
     * @param analysis   images per analysis set
     */
    private record Assignment(Map<Decoded, String> splitOf, Map<String, Map<String, Integer>> counts,
            Map<String, Double> thresholds, Map<String, Integer> analysis) {}

    /** Builds the dataset and returns its report: scan, deduplicate, split, write. */
    public DatasetReport build() throws IOException {
        if (!Files.isDirectory(config.raw())) {
            throw new IOException("raw image folder not found: " + config.raw());
        }
        if (config.preparation() == Preparation.FACE_ALIGN && detector.isEmpty()) {
            detector = Optional.of(FaceModels.detector());
        }
        Ledger ledger = new Ledger(scrapeProvenance());
        // 1. scan the raw folders, with what people said about their images
        List<Candidate> candidates = applyFeedback(scan(), ledger);
        // 2. deduplicate: exact duplicates, then each distinct image decoded once, then near-duplicates
        List<Candidate> distinct = dropDuplicates(candidates, ledger);
        List<Decoded> decoded = decodeAll(distinct, ledger);
        List<Decoded> kept = dropNearDuplicates(decoded, ledger);
        // 3. split: per class, test first by each image's own hash, then validation, then training
        Assignment assignment = split(kept);
        // 4. write: the files into place, then the manifest and the report
        return write(assignment, ledger);
    }

    /** The scrape manifest's kept rows by raw file, when the raw folder was scraped. */
    private Map<String, ScrapeRecord> scrapeProvenance() throws IOException {
        Map<String, ScrapeRecord> provenance = new HashMap<>();
        for (ScrapeRecord r : ScrapeManifest.read(config.raw())) {
            if (r.kept()) {
                provenance.put(r.file(), r);
            }
        }
        return provenance;
    }

    /** One candidate per distinct content; the others recorded as duplicates or label conflicts. */
    private List<Candidate> dropDuplicates(List<Candidate> candidates, Ledger ledger) {
        Map<String, List<Candidate>> bySha = candidates.stream()
                .collect(Collectors.groupingBy(Candidate::sha256, LinkedHashMap::new, Collectors.toList()));
        List<Candidate> distinct = new ArrayList<>();
        for (List<Candidate> group : bySha.values()) {
            Candidate winner = resolve(group, group.get(0), ledger, "duplicate");
            if (winner != null) {
                distinct.add(winner);
            }
        }
        return distinct;
    }

    /**
     * One image per group of near-identical ones, the others recorded: the one the previous build held out
     * for test if the group has one (a larger copy added later must not carry the photo into training:
     * issue 19, where adding a 2x copy of every test image moved 15 of 20 into train), else the one with
     * most pixels.
     */
    private List<Decoded> dropNearDuplicates(List<Decoded> decoded, Ledger ledger) throws IOException {
        List<Decoded> kept = new ArrayList<>();
        Map<Candidate, Decoded> byCandidate = new HashMap<>();
        decoded.forEach(d -> byCandidate.put(d.candidate(), d));
        Set<String> formerTest = previousTestImages();
        for (List<Decoded> group : nearGroups(decoded)) {
            Decoded best = group.stream().max(Comparator.comparing((Decoded d) -> formerTest.contains(d.candidate().sha256()))
                    .thenComparingLong(Decoded::pixels)
                    .thenComparing(d -> d.candidate().sha256(), Comparator.reverseOrder())).orElseThrow();
            Candidate winner = resolve(group.stream().map(Decoded::candidate).toList(), best.candidate(), ledger,
                    "near-duplicate");
            if (winner != null) {
                kept.add(byCandidate.get(winner));
            }
        }
        return kept;
    }

    /** Test images by their own hash ({@link TestSplit}), then validation, then training; analysis sets apart. */
    private Assignment split(List<Decoded> kept) throws IOException {
        Map<String, List<Decoded>> byFolder = new TreeMap<>();
        for (Decoded d : kept) {
            byFolder.computeIfAbsent(d.candidate().folder(), k -> new ArrayList<>()).add(d);
        }
        for (String label : Labels.ALL) {
            if (!byFolder.containsKey(label)) {
                throw new IllegalArgumentException("no usable images for class '" + label + "' under " + config.raw());
            }
        }
        Assignment a = new Assignment(new LinkedHashMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
        Map<String, Double> previousThresholds = previousSplit();
        for (Map.Entry<String, List<Decoded>> e : byFolder.entrySet()) {
            List<Decoded> images = e.getValue();
            Map<Decoded, Double> positions = new HashMap<>();
            images.forEach(d -> positions.put(d, TestSplit.position(config.seed(), d.candidate().sha256())));
            images.sort(Comparator.comparingDouble(positions::get));
            if (images.get(0).candidate().analysis()) {
                images.forEach(d -> a.splitOf().put(d, ANALYSIS_SPLIT));
                a.analysis().put(e.getKey().substring(Recipe.ANALYSIS_FOLDER.length() + 1), images.size());
                continue;
            }
            double[] sortedPositions = images.stream().mapToDouble(positions::get).toArray();
            Double previous = previousThresholds.get(e.getKey());
            double threshold = TestSplit.threshold(sortedPositions, config.testPerClass(),
                    previous == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(previous));
            a.thresholds().put(e.getKey(), threshold);
            int test = TestSplit.count(sortedPositions, threshold);
            if (previous != null && test != config.testPerClass()) {
                log.info("{}: {} test images (asked for {}): the earlier build's test images all stay in test, and new "
                        + "images join by their own hash", e.getKey(), test, config.testPerClass());
            }
            if (images.size() <= test + 1) {
                throw new IllegalArgumentException("class " + e.getKey() + " has " + images.size()
                        + " usable images: need more than --test-per-class " + test + " plus training images");
            }
            int rest = images.size() - test;
            int val = config.valFraction() == 0 ? 0 : Math.max(1, (int) Math.round(rest * config.valFraction()));
            for (int i = 0; i < images.size(); i++) {
                Split split = i < test ? Split.TEST : i < test + val ? Split.VALIDATION : Split.TRAIN;
                a.splitOf().put(images.get(i), split.folder());
                a.counts().computeIfAbsent(split.folder(), s -> new TreeMap<>()).merge(e.getKey(), 1, Integer::sum);
            }
        }
        return a;
    }

    /**
     * The files into their split folders (anything an earlier run left that no longer belongs goes),
     * then the leakage check over the files as written, the manifest, the report and its page.
     */
    private DatasetReport write(Assignment assignment, Ledger ledger) throws IOException {
        Set<Path> targets = new HashSet<>();
        for (Map.Entry<Decoded, String> e : assignment.splitOf().entrySet()) {
            Path target = target(e.getKey(), e.getValue());
            targets.add(target);
            if (!e.getKey().png().equals(target)) {
                Files.createDirectories(target.getParent());
                Files.move(e.getKey().png(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        removeStale(targets);
        AtomicFiles.writeString(config.out().resolve(FINGERPRINT), fingerprint());

        Map<String, Integer> byQuery = new TreeMap<>();
        Map<String, Integer> byEngine = new TreeMap<>();
        Map<String, Map<String, Integer>> sizes = new TreeMap<>();
        for (Map.Entry<Decoded, String> e : assignment.splitOf().entrySet()) {
            Decoded d = e.getKey();
            ManifestEntry entry = ledger.keep(d, e.getValue());
            if (!entry.query().isEmpty()) {
                byQuery.merge(entry.label() + " / " + entry.query(), 1, Integer::sum);
                byEngine.merge(entry.engine(), 1, Integer::sum);
            }
            sizes.computeIfAbsent(entry.label(), k -> new LinkedHashMap<>())
                    .merge(sizeBucket(Math.max(d.width(), d.height())), 1, Integer::sum);
        }
        List<ManifestEntry> entries = ledger.entries;
        entries.sort(Comparator.comparing(ManifestEntry::source));
        // Leakage is counted from the files as written, by an independent check (DatasetCheck), not from
        // the deduplication's own view of them, which would find none by construction.
        List<DatasetCheck.Leak> leaks = DatasetCheck.leaks(config.out(), config.nearDuplicateDistance());
        int leakage = leaks.size();
        if (leakage > 0) {
            log.warn("{} image pair(s) across splits are the same or within {} bits, e.g. {} and {}", leakage,
                    config.nearDuplicateDistance(), leaks.get(0).first(), leaks.get(0).second());
        }
        Dataset dataset = Dataset.at(config.out());
        String manifestSha256 = dataset.writeManifest(entries);
        int faces = (int) assignment.splitOf().keySet().stream().filter(d -> !d.face().isEmpty()).count();
        DatasetReport report = new DatasetReport(assignment.counts(), assignment.analysis(), ledger.rejected,
                ledger.duplicates, ledger.nearDuplicates, ledger.labelConflicts, leakage, byQuery, byEngine, sizes,
                config.nearDuplicateDistance(), config.preparation(), faces, manifestSha256,
                new DatasetReport.SplitRule(config.seed(), config.testPerClass(), assignment.thresholds()));
        dataset.writeReport(report);
        DatasetReportPage.write(config.out(), report, entries);
        log.info("dataset {}: {} kept, {} rejected ({} duplicates, {} near-duplicates, {} label conflicts), leakage {}",
                config.out(), assignment.splitOf().size(), ledger.rejected.values().stream().mapToInt(i -> i).sum(),
                ledger.duplicates, ledger.nearDuplicates, ledger.labelConflicts, leakage);
        return report;
    }

    /** How the stored images were made; PNGs of an earlier run are reused only when it matches. */
    private String fingerprint() {
        // as the two flags said it before there was one name for the preparation, so earlier PNGs stay valid
        Preparation how = config.preparation();
        return "{\"faceCrop\":" + (how == Preparation.FACE_CROP) + (how == Preparation.FACE_ALIGN ? ",\"faceAlign\":true" : "")
                + ",\"workingSide\":" + Images.WORKING_SIDE + "}";
    }

    /**
     * Picks which of a group of identical (or near-identical) images survives, and records the others.
     * Under both classes: all dropped as a label conflict. In a class and in analysis sets: the class
     * keeps it. Only in two or more analysis sets: dropped from all of them. Otherwise {@code preferred}.
     *
     * @return the survivor, or null when the whole group is dropped
     */
    private Candidate resolve(List<Candidate> group, Candidate preferred, Ledger ledger, String kind) {
        if (group.size() == 1) {
            return group.get(0);
        }
        Set<String> classes = group.stream().filter(c -> !c.analysis()).map(Candidate::folder)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> sets = group.stream().filter(Candidate::analysis).map(Candidate::folder)
                .collect(Collectors.toCollection(TreeSet::new));
        String conflict = classes.size() > 1 ? "label conflict: the same image under " + classes
                : classes.isEmpty() && sets.size() > 1 ? "label conflict: the same image in analysis sets " + sets
                : null;
        if (conflict != null) {
            for (Candidate c : group) {
                ledger.reject(c, conflict, "label conflict");
                ledger.labelConflicts++;
            }
            return null;
        }
        Candidate winner = !classes.isEmpty() && preferred.analysis()
                ? group.stream().filter(c -> !c.analysis()).findFirst().orElseThrow()
                : preferred;
        for (Candidate c : group) {
            if (c != winner) {
                ledger.reject(c, kind + ": of " + relative(winner.file()), kind);
                if (kind.equals("duplicate")) {
                    ledger.duplicates++;
                } else {
                    ledger.nearDuplicates++;
                }
            }
        }
        return winner;
    }

    /**
     * What people said in the previous manifest: unusable images and mislabelled analysis images are
     * rejected, mislabelled class images move to the other class.
     */
    private List<Candidate> applyFeedback(List<Candidate> candidates, Ledger ledger) throws IOException {
        feedback.clear();
        for (ManifestEntry e : Dataset.at(config.out()).manifest()) {
            if (e.feedback() != null && !e.feedback().isEmpty()) {
                feedback.put(e.sha256(), e.feedback());
            }
        }
        if (feedback.isEmpty()) {
            return candidates;
        }
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : candidates) {
            String said = feedback.getOrDefault(c.sha256(), "");
            if (said.equals(ManifestEntry.UNUSABLE) || (said.equals(ManifestEntry.MISLABELLED) && c.analysis())) {
                ledger.reject(c, said + ": marked by lennonnet label", said);
            } else if (said.equals(ManifestEntry.MISLABELLED)) {
                String other = c.folder().equals(Labels.JOHN) ? Labels.NOT_JOHN : Labels.JOHN;
                out.add(new Candidate(other, c.file(), c.sha256()));
            } else {
                out.add(c);
            }
        }
        log.info("applied feedback on {} images from {}", feedback.size(), config.out().resolve(Dataset.MANIFEST));
        return out;
    }

    private List<Candidate> scan() throws IOException {
        List<Candidate> all = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(config.raw())) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String name = dir.getFileName().toString();
                if (name.equals(Recipe.ANALYSIS_FOLDER)) {
                    try (Stream<Path> sets = Files.list(dir)) {
                        sets.filter(Files::isDirectory).sorted()
                                .forEach(s -> folders.add(Recipe.ANALYSIS_FOLDER + "/" + s.getFileName()));
                    }
                } else if (Labels.ALL.contains(name)) {
                    folders.add(name);
                } else if (!name.startsWith(".")) {
                    throw new IllegalArgumentException("unexpected class folder '" + name + "' in " + config.raw()
                            + ": a raw folder holds " + Labels.ALL + " and optionally analysis/<set>/");
                }
            }
        }
        for (String folder : folders) {
            try (Stream<Path> files = Files.walk(config.raw().resolve(folder))) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".part") || name.startsWith(".")) {
                        continue; // an interrupted download or a hidden file, never an image
                    }
                    all.add(new Candidate(folder, file, Hashes.sha256(file)));
                }
            }
        }
        log.info("found {} files under {}", all.size(), config.raw());
        return all;
    }

    /** Kept PNGs an earlier run left in place, by id. */
    private Map<String, Path> existingImages() throws IOException {
        Map<String, Path> found = new HashMap<>();
        for (String top : List.of(Split.TRAIN.folder(), Split.VALIDATION.folder(), Split.TEST.folder(),
                ANALYSIS_SPLIT, STAGING)) {
            Path dir = config.out().resolve(top);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{16}\\.png"))
                            .forEach(p -> found.put(p.getFileName().toString().substring(0, 16), p));
                }
            }
        }
        return found;
    }

    /**
     * Each distinct image decoded once, hashed, and its prepared PNG staged (an earlier run's PNGs are
     * reused when it made them the same way); what does not decode is recorded with its reason.
     */
    private List<Decoded> decodeAll(List<Candidate> distinct, Ledger ledger) throws IOException {
        Path fingerprint = config.out().resolve(FINGERPRINT);
        boolean sameWay = Files.isRegularFile(fingerprint) && Files.readString(fingerprint).equals(fingerprint());
        Map<String, Path> existing = sameWay ? existingImages() : Map.of();
        faces.clear();
        if (sameWay) {
            for (ManifestEntry previous : Dataset.at(config.out()).manifest()) {
                if (previous.face() != null && !previous.face().isEmpty()) {
                    faces.put(previous.id(), previous.face());
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        List<Future<Object>> futures = new ArrayList<>();
        for (Candidate c : distinct) {
            futures.add(pool.submit(() -> decodeOne(c, existing.get(c.id()))));
        }
        List<Decoded> decoded = new ArrayList<>();
        try (Progress progress = Progress.start("decode", distinct.size(), "img")) {
            for (int i = 0; i < futures.size(); i++) {
                Object result = futures.get(i).get();
                Candidate c = distinct.get(i);
                if (result instanceof Decoded d) {
                    decoded.add(d);
                } else {
                    String reason = (String) result;
                    ledger.reject(c, reason, net.lennonnet.data.report.Reasons.kindOf(reason));
                    log.info("rejected {}: {}", relative(c.file()), reason);
                }
                progress.step();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while decoding", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("decoding failed unexpectedly", e.getCause());
        } finally {
            pool.shutdownNow();
            awaitQuietly(pool); // no worker may still be writing when the build returns or fails
        }
        return decoded;
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES)) {
                log.warn("decoding workers did not stop within 2 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A {@link Decoded}, or the reason the candidate is not an image. */
    private Object decodeOne(Candidate c, Path existingPng) throws IOException {
        BufferedImage image;
        Path png;
        String face = "";
        int rawWidth = 0;
        int rawHeight = 0;
        if (existingPng != null) {
            image = Images.decode(existingPng, Long.MAX_VALUE);
            png = existingPng;
            face = faces.getOrDefault(c.id(), "");
        } else {
            try {
                image = Images.decode(c.file(), config.maxPixels());
            } catch (UndecodableImageException e) {
                return e.getMessage();
            }
            rawWidth = image.getWidth();
            rawHeight = image.getHeight();
            // The same preparation prediction applies (ImagePipeline.prepare): scale to the working
            // side, then cut around the face; the box is recorded in the raw upright image.
            FaceCrop.Prepared prepared;
            try {
                prepared = ImagePipeline.prepare(image, config.preparation(), detector);
            } catch (net.lennonnet.model.face.NoFaceException e) {
                return e.getMessage(); // --face-align: rejected as "no face found", never a guess
            }
            image = prepared.image();
            face = prepared.face().map(f -> f.x() + "," + f.y() + "," + f.width() + "," + f.height()).orElse("");
            png = config.out().resolve(STAGING).resolve(c.id() + ".png");
            AtomicFiles.writeImage(png, image, "png");
        }
        long phash = perceptualHash(image);
        return new Decoded(c, png, phash, rawWidth > 0 ? rawWidth : image.getWidth(),
                rawHeight > 0 ? rawHeight : image.getHeight(), face);
    }

    /** The 64-bit perceptual hash (DCT pHash) near-duplicates are judged by, here and in {@link DatasetCheck}. */
    static long perceptualHash(BufferedImage image) {
        return new PerceptiveHash(64).hash(image).getHashValue().longValue();
    }

    /** Groups of images whose hashes are within the distance, transitively (union-find). */
    private List<List<Decoded>> nearGroups(List<Decoded> decoded) {
        int n = decoded.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        long[] hashes = decoded.stream().mapToLong(Decoded::phash).toArray();
        int max = config.nearDuplicateDistance();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Long.bitCount(hashes[i] ^ hashes[j]) <= max) {
                    parent[find(parent, i)] = find(parent, j);
                }
            }
        }
        Map<Integer, List<Decoded>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(decoded.get(i));
        }
        return new ArrayList<>(groups.values());
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private Path target(Decoded d, String split) {
        Candidate c = d.candidate();
        Path dir = split.equals(ANALYSIS_SPLIT) ? config.out().resolve(c.folder())
                : config.out().resolve(split).resolve(c.folder());
        return dir.resolve(c.id() + ".png");
    }

    private void removeStale(Set<Path> targets) throws IOException {
        for (String top : List.of(Split.TRAIN.folder(), Split.VALIDATION.folder(), Split.TEST.folder(),
                ANALYSIS_SPLIT, STAGING)) {
            Path dir = config.out().resolve(top);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    if (!targets.contains(p)) {
                        Files.delete(p);
                    }
                }
            }
        }
        Path staging = config.out().resolve(STAGING);
        if (Files.isDirectory(staging)) {
            try (Stream<Path> left = Files.list(staging)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(staging);
                }
            }
        }
    }

    static String sizeBucket(int longer) {
        return longer < 128 ? "<128" : longer < 256 ? "128-255" : longer < 512 ? "256-511"
                : longer < 1024 ? "512-1023" : ">=1024";
    }

    private String relative(Path file) {
        return config.raw().relativize(file).toString().replace('\\', '/');
    }

    /**
     * The test thresholds of the build that wrote this folder before, when it used the same seed and
     * test count (then its test images stay test images); empty otherwise.
     */
    /** The raw SHA-256 of every image the previous build held out for test, when its split still holds. */
    private Set<String> previousTestImages() throws IOException {
        if (previousSplit().isEmpty()) {
            return Set.of();
        }
        Set<String> test = new HashSet<>();
        for (ManifestEntry e : Dataset.at(config.out()).kept()) {
            if (Split.TEST.folder().equals(e.split())) {
                test.add(e.sha256());
            }
        }
        return test;
    }

    private Map<String, Double> previousSplit() throws IOException {
        Optional<DatasetReport.SplitRule> split = Dataset.at(config.out()).report().map(DatasetReport::split);
        if (split.isEmpty()) {
            return Map.of();
        }
        if (split.get().seed() != config.seed() || split.get().testPerClass() != config.testPerClass()) {
            log.info("the seed or test count changed since the last build into {}: a new split", config.out());
            return Map.of();
        }
        return new TreeMap<>(split.get().testThresholds());
    }

}
