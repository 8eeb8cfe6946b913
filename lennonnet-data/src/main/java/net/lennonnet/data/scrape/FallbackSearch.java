package net.lennonnet.data.scrape;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engines in order of preference: the first that answers a query with at least one result is used.
 * An engine that fails, or answers with nothing (a blocked or changed DuckDuckGo often does), hands
 * the query to the next one.
 */
public final class FallbackSearch implements ImageSearch {

    private static final Logger log = LoggerFactory.getLogger(FallbackSearch.class);
    private final List<ImageSearch> engines;

    public FallbackSearch(List<ImageSearch> engines) {
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("at least one search engine is needed");
        }
        this.engines = List.copyOf(engines);
    }

    @Override
    public String name() {
        return String.join("+", engines.stream().map(ImageSearch::name).toList());
    }

    @Override
    public List<SearchResult> search(String query, int wanted) throws SearchException {
        List<String> failures = new ArrayList<>();
        for (ImageSearch engine : engines) {
            boolean last = engine == engines.get(engines.size() - 1);
            try {
                List<SearchResult> results = engine.search(query, wanted);
                if (!results.isEmpty() || last) {
                    return results;
                }
                failures.add(engine.name() + " found nothing");
                log.warn("{} found nothing for '{}'; trying the next engine", engine.name(), query);
            } catch (SearchException e) {
                failures.add(e.getMessage());
                log.warn("{} failed for '{}': {}{}", engine.name(), query, e.getMessage(),
                        last ? "" : "; trying the next engine");
            }
        }
        throw new SearchException(name(), 0, "every engine failed for '" + query + "': " + String.join("; ", failures));
    }
}
