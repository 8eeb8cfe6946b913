package net.lennonnet.train.evaluation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.io.AtomicFiles;

/** {@code evaluation.html} and {@code analysis.html}: the JSON reports, for people, with their charts. */
final class ReportPages {

    private ReportPages() {}

    private static String head(String title) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Gallery.Html.esc(title)
                + "</title><style>" + Gallery.Html.STYLE + "</style></head><body><h1>" + Gallery.Html.esc(title) + "</h1>";
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.1f%%", 100 * v);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.4f", v);
    }

    static void evaluation(EvaluationReport r, Path file) throws IOException {
        StringBuilder h = new StringBuilder(head("Lennonnet evaluation: held-out test set"));
        h.append("<p class=\"note\">Model <code>").append(Gallery.Html.esc(r.model())).append("</code>, dataset <code>")
                .append(Gallery.Html.esc(r.data())).append("</code>. Threshold <b>").append(f(r.threshold().value()))
                .append("</b> (").append(Gallery.Html.esc(r.threshold().source())).append(": ")
                .append(Gallery.Html.esc(r.threshold().detail())).append(").</p>");
        EvaluationReport.Table t = r.table();
        h.append("<h2>The original's table</h2><table><tr><th></th><th>correct</th><th>of</th><th>share</th></tr>")
                .append(row3("john", t.johnCorrect(), t.johnTotal()))
                .append(row3("not_john", t.notJohnCorrect(), t.notJohnTotal()))
                .append(row3("all", t.johnCorrect() + t.notJohnCorrect(), t.johnTotal() + t.notJohnTotal()))
                .append("</table>");
        h.append("<p>Accuracy <b>").append(pct(r.accuracy())).append("</b>, 95% interval (Wilson) <b>")
                .append(pct(r.accuracyCi95().low())).append(" to ").append(pct(r.accuracyCi95().high()))
                .append("</b> on ").append(r.images()).append(" images. At threshold 0.5 it would be ")
                .append(pct(r.atHalf().accuracy())).append(".</p>");
        h.append("<h2>Against trivial baselines</h2><table><tr><th>classifier</th><th>accuracy</th><th>95% interval</th>"
                + "<th>log loss</th><th>Brier</th></tr>");
        h.append("<tr><td>Lennonnet</td><td>").append(pct(r.accuracy())).append("</td><td>")
                .append(pct(r.accuracyCi95().low())).append(" to ").append(pct(r.accuracyCi95().high())).append("</td><td>")
                .append(f(r.logLoss())).append("</td><td>").append(f(r.brier())).append("</td></tr>");
        EvaluationReport.Majority m = r.baselines().majority();
        h.append("<tr><td>always ").append(m.predicts()).append(" (majority in training)</td><td>")
                .append(pct(m.accuracy())).append("</td><td>").append(pct(m.accuracyCi95().low())).append(" to ")
                .append(pct(m.accuracyCi95().high())).append("</td><td>n/a</td><td>n/a</td></tr>");
        EvaluationReport.Prior p = r.baselines().prior();
        h.append("<tr><td>class prior: john with probability ").append(f(p.pJohn())).append("</td><td>")
                .append(pct(p.expectedAccuracy())).append(" expected</td><td></td><td>").append(f(p.logLoss()))
                .append("</td><td>").append(f(p.brier())).append("</td></tr></table>");
        h.append("<h2>Confusion matrix</h2><table><tr><th>true \\ predicted</th><th>john</th><th>not_john</th></tr>");
        for (String truth : Labels.ALL) {
            Map<String, Integer> row = r.confusion().get(truth);
            h.append("<tr><td>").append(truth).append("</td><td>").append(row.get(Labels.JOHN)).append("</td><td>")
                    .append(row.get(Labels.NOT_JOHN)).append("</td></tr>");
        }
        h.append("</table><table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th></tr>");
        r.perClass().forEach((label, c) -> h.append("<tr><td>").append(label).append("</td><td>").append(f(c.precision()))
                .append("</td><td>").append(f(c.recall())).append("</td><td>").append(f(c.f1())).append("</td></tr>"));
        h.append("</table>");
        h.append("<h2>Ranking and calibration</h2><p>AUC <b>").append(f(r.auc())).append("</b>, expected calibration error <b>")
                .append(f(r.ece())).append("</b>, log loss ").append(f(r.logLoss())).append(", Brier ").append(f(r.brier()))
                .append(".</p><img class=\"chart\" src=\"roc.png\" alt=\"ROC curve\"> ")
                .append("<img class=\"chart\" src=\"reliability.png\" alt=\"reliability diagram\">");
        if (r.centreScore().isPresent()) {
            CentreScore c = r.centreScore().get();
            h.append("<h2>Distance to the john centre (face model)</h2><p>Beside the trained head: each face's distance "
                    + "to the mean descriptor of the ").append(c.johnTrainingFaces()).append(" training john faces, john "
                    + "within ").append(f(c.distance())).append(" (chosen on validation). Held out: john ")
                    .append(c.table().johnCorrect()).append("/").append(c.table().johnTotal()).append(", not_john ")
                    .append(c.table().notJohnCorrect()).append("/").append(c.table().notJohnTotal()).append(", accuracy <b>")
                    .append(f(c.accuracy())).append("</b> (95% ").append(f(c.accuracyCi95().low())).append(" to ")
                    .append(f(c.accuracyCi95().high())).append("), AUC <b>").append(f(c.auc())).append("</b>.</p>");
        }
        h.append("<h2>P(john) by true label</h2>");
        for (String label : Labels.ALL) {
            h.append("<img class=\"chart\" src=\"p-john-").append(label).append("-25bins.png\" alt=\"\">")
                    .append("<img class=\"chart\" src=\"p-john-").append(label).append("-2bins.png\" alt=\"\">");
        }
        failures(h, r.failed());
        h.append("<p><a href=\"gallery.html\">Error gallery</a> · <a href=\"evaluation.json\">evaluation.json</a> · "
                + "<a href=\"test-predictions.csv\">test-predictions.csv</a></p></body></html>\n");
        AtomicFiles.writeString(file, h.toString());
    }

    static void analysis(AnalysisReport r, Path file) throws IOException {
        StringBuilder h = new StringBuilder(head("Lennonnet analysis: P(john) per image set"));
        h.append("<p class=\"note\">Model <code>").append(Gallery.Html.esc(r.model())).append("</code>, threshold ")
                .append(f(r.threshold())).append(" (").append(r.thresholdSource()).append("), uncertain band ")
                .append(r.uncertainLow()).append(" to ").append(r.uncertainHigh()).append(".</p>");
        h.append("<table><tr><th>set</th><th>expected</th><th>images</th><th>failed</th><th>predicted john</th>"
                + "<th>right</th><th>mean P(john)</th><th>median P(john)</th><th>uncertain</th></tr>");
        for (AnalysisReport.SetResult s : r.sets()) {
            h.append("<tr><td>").append(Gallery.Html.esc(s.name())).append("</td><td>").append(s.expected())
                    .append("</td><td>").append(s.images()).append("</td><td>").append(s.failed().size())
                    .append("</td><td>").append(pct(s.sharePredictedJohn())).append("</td><td>")
                    .append(pct(s.shareRight())).append("</td><td>").append(f(s.meanPJohn())).append("</td><td>")
                    .append(f(s.medianPJohn())).append("</td><td>").append(pct(s.shareUncertain())).append("</td></tr>");
        }
        h.append("</table><img class=\"chart\" src=\"p-john-sets-25bins.png\" alt=\"all sets overlaid\">");
        for (AnalysisReport.SetResult s : r.sets()) {
            String n = Gallery.Html.esc(s.name());
            h.append("<h2>").append(n).append("</h2><img class=\"chart\" src=\"p-john-").append(n)
                    .append("-25bins.png\" alt=\"\"><img class=\"chart\" src=\"p-john-").append(n)
                    .append("-2bins.png\" alt=\"\"><p><a href=\"").append(n).append("-predictions.csv\">")
                    .append(n).append("-predictions.csv</a></p>");
            failures(h, s.failed());
        }
        h.append("<p><a href=\"gallery.html\">Error gallery</a> · <a href=\"analysis.json\">analysis.json</a></p>"
                + "</body></html>\n");
        AtomicFiles.writeString(file, h.toString());
    }

    private static String row3(String what, int right, int of) {
        return "<tr><td>" + what + "</td><td>" + right + "</td><td>" + of + "</td><td>"
                + (of == 0 ? "n/a" : pct((double) right / of)) + "</td></tr>";
    }

    private static void failures(StringBuilder h, java.util.List<EvaluationReport.Failure> failed) {
        if (failed.isEmpty()) {
            return;
        }
        h.append("<h3>Images that could not be scored (").append(failed.size()).append(")</h3><ul>");
        failed.forEach(f -> h.append("<li><code>").append(Gallery.Html.esc(f.path())).append("</code>: ")
                .append(Gallery.Html.esc(f.error())).append("</li>"));
        h.append("</ul>");
    }
}
