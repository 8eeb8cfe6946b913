package net.lennonnet.data.scrape;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Engines in order of preference: the first that answers a query is used. */
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
            try {
                return engine.search(query, wanted);
            } catch (SearchException e) {
                failures.add(e.getMessage());
                log.warn("{} failed for '{}': {}{}", engine.name(), query, e.getMessage(),
                        engine == engines.get(engines.size() - 1) ? "" : "; trying the next engine");
            }
        }
        throw new SearchException(name(), 0, "every engine failed for '" + query + "': " + String.join("; ", failures));
    }
}
