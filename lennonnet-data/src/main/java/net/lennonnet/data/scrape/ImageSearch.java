package net.lennonnet.data.scrape;

import java.util.List;

/** An image search engine. */
public interface ImageSearch {

    /** The engine's name as recorded in the manifest. */
    String name();

    /**
     * Up to {@code wanted} distinct results for a query, in the engine's order.
     *
     * @throws SearchException when the engine refuses or its answer cannot be read
     */
    List<SearchResult> search(String query, int wanted) throws SearchException;
}
