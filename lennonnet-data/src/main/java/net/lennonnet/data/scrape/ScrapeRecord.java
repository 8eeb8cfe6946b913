package net.lennonnet.data.scrape;

/**
 * One row of {@code scrape.jsonl}: one image URL a search returned and what became of it.
 *
 * @param id           first 16 hex digits of {@code sha256}; empty when nothing was downloaded
 * @param folder       where it belongs: {@code john}, {@code not_john} or {@code analysis/<set>}
 * @param query        the search text that found it
 * @param engine       the engine that answered
 * @param imageUrl     the image's URL as the engine gave it
 * @param thumbnailUrl the engine's thumbnail URL
 * @param pageUrl      the page the image appears on
 * @param title        the result's title
 * @param source       where the engine got it
 * @param sha256       SHA-256 of the downloaded bytes; empty when the download failed
 * @param file         the stored image, relative to the scrape root; empty unless kept
 * @param width        stored width in pixels, 0 unless kept
 * @param height       stored height in pixels, 0 unless kept
 * @param status       {@code kept}, {@code duplicate} (same bytes already in the folder),
 *                     {@code rejected} (downloaded, not a usable image) or {@code failed} (not downloaded)
 * @param reason       why it is not kept; empty when kept
 */
public record ScrapeRecord(String id, String folder, String query, String engine, String imageUrl,
        String thumbnailUrl, String pageUrl, String title, String source, String sha256, String file, int width,
        int height, String status, String reason) {

    public static final String KEPT = "kept";
    public static final String DUPLICATE = "duplicate";
    public static final String REJECTED = "rejected";
    public static final String FAILED = "failed";

    public boolean kept() {
        return KEPT.equals(status);
    }

    /** The reason up to its first colon: what the summary counts by. */
    public String reasonKind() {
        return net.lennonnet.data.report.Reasons.kindOf(reason);
    }

    static ScrapeRecord of(Recipe.Target t, SearchResult r, String sha256, String file, int width, int height,
            String status, String reason) {
        return new ScrapeRecord(sha256.isEmpty() ? "" : sha256.substring(0, 16), t.folder(), t.query(), r.engine(),
                r.imageUrl(), r.thumbnailUrl(), r.pageUrl(), r.title(), r.source(), sha256, file, width, height,
                status, reason);
    }
}
