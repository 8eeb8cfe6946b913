package net.lennonnet.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.lennonnet.data.scrape.Bing;
import net.lennonnet.data.scrape.Downloader;
import net.lennonnet.data.scrape.DuckDuckGo;
import net.lennonnet.data.scrape.Politeness;
import net.lennonnet.data.scrape.Recipe;
import net.lennonnet.data.scrape.ScrapeConfig;
import net.lennonnet.data.scrape.ScrapeReport;
import net.lennonnet.data.scrape.Scraper;
import net.lennonnet.model.image.Images;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet scrape}: image searches to raw class folders and a manifest. */
@Command(name = "scrape", mixinStandardHelpOptions = true,
        header = "Search the web for images and download them into class folders, resumably.",
        description = {"Search the web for images (DuckDuckGo, Bing as fallback) and download them into class folders,",
            "with a manifest of where each came from. Re-running the same command resumes."})
final class ScrapeCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--recipe", paramLabel = "FILE",
                description = "Recipe file (YAML or JSON, see docs/data.md), or 'default' for the shipped one.")
        String recipe;

        @Option(names = "--query", paramLabel = "CLASS=TEXT",
                description = "A search for a class (john or not_john); repeatable. Use with --analysis for sets.")
        List<String> queries;
    }

    @Option(names = "--analysis", paramLabel = "SET=TEXT",
            description = "With --query: a search for an analysis set (e.g. george=\"George Harrison\"); repeatable.")
    List<String> analysis = new ArrayList<>();

    @Option(names = "--per-query", paramLabel = "N",
            description = "Images to keep per query (default with --query: 100; overrides the recipe's counts).")
    Integer perQuery;

    @Option(names = "--out", required = true, description = "Folder to write: john/, not_john/, analysis/, scrape.jsonl.")
    Path out;

    @Option(names = "--engine", split = ",", defaultValue = ScrapeConfig.DEFAULT_ENGINE_LIST,
            description = "Engines in order of preference; later ones are fallbacks. Default: ${DEFAULT-VALUE}.")
    List<String> engines;

    @Option(names = "--duckduckgo-url", defaultValue = DuckDuckGo.DEFAULT_URL,
            description = "DuckDuckGo base URL (a mirror or test server). Default: ${DEFAULT-VALUE}.")
    String duckduckgoUrl;

    @Option(names = "--bing-url", defaultValue = Bing.DEFAULT_URL,
            description = "Bing base URL. Default: ${DEFAULT-VALUE}.")
    String bingUrl;

    @Option(names = "--allow-private-hosts",
            description = "Also download from loopback and private addresses (local mirrors and tests).")
    boolean allowPrivateHosts;

    @Option(names = "--concurrency", defaultValue = "" + ScrapeConfig.DEFAULT_CONCURRENCY, description = "Downloads at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--max-mb", defaultValue = "" + Downloader.DEFAULT_MAX_MB, description = "Largest download, MB. Default: ${DEFAULT-VALUE}.")
    int maxMb;

    @Option(names = "--timeout", defaultValue = "" + Downloader.DEFAULT_TIMEOUT_SECONDS, description = "Seconds allowed per download or search request. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Option(names = "--delay-ms", defaultValue = "" + Politeness.DEFAULT_DELAY_MS,
            description = "Pause between two requests to a search engine, ms. Default: ${DEFAULT-VALUE}.")
    long delayMs;

    @Option(names = "--retries", defaultValue = "" + Politeness.DEFAULT_RETRIES,
            description = "Retries of a refused search request (waits 2, 4, 8 ... s with jitter). Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--max-side", defaultValue = "" + ScrapeConfig.DEFAULT_MAX_SIDE,
            description = "Stored images are scaled down to at most this many pixels on their longer side (dataset and prediction scale to 1024 in any case). Default: ${DEFAULT-VALUE}.")
    int maxSide;

    @Override
    public Integer call() throws Exception {
        Recipe recipe = recipe();
        Politeness politeness = new Politeness(Duration.ofMillis(delayMs), retries + 1,
                Politeness.DEFAULT.backoffBase(), Politeness.DEFAULT.backoffMax(), Duration.ofSeconds(timeoutSeconds));
        ScrapeConfig config = ScrapeConfig.builder(out, recipe).engines(engines).engineUrls(duckduckgoUrl, bingUrl)
                .allowPrivateHosts(allowPrivateHosts).concurrency(concurrency).maxBytes(maxMb * 1024L * 1024L)
                .downloadTimeout(Duration.ofSeconds(timeoutSeconds)).maxSide(maxSide).politeness(politeness)
                .seed(System.nanoTime()).build();
        ScrapeReport report = new Scraper(config).run();
        System.out.println(report.summary());
        report.searchFailures().forEach(f -> System.out.println("  no results: " + f));
        report.shortfalls().forEach(f -> System.out.println("  short: " + f));
        // Some failed downloads are normal on the web; a query no engine answered, or nothing at all, is not.
        return report.searchFailures().isEmpty() && !report.kept().isEmpty() ? 0 : 1;
    }

    private Recipe recipe() throws java.io.IOException {
        Recipe recipe;
        if (what.recipe != null) {
            recipe = what.recipe.equals("default") ? Recipe.defaultRecipe() : Recipe.read(Path.of(what.recipe));
            if (!analysis.isEmpty()) {
                throw new IllegalArgumentException("--analysis goes with --query; a recipe declares its own analysis sets");
            }
        } else {
            recipe = new Recipe(groups(what.queries, "--query"), groups(analysis, "--analysis"));
            if (perQuery == null) {
                perQuery = 100;
            }
        }
        return perQuery == null ? recipe : recipe.withImagesPerQuery(perQuery);
    }

    private static Map<String, List<Recipe.QueryGroup>> groups(List<String> specs, String option) {
        Map<String, List<Recipe.QueryGroup>> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq < 1 || eq == spec.length() - 1) {
                throw new IllegalArgumentException(option + " takes NAME=TEXT, got '" + spec + "'");
            }
            out.computeIfAbsent(spec.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(new Recipe.QueryGroup(List.of(spec.substring(eq + 1)), 100));
        }
        return out;
    }
}
