package net.lennonnet.train.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.io.AtomicFiles;

/**
 * The error gallery: an HTML contact sheet of the most confident mistakes and the highest-loss
 * images, each with P(john), the label it should have, its source, and the command that records
 * feedback on it in the dataset manifest.
 */
public final class Gallery {

    public static final String HTML = "gallery.html";
    static final int SHOWN = 24;
    private static final int THUMB = 160;

    private Gallery() {}

    /** What the gallery shows: per section, the images in order. */
    public static Map<String, List<ScoredImage>> select(List<ScoredImage> images, double threshold) {
        Map<String, List<ScoredImage>> sections = new LinkedHashMap<>();
        sections.put("Most confident mistakes", images.stream().filter(s -> !s.right(threshold))
                .sorted(Comparator.comparingDouble(ScoredImage::loss).reversed()).limit(SHOWN).toList());
        sections.put("Highest loss", images.stream()
                .sorted(Comparator.comparingDouble(ScoredImage::loss).reversed()).limit(SHOWN).toList());
        return sections;
    }

    /** The heatmap overlay of an image's answer, or empty when the model has none. */
    interface Why {
        Optional<java.awt.image.BufferedImage> overlay(Path image) throws IOException;

        /** No overlays. */
        Why NONE = image -> Optional.empty();
    }

    /** Writes {@code gallery.html} and its thumbnails into {@code dir}, without heatmaps. */
    public static void write(Path dir, String title, List<ScoredImage> images, double threshold,
            Optional<Path> dataset) throws IOException {
        write(dir, title, images, threshold, dataset, Why.NONE);
    }

    /**
     * Writes {@code gallery.html} and its thumbnails into {@code dir}; beside each wrong answer, the heatmap of
     * why the model answered so, when {@code why} has one.
     */
    static void write(Path dir, String title, List<ScoredImage> images, double threshold, Optional<Path> dataset,
            Why why) throws IOException {
        Path thumbs = dir.resolve("gallery");
        Files.createDirectories(thumbs);
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.esc(title)).append("</title><style>").append(Html.STYLE).append("""
                .cards{display:flex;flex-wrap:wrap;gap:12px}.card{width:180px;border:1px solid #ddd;border-radius:6px;
                padding:8px;font-size:12px}.card img{max-width:160px;max-height:160px;display:block;margin:0 auto 6px}
                .card code{font-size:10px;word-break:break-all}.wrong{color:#b00}.right{color:#070}
                </style></head><body>""").append("<h1>").append(Html.esc(title)).append("</h1>");
        h.append("<p>Threshold ").append(String.format("%.4f", threshold)).append(": P(john) at or above it is john. ");
        h.append(dataset.isPresent()
                ? "Record what you see with <code>lennonnet label --data " + Html.esc(dataset.get().toString())
                        + " --mislabelled ID</code> (or <code>--unusable ID</code>); the next <code>lennonnet dataset</code> "
                        + "run into that folder relabels or drops those images."
                : "These images are not from a Lennonnet dataset, so feedback cannot be recorded for them.");
        h.append("</p>");
        if (why != Why.NONE) {
            h.append("<p>Beside each wrong answer, why the model gave it: its heatmap over the photo, red where the "
                    + "photo reads as john, blue where it reads as not_john (none for models without one).</p>");
        }
        int n = 0;
        Map<String, String> thumbOf = new LinkedHashMap<>();
        Map<String, Optional<String>> whyOf = new LinkedHashMap<>();
        boolean hasHeatmaps = true; // until the model shows it has none
        for (Map.Entry<String, List<ScoredImage>> section : select(images, threshold).entrySet()) {
            h.append("<h2>").append(Html.esc(section.getKey())).append(" (").append(section.getValue().size())
                    .append(")</h2>");
            if (section.getValue().isEmpty()) {
                h.append("<p>none</p>");
                continue;
            }
            h.append("<div class=\"cards\">");
            for (ScoredImage s : section.getValue()) {
                String thumb = thumbOf.get(s.path());
                if (thumb == null) {
                    thumb = "gallery/" + (n++) + ".jpg";
                    thumbnail(Path.of(s.path()), dir.resolve(thumb));
                    thumbOf.put(s.path(), thumb);
                }
                boolean right = s.right(threshold);
                h.append("<div class=\"card\"><img src=\"").append(thumb).append("\" alt=\"\">");
                if (!right && hasHeatmaps) {
                    String index = thumb.substring("gallery/".length(), thumb.length() - ".jpg".length());
                    Optional<String> overlay = whyOf.get(s.path());
                    if (overlay == null) {
                        Optional<java.awt.image.BufferedImage> drawn = why.overlay(Path.of(s.path()));
                        hasHeatmaps = drawn.isPresent() || !whyOf.isEmpty();
                        overlay = drawn.map(image -> "gallery/" + index + "-why.jpg");
                        if (drawn.isPresent()) {
                            AtomicFiles.writeImage(dir.resolve(overlay.get()), Images.fitWithin(drawn.get(), THUMB), "jpg");
                        }
                        whyOf.put(s.path(), overlay);
                    }
                    overlay.ifPresent(o -> h.append("<img src=\"").append(o).append("\" alt=\"why\" title=\"why: red where "
                            + "the photo reads as john, blue as not_john\">"));
                }
                h
                        .append("<b class=\"").append(right ? "right" : "wrong").append("\">P(john) ")
                        .append(String.format("%.4f", s.pJohn())).append("</b> should be ").append(s.truth())
                        .append("<br>loss ").append(String.format("%.3f", s.loss())).append("<br><code>")
                        .append(Html.esc(s.id().isEmpty() ? Path.of(s.path()).getFileName().toString() : s.id()))
                        .append("</code>");
                // Scraped URLs are untrusted: only http(s) becomes a link (no javascript:, data:, file:).
                if (Html.isWebLink(s.imageUrl())) {
                    h.append("<br><a href=\"").append(Html.esc(s.imageUrl())).append("\" rel=\"noreferrer\">image</a>");
                }
                if (Html.isWebLink(s.pageUrl())) {
                    h.append(" <a href=\"").append(Html.esc(s.pageUrl())).append("\" rel=\"noreferrer\">page</a>");
                }
                h.append("</div>");
            }
            h.append("</div>");
        }
        h.append("</body></html>\n");
        AtomicFiles.writeString(dir.resolve(HTML), h.toString());
    }

    private static void thumbnail(Path image, Path target) throws IOException {
        AtomicFiles.writeImage(target, Images.fitWithin(Images.decode(image, Images.DEFAULT_MAX_PIXELS), THUMB), "jpg");
    }

    /** Small HTML helpers shared by the report pages. */
    static final class Html {
        static final String STYLE = "body{font-family:sans-serif;margin:2em;max-width:75em;color:#222}"
                + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;"
                + "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
                + "img.chart{max-width:100%;margin:.5em 0}.note{color:#555}";

        private Html() {}

        static String esc(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }

        /** Whether a URL may become a link: absolute http or https, nothing else. */
        static boolean isWebLink(String url) {
            String lower = url.strip().toLowerCase(java.util.Locale.ROOT);
            return (lower.startsWith("http://") || lower.startsWith("https://")) && url.strip().equals(url)
                    && url.chars().noneMatch(c -> c < 0x20);
        }

    }
}
