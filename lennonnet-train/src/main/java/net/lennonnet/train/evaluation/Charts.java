package net.lennonnet.train.evaluation;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.lennonnet.model.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report charts, drawn with XChart and saved as PNG. */
public final class Charts {

    private Charts() {}

    /**
     * A bar chart of a P(john) histogram; {@code file} without extension. A 2-bin histogram is split at
     * {@code threshold} ({@link Histogram#split}), which names its bars.
     */
    public static void histogram(Histogram histogram, String title, Path file, double threshold) throws IOException {
        int[] counts = histogram.counts();
        int bins = counts.length;
        List<String> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int i = 0; i < bins; i++) {
            x.add(bins == 2 ? (i == 0 ? "below " + fmt(threshold) : fmt(threshold) + " and above")
                    : String.format("%.2f", (i + 0.5) / bins));
            y.add(counts[i]);
        }
        CategoryChart chart = new CategoryChartBuilder().width(720).height(360).title(title)
                .xAxisTitle(bins == 2 ? "P(john)" : "P(john), bin centre").yAxisTitle("images").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(bins > 10 ? 90 : 0);
        chart.addSeries("images", x, y);
        save(chart, file);
    }

    /** P(john) of the test images of one true label, as {@code p-john-<label>-<bins>bins.png} in {@code dir}. */
    public static void testHistogram(Histogram histogram, String label, Path dir, double threshold) throws IOException {
        int bins = histogram.counts().length;
        histogram(histogram, "P(john) for " + histogram.total() + " test images labelled " + label + ", " + bins + " bins",
                dir.resolve("p-john-" + label + "-" + bins + "bins"), threshold);
    }

    private static String fmt(double threshold) {
        return String.format(java.util.Locale.ROOT, "%.4f", threshold).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** One line per set: the share of its images in each of the 25 P(john) bins. */
    public static void overlay(Map<String, Histogram> sets, String title, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(820).height(420).title(title).xAxisTitle("P(john), bin centre")
                .yAxisTitle("share of the set's images").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0);
        for (Map.Entry<String, Histogram> e : sets.entrySet()) {
            int[] counts = e.getValue().counts();
            int total = Math.max(1, e.getValue().total());
            double[] x = new double[counts.length];
            double[] y = new double[counts.length];
            for (int i = 0; i < counts.length; i++) {
                x[i] = (i + 0.5) / counts.length;
                y[i] = (double) counts[i] / total;
            }
            chart.addSeries(e.getKey() + " (" + e.getValue().total() + ")", x, y);
        }
        save(chart, file);
    }

    /** The ROC curve with the chance diagonal. */
    public static void roc(List<Metrics.RocPoint> curve, double auc, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(520).height(520).title(String.format("ROC, AUC %.4f", auc))
                .xAxisTitle("false positive rate (not_john called john)").yAxisTitle("true positive rate (john found)")
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setLegendVisible(false);
        XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setMarker(SeriesMarkers.NONE).setLineColor(Color.LIGHT_GRAY);
        chart.addSeries("model", curve.stream().mapToDouble(Metrics.RocPoint::falsePositiveRate).toArray(),
                curve.stream().mapToDouble(Metrics.RocPoint::truePositiveRate).toArray()).setMarker(SeriesMarkers.NONE);
        save(chart, file);
    }

    /** The reliability diagram: per bin, the share that is john against the mean P(john). */
    public static void reliability(List<Metrics.ReliabilityBin> bins, double ece, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(520).height(520)
                .title(String.format("Reliability, ECE %.4f", ece)).xAxisTitle("mean P(john) in the bin")
                .yAxisTitle("share of the bin that is john").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("perfect", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE)
                .setLineColor(Color.LIGHT_GRAY);
        List<Metrics.ReliabilityBin> used = bins.stream().filter(b -> b.count() > 0).toList();
        if (!used.isEmpty()) {
            chart.addSeries("model", used.stream().mapToDouble(Metrics.ReliabilityBin::meanPJohn).toArray(),
                    used.stream().mapToDouble(Metrics.ReliabilityBin::fractionJohn).toArray());
        }
        save(chart, file);
    }

    /** Writes {@code file}.png atomically, like every other file of a report. */
    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(Path.of(file + ".png"), tmp -> java.nio.file.Files.write(tmp, png));
    }
}
