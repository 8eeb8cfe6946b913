package net.lennonnet.data;

/**
 * One row of {@code manifest.jsonl}: one raw image and what became of it.
 *
 * @param id     content id: the first 16 hex digits of the SHA-256 of the raw bytes
 * @param label  the class folder it came from
 * @param source the raw file, relative to the raw folder
 * @param sha256 SHA-256 of the raw bytes
 * @param width  decoded width in pixels, 0 when it did not decode
 * @param height decoded height in pixels, 0 when it did not decode
 * @param status {@code kept} or {@code rejected}
 * @param reason why it was rejected; empty when kept
 * @param split  {@code train}, {@code val} or {@code test}; empty when rejected
 */
public record ManifestEntry(String id, String label, String source, String sha256, int width, int height,
        String status, String reason, String split) {

    public static final String KEPT = "kept";
    public static final String REJECTED = "rejected";

    public boolean kept() {
        return KEPT.equals(status);
    }
}
