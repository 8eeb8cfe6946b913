package net.lennonnet.data;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import net.lennonnet.model.io.AtomicFiles;

/**
 * The human side of a dataset report: {@code report.html} with the counts, rejections, duplicates,
 * leakage check and size distribution, and one contact sheet of thumbnails per class and analysis set
 * ({@code contact-<folder>.png}).
 */
final class DatasetReportPage {

    static final String HTML = "report.html";
    private static final int CELL = 96;
    private static final int COLUMNS = 8;
    private static final int MAX_THUMBS = 48;

    private DatasetReportPage() {}

    static void write(Path out, DatasetReport report, List<ManifestEntry> entries) throws IOException {
        Map<String, List<ManifestEntry>> keptByLabel = new TreeMap<>();
        for (ManifestEntry e : entries) {
            if (e.kept()) {
                keptByLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e);
            }
        }
        List<String> sheets = new ArrayList<>();
        for (Map.Entry<String, List<ManifestEntry>> e : keptByLabel.entrySet()) {
            String name = "contact-" + e.getKey().replace('/', '-') + ".png";
            contactSheet(out, e.getValue(), out.resolve(name));
            sheets.add(name);
        }
        StringBuilder h = new StringBuilder("""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Lennonnet dataset report</title>
                <style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:.5em 0 1.5em}
                td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}th{background:#f3f3f3}
                td:first-child,th:first-child{text-align:left}.ok{color:#070}.bad{color:#b00;font-weight:bold}</style>
                </head><body><h1>Lennonnet dataset report</h1>
                """);
        h.append("<h2>Kept images per split and class</h2><table><tr><th>split</th>");
        List<String> labels = new ArrayList<>(new java.util.TreeSet<>(report.counts().values().stream()
                .flatMap(m -> m.keySet().stream()).toList()));
        labels.forEach(l -> h.append("<th>").append(esc(l)).append("</th>"));
        h.append("</tr>");
        for (String split : List.of(Split.TRAIN.folder(), Split.VALIDATION.folder(), Split.TEST.folder())) {
            h.append("<tr><td>").append(split).append("</td>");
            for (String l : labels) {
                h.append("<td>").append(report.counts().getOrDefault(split, Map.of()).getOrDefault(l, 0)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
        table(h, "Analysis sets (never used for training)", "set", report.analysis());
        h.append("<h2>Leakage check</h2><p class=\"").append(report.leakage() == 0 ? "ok" : "bad").append("\">")
                .append(report.leakage()).append(" pairs of identical or near-identical images across splits")
                .append(report.leakage() == 0 ? " (none)" : "").append("</p>");
        h.append("<h2>Removed</h2><table><tr><th>what</th><th>images</th></tr>")
                .append(row("exact duplicates", report.duplicates()))
                .append(row("near-duplicates", report.nearDuplicates()))
                .append(row("label conflicts", report.labelConflicts())).append("</table>");
        table(h, "Rejected, by reason", "reason", report.rejected());
        table(h, "Kept, by search engine", "engine", report.byEngine());
        table(h, "Kept, by query", "folder / query", report.byQuery());
        h.append("<h2>Image sizes (longer side, pixels)</h2><table><tr><th>folder</th>");
        List<String> buckets = List.of("<128", "128-255", "256-511", "512-1023", ">=1024");
        buckets.forEach(b -> h.append("<th>").append(esc(b)).append("</th>"));
        h.append("</tr>");
        report.sizes().forEach((label, m) -> {
            h.append("<tr><td>").append(esc(label)).append("</td>");
            buckets.forEach(b -> h.append("<td>").append(m.getOrDefault(b, 0)).append("</td>"));
            h.append("</tr>");
        });
        h.append("</table><h2>Contact sheets</h2>");
        for (String sheet : sheets) {
            h.append("<h3>").append(esc(sheet)).append("</h3><img src=\"").append(esc(sheet)).append("\" alt=\"")
                    .append(esc(sheet)).append("\">");
        }
        h.append("<p>Manifest SHA-256: <code>").append(esc(report.manifestSha256())).append("</code></p></body></html>\n");
        AtomicFiles.writeString(out.resolve(HTML), h.toString());
    }

    private static void table(StringBuilder h, String title, String what, Map<String, Integer> counts) {
        h.append("<h2>").append(esc(title)).append("</h2>");
        if (counts.isEmpty()) {
            h.append("<p>none</p>");
            return;
        }
        h.append("<table><tr><th>").append(esc(what)).append("</th><th>images</th></tr>");
        counts.forEach((k, v) -> h.append(row(k, v)));
        h.append("</table>");
    }

    private static String row(String what, int n) {
        return "<tr><td>" + esc(what) + "</td><td>" + n + "</td></tr>";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Up to 48 thumbnails of one folder's kept images, in id order, 8 to a row. */
    private static void contactSheet(Path out, List<ManifestEntry> kept, Path file) throws IOException {
        List<ManifestEntry> shown = kept.stream().sorted(Comparator.comparing(ManifestEntry::id)).limit(MAX_THUMBS)
                .toList();
        int rows = (shown.size() + COLUMNS - 1) / COLUMNS;
        BufferedImage sheet = new BufferedImage(COLUMNS * CELL, Math.max(1, rows) * (CELL + 14),
                BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            for (int i = 0; i < shown.size(); i++) {
                ManifestEntry e = shown.get(i);
                Path png = e.split().equals(DatasetBuilder.ANALYSIS_SPLIT) ? out.resolve(e.label()).resolve(e.id() + ".png")
                        : out.resolve(e.split()).resolve(e.label()).resolve(e.id() + ".png");
                BufferedImage img = ImageIO.read(png.toFile());
                int x = (i % COLUMNS) * CELL;
                int y = (i / COLUMNS) * (CELL + 14);
                double scale = Math.min((double) (CELL - 4) / img.getWidth(), (double) (CELL - 4) / img.getHeight());
                int w = (int) Math.round(img.getWidth() * scale);
                int hgt = (int) Math.round(img.getHeight() * scale);
                g.drawImage(img, x + (CELL - w) / 2, y + (CELL - hgt) / 2, w, hgt, null);
                g.setColor(Color.DARK_GRAY);
                g.drawString(e.split() + " " + e.id().substring(0, 6), x + 4, y + CELL + 10);
            }
        } finally {
            g.dispose();
        }
        AtomicFiles.writeImage(file, sheet, "png");
    }
}
