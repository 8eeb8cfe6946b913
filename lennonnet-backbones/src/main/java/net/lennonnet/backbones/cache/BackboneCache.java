package net.lennonnet.backbones.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one cache of everything lennonnet-backbones gets, and the one way it fills it.
 *
 * <p>The root is DL4J's model cache ({@code ~/.deeplearning4j/models}, or where DL4J's resource
 * directory setting points), so that the official zoo file lands where DL4J itself looks. Inside it:
 * {@link #imagenet()} for the ResNet-50 weights (official file, imported bundle, downloads) and
 * {@link #faces()} for the face models. No other class names a cache folder.
 *
 * <p>{@link #fill} is the fetch-and-cache: a check says whether the cached copy is good (every use, so a
 * damaged or altered file is never used); when it is not, a fetch writes into the cache from a scratch
 * folder beside it, which is deleted whatever happens, and the check must then pass.
 */
public final class BackboneCache {

    private static final Logger log = LoggerFactory.getLogger(BackboneCache.class);

    private BackboneCache() {}

    /** The ImageNet ResNet-50 folder, shared with the DL4J zoo. */
    public static Path imagenet() {
        return folder("resnet50");
    }

    /** Lennonnet's face-model folder. */
    public static Path faces() {
        return folder("lennonnet-face");
    }

    private static Path folder(String name) {
        return DL4JResources.getDirectory(ResourceType.ZOO_MODEL, name).toPath();
    }

    /** Whether a cached copy is good: empty when it is, else what is wrong with it, in a few words. */
    @FunctionalInterface
    public interface Check {
        Optional<String> problem() throws IOException;
    }

    /** Gets what the cache lacks and writes it there (atomically), using {@code scratch} for downloads. */
    @FunctionalInterface
    public interface Fetch {
        void into(Path scratch) throws IOException;
    }

    /**
     * Makes {@code check} pass: nothing to do when it does; otherwise {@code fetch} runs with a scratch
     * folder inside {@code folder}, deleted afterwards, and {@code check} must pass after it.
     *
     * @return whether anything was fetched
     */
    public static boolean fill(Path folder, String what, Check check, Fetch fetch) throws IOException {
        Optional<String> problem = check.problem();
        if (problem.isEmpty()) {
            return false;
        }
        log.info("{}: {}; fetching", what, problem.get());
        Path scratch = Files.createDirectories(folder).resolve("fetching-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(scratch);
            fetch.into(scratch);
        } finally {
            deleteTree(scratch);
        }
        Optional<String> after = check.problem();
        if (after.isPresent()) {
            throw new IOException(what + " was fetched, but the cached copy is still not right: " + after.get());
        }
        return true;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
