package net.lennonnet.data.scrape;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import net.lennonnet.data.report.Progress;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.image.UndecodableImageException;
import net.lennonnet.model.io.AtomicFiles;
import net.lennonnet.model.io.Hashes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web to raw images: runs every query of a {@link Recipe}, downloads the results a few at a time,
 * keeps those that decode in full, and stores them as upright 8-bit RGB JPEG under
 * {@code out/<class>/<id>.jpg} or {@code out/analysis/<set>/<id>.jpg}, where the id comes from the
 * downloaded bytes. Every URL tried gets a row in {@link ScrapeManifest}.
 *
 * <p>Re-running resumes: URLs already tried in a folder are skipped and each query only fetches what
 * it still lacks. Images are written to a temporary name and renamed, then recorded, so a killed run
 * leaves no partial image; an image written but not yet recorded is adopted by the next run.
 * Analysis sets skip URLs already kept for a training class.
 */
public final class Scraper {

    public static final String REPORT = "scrape-report.json";
    private static final Logger log = LoggerFactory.getLogger(Scraper.class);
    private static final float JPEG_QUALITY = 0.95f;

    private final ScrapeConfig config;
    private final ImageSearch search;
    private final Downloader downloader;
    /** Files kept by a manifest row, this run or earlier: "folder/id.jpg". */
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    public Scraper(ScrapeConfig config) {
        this(config, engines(config), new Downloader(config.maxBytes(), config.downloadTimeout(),
                config.allowPrivateHosts()));
    }

    Scraper(ScrapeConfig config, ImageSearch search, Downloader downloader) {
        this.config = config;
        this.search = search;
        this.downloader = downloader;
    }

    private static java.util.function.Predicate<java.net.InetAddress> allowed(ScrapeConfig config) {
        return config.allowPrivateHosts() ? a -> true : HostGuard::isPublic;
    }

    private static ImageSearch engines(ScrapeConfig config) {
        List<ImageSearch> engines = new ArrayList<>();
        for (String name : config.engines()) {
            engines.add(name.equals(DuckDuckGo.NAME)
                    ? new DuckDuckGo(config.duckduckgoUrl(), config.politeness(), config.seed(), allowed(config))
                    : new Bing(config.bingUrl(), config.politeness(), config.seed(), allowed(config)));
        }
        return engines.size() == 1 ? engines.get(0) : new FallbackSearch(engines);
    }

    /** Runs the recipe, resuming what an earlier run in the same folder started. */
    public ScrapeReport run() throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(config.out());
        Map<String, Integer> rejected = new TreeMap<>();
        Map<String, Integer> failed = new TreeMap<>();
        List<String> searchFailures = new ArrayList<>();
        List<String> shortfalls = new ArrayList<>();
        int keptThisRun = 0;
        int duplicates = 0;

        removeLeftovers();
        try (ScrapeManifest manifest = ScrapeManifest.open(config.out())) {
            Map<String, Integer> keptPerQuery = new HashMap<>();
            Set<String> tried = new HashSet<>();
            Set<String> trainingUrls = new HashSet<>();
            for (ScrapeRecord r : manifest.previous()) {
                tried.add(r.folder() + "\n" + r.imageUrl());
                if (r.kept()) {
                    keptPerQuery.merge(r.folder() + "\n" + r.query(), 1, Integer::sum);
                    claimed.add(r.file());
                    if (!r.folder().startsWith(Recipe.ANALYSIS_FOLDER + "/")) {
                        trainingUrls.add(r.imageUrl());
                    }
                }
            }
            List<Recipe.Target> targets = config.recipe().targets();
            long missing = targets.stream()
                    .mapToLong(t -> Math.max(0, t.images() - keptPerQuery.getOrDefault(key(t), 0))).sum();
            log.info("scraping {} queries into {}: {} images to fetch ({} already kept)", targets.size(), config.out(),
                    missing, claimed.size());

            ExecutorService pool = Executors.newFixedThreadPool(config.concurrency(), daemonThreads());
            try (Progress progress = Progress.start("scrape", missing, "img")) {
                CompletionService<ScrapeRecord> done = new ExecutorCompletionService<>(pool);
                for (Recipe.Target target : targets) {
                    int have = keptPerQuery.getOrDefault(key(target), 0);
                    if (have >= target.images()) {
                        continue;
                    }
                    List<SearchResult> results;
                    try {
                        // Ask for more than needed: some will fail, be duplicates or not be images.
                        results = search.search(target.query(), target.images() * 2 + 20);
                    } catch (SearchException e) {
                        searchFailures.add(target.folder() + " / " + target.query() + ": " + e.getMessage());
                        log.warn("no results for {} / '{}': {}", target.folder(), target.query(), e.getMessage());
                        continue;
                    }
                    Deque<SearchResult> queue = new ArrayDeque<>();
                    for (SearchResult r : results) {
                        boolean fresh = tried.add(target.folder() + "\n" + r.imageUrl());
                        if (fresh && !(target.analysis() && trainingUrls.contains(r.imageUrl()))) {
                            queue.add(r);
                        }
                    }
                    int inFlight = 0;
                    while (true) {
                        while (inFlight < config.concurrency() && have + inFlight < target.images() && !queue.isEmpty()) {
                            SearchResult next = queue.poll();
                            done.submit(() -> fetch(target, next));
                            inFlight++;
                        }
                        if (inFlight == 0) {
                            break;
                        }
                        ScrapeRecord record = take(done);
                        inFlight--;
                        manifest.append(record);
                        switch (record.status()) {
                            case ScrapeRecord.KEPT -> {
                                have++;
                                keptThisRun++;
                                progress.step();
                                if (!target.analysis()) {
                                    trainingUrls.add(record.imageUrl());
                                }
                            }
                            case ScrapeRecord.DUPLICATE -> duplicates++;
                            case ScrapeRecord.REJECTED -> rejected.merge(record.reasonKind(), 1, Integer::sum);
                            default -> failed.merge(record.reasonKind(), 1, Integer::sum);
                        }
                        progress.note(failed.values().stream().mapToInt(i -> i).sum() + " failed, "
                                + rejected.values().stream().mapToInt(i -> i).sum() + " rejected");
                    }
                    keptPerQuery.put(key(target), have);
                    if (have < target.images()) {
                        shortfalls.add(target.folder() + " / " + target.query() + ": " + have + " of " + target.images());
                    }
                }
            } finally {
                pool.shutdownNow();
                try { // no download may still be writing when the run returns or fails
                    pool.awaitTermination(config.downloadTimeout().toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            Map<String, Integer> kept = new TreeMap<>();
            for (ScrapeRecord r : manifest.previous()) {
                if (r.kept()) {
                    kept.merge(r.folder(), 1, Integer::sum);
                }
            }
            ScrapeReport report = new ScrapeReport(kept, keptThisRun, duplicates, rejected, failed, searchFailures,
                    shortfalls, (System.nanoTime() - start) / 1e9);
            writeReport(report);
            log.info("scrape done: {}", report.summary());
            return report;
        }
    }

    /** Temporary files of a run that was killed mid-write: never complete, never referenced. */
    private void removeLeftovers() throws IOException {
        try (var files = Files.walk(config.out())) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".part")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String key(Recipe.Target t) {
        return t.folder() + "\n" + t.query();
    }

    private static ScrapeRecord take(CompletionService<ScrapeRecord> done) throws IOException {
        try {
            return done.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("scrape interrupted", e);
        } catch (ExecutionException e) {
            // fetch() turns every expected failure into a row; anything else is a bug worth stopping for
            throw new IllegalStateException("download task failed unexpectedly", e.getCause());
        }
    }

    /** Downloads, checks and stores one result; every outcome is a row, never an exception. */
    private ScrapeRecord fetch(Recipe.Target target, SearchResult result) throws IOException {
        byte[] bytes;
        try {
            bytes = downloader.download(result.imageUrl());
        } catch (DownloadException e) {
            return ScrapeRecord.of(target, result, "", "", 0, 0, ScrapeRecord.FAILED, e.getMessage());
        }
        String sha = Hashes.sha256(bytes);
        BufferedImage image;
        try {
            image = Images.decode(bytes, config.maxPixels());
        } catch (UndecodableImageException e) {
            return ScrapeRecord.of(target, result, sha, "", 0, 0, ScrapeRecord.REJECTED, e.getMessage());
        }
        image = Images.fitWithin(image, config.maxSide());
        String file = target.folder() + "/" + sha.substring(0, 16) + ".jpg";
        if (!claimed.add(file)) {
            return ScrapeRecord.of(target, result, sha, "", 0, 0, ScrapeRecord.DUPLICATE,
                    "same bytes as " + file);
        }
        Path path = config.out().resolve(file);
        if (!Files.isRegularFile(path)) { // else: written by a run killed before it recorded it; adopt it
            writeJpeg(image, path);
        }
        return ScrapeRecord.of(target, result, sha, file, image.getWidth(), image.getHeight(), ScrapeRecord.KEPT, "");
    }

    /** Writes a JPEG at {@link #JPEG_QUALITY}, atomically. */
    static void writeJpeg(BufferedImage image, Path target) throws IOException {
        AtomicFiles.write(target, tmp -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(JPEG_QUALITY);
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
        });
    }

    private void writeReport(ScrapeReport report) throws IOException {
        AtomicFiles.writeString(config.out().resolve(REPORT),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "lennonnet-download-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
