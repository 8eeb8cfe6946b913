package net.lennonnet.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One row of {@code manifest.jsonl}: one raw image and what became of it.
 *
 * @param id       content id: the first 16 hex digits of the SHA-256 of the raw bytes
 * @param label    the raw folder it came from: {@code john}, {@code not_john} or {@code analysis/<set>}
 * @param source   the raw file, relative to the raw folder
 * @param sha256   SHA-256 of the raw bytes
 * @param phash    64-bit perceptual hash of the decoded pixels (16 hex digits), empty when it did not decode
 * @param width    decoded width in pixels, 0 when it did not decode
 * @param height   decoded height in pixels, 0 when it did not decode
 * @param status   {@code kept} or {@code rejected}
 * @param reason   why it was rejected; empty when kept
 * @param split    {@code train}, {@code val}, {@code test} or {@code analysis}; empty when rejected
 * @param query    the search that found it, empty when the raw folder has no scrape manifest
 * @param engine   the engine that found it, or empty
 * @param pageUrl  the page it appeared on, or empty
 * @param imageUrl where it was downloaded from, or empty
 * @param face     with face crop, the face the stored image was cut around as "x,y,width,height" in the
 *                 upright raw image; empty when none was found or face crop is off
 * @param feedback what a person said about the image ({@code lennonnet label}): {@code mislabelled}
 *                 (a class image is moved to the other class, an analysis image is dropped),
 *                 {@code unusable} (dropped), or empty; kept across {@code lennonnet dataset} runs
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ManifestEntry(String id, String label, String source, String sha256, String phash, int width,
        int height, String status, String reason, String split, String query, String engine, String pageUrl,
        String imageUrl, String face, String feedback) {

    public static final String KEPT = "kept";
    public static final String MISLABELLED = "mislabelled";
    public static final String UNUSABLE = "unusable";

    /** This row with other feedback ("" to clear it). */
    public ManifestEntry withFeedback(String value) {
        return new ManifestEntry(id, label, source, sha256, phash, width, height, status, reason, split, query, engine,
                pageUrl, imageUrl, face, value);
    }
    public static final String REJECTED = "rejected";

    public boolean kept() {
        return KEPT.equals(status);
    }

    /** The reason up to its first colon: what the report counts by. */
    public String reasonKind() {
        return net.lennonnet.data.report.Reasons.kindOf(reason);
    }
}
