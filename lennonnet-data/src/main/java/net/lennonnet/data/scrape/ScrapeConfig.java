package net.lennonnet.data.scrape;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.lennonnet.model.Images;

/**
 * How {@link Scraper} collects images.
 *
 * @param out               the scrape root: class folders, {@code analysis/}, {@code scrape.jsonl}
 * @param recipe            what to search for and how many images to keep per query
 * @param engines           engine names in order of preference; later ones are fallbacks
 * @param duckduckgoUrl     DuckDuckGo's base URL (a mirror or a test server)
 * @param bingUrl           Bing's base URL
 * @param allowPrivateHosts fetch images from loopback and private addresses (tests, local mirrors)
 * @param concurrency       downloads at once, 1..64
 * @param maxBytes          largest download accepted
 * @param downloadTimeout   total time allowed for one download
 * @param maxPixels         images declaring more pixels are refused before decoding
 * @param maxSide           stored images are scaled down so that their longer side is at most this, 64..8192
 * @param politeness        delays and retries for search requests
 * @param seed              seed of the retry jitter
 */
public record ScrapeConfig(Path out, Recipe recipe, List<String> engines, String duckduckgoUrl, String bingUrl,
        boolean allowPrivateHosts, int concurrency, long maxBytes, Duration downloadTimeout, long maxPixels,
        int maxSide, Politeness politeness, long seed) {

    public static final int DEFAULT_CONCURRENCY = 8;
    public static final int DEFAULT_MAX_SIDE = 1024;
    public static final List<String> DEFAULT_ENGINES = List.of(DuckDuckGo.NAME, Bing.NAME);

    public ScrapeConfig {
        if (out == null || recipe == null) {
            throw new IllegalArgumentException("an output folder and a recipe are required");
        }
        if (engines.isEmpty() || !Set.of(DuckDuckGo.NAME, Bing.NAME).containsAll(engines)
                || Set.copyOf(engines).size() != engines.size()) {
            throw new IllegalArgumentException("engines must be distinct names from [duckduckgo, bing], got " + engines);
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("concurrency must be 1..64, got " + concurrency);
        }
        if (maxSide < 64 || maxSide > 8192) {
            throw new IllegalArgumentException("max side must be 64..8192 pixels, got " + maxSide);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("pixel cap must be positive, got " + maxPixels);
        }
        engines = List.copyOf(engines);
    }

    /** Defaults for everything but the output folder and recipe: the real engines, public hosts only. */
    public static ScrapeConfig defaults(Path out, Recipe recipe) {
        return new ScrapeConfig(out, recipe, DEFAULT_ENGINES, DuckDuckGo.DEFAULT_URL, Bing.DEFAULT_URL, false,
                DEFAULT_CONCURRENCY, Downloader.DEFAULT_MAX_BYTES, Downloader.DEFAULT_TIMEOUT,
                Images.DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, Politeness.DEFAULT, 1);
    }

    /** This configuration pointed at other engine URLs, with private hosts allowed or not. */
    public ScrapeConfig withEngineUrls(String duckduckgo, String bing, boolean allowPrivate) {
        return new ScrapeConfig(out, recipe, engines, duckduckgo, bing, allowPrivate, concurrency, maxBytes,
                downloadTimeout, maxPixels, maxSide, politeness, seed);
    }

    /** This configuration with other limits. */
    public ScrapeConfig withLimits(List<String> engines, int concurrency, long maxBytes, Duration downloadTimeout,
            Politeness politeness) {
        return new ScrapeConfig(out, recipe, engines, duckduckgoUrl, bingUrl, allowPrivateHosts, concurrency, maxBytes,
                downloadTimeout, maxPixels, maxSide, politeness, seed);
    }
}
