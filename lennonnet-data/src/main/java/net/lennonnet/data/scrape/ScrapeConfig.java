package net.lennonnet.data.scrape;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.lennonnet.model.image.Images;

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
    public static final int DEFAULT_MAX_SIDE = Images.WORKING_SIDE;
    /** The engines, preferred first, as the command line writes them. */
    public static final String DEFAULT_ENGINE_LIST = DuckDuckGo.NAME + "," + Bing.NAME;
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

    /**
     * A configuration for scraping {@code recipe} into {@code out}, with every default: the real engines
     * at their real URLs, public hosts only, the limits above.
     */
    public static Builder builder(Path out, Recipe recipe) {
        return new Builder(out, recipe);
    }

    /** Builds a {@link ScrapeConfig}; every setter has its default until called. */
    public static final class Builder {
        private final Path out;
        private final Recipe recipe;
        private List<String> engines = DEFAULT_ENGINES;
        private String duckduckgoUrl = DuckDuckGo.DEFAULT_URL;
        private String bingUrl = Bing.DEFAULT_URL;
        private boolean allowPrivateHosts;
        private int concurrency = DEFAULT_CONCURRENCY;
        private long maxBytes = Downloader.DEFAULT_MAX_BYTES;
        private Duration downloadTimeout = Downloader.DEFAULT_TIMEOUT;
        private long maxPixels = Images.DEFAULT_MAX_PIXELS;
        private int maxSide = DEFAULT_MAX_SIDE;
        private Politeness politeness = Politeness.DEFAULT;
        private long seed = 1;

        private Builder(Path out, Recipe recipe) {
            this.out = out;
            this.recipe = recipe;
        }

        public Builder engines(List<String> value) { engines = value; return this; }
        /** Other engine URLs (a mirror, a test server). */
        public Builder engineUrls(String duckduckgo, String bing) { duckduckgoUrl = duckduckgo; bingUrl = bing; return this; }
        public Builder allowPrivateHosts(boolean value) { allowPrivateHosts = value; return this; }
        public Builder concurrency(int value) { concurrency = value; return this; }
        public Builder maxBytes(long value) { maxBytes = value; return this; }
        public Builder downloadTimeout(Duration value) { downloadTimeout = value; return this; }
        public Builder maxPixels(long value) { maxPixels = value; return this; }
        public Builder maxSide(int value) { maxSide = value; return this; }
        public Builder politeness(Politeness value) { politeness = value; return this; }
        public Builder seed(long value) { seed = value; return this; }

        /** The configuration; {@link IllegalArgumentException} naming the first value out of range. */
        public ScrapeConfig build() {
            return new ScrapeConfig(out, recipe, engines, duckduckgoUrl, bingUrl, allowPrivateHosts, concurrency,
                    maxBytes, downloadTimeout, maxPixels, maxSide, politeness, seed);
        }
    }
}
