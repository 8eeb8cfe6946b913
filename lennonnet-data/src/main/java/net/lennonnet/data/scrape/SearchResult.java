package net.lennonnet.data.scrape;

/**
 * One image an engine returned for a query. Everything here is untrusted input from the web.
 *
 * @param engine       the engine that found it ({@code duckduckgo}, {@code bing})
 * @param imageUrl     the full-size image
 * @param thumbnailUrl the engine's thumbnail, empty if none
 * @param pageUrl      the page the image appears on, empty if unknown
 * @param title        the page or image title, empty if none
 * @param width        width the engine reported, 0 if unknown
 * @param height       height the engine reported, 0 if unknown
 * @param source       where the engine got it (DuckDuckGo's {@code source} field), empty if unknown
 */
public record SearchResult(String engine, String imageUrl, String thumbnailUrl, String pageUrl, String title,
        int width, int height, String source) {}
