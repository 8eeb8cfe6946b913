package net.lennonnet.data.scrape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.TestImages;

/**
 * Benchmark, not a test: download throughput of the scraper with its default settings against a
 * local server that waits 100 ms before answering each image, as a distant host would. Run with
 * {@code mvn -pl lennonnet-data exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=net.lennonnet.data.scrape.DownloadBenchmark [-Dexec.args="IMAGES SIDE NOISE"]}: NOISE is
 * the standard deviation of Gaussian pixel noise added to the drawings (0: none; 24 gives JPEGs about
 * the size of photos, which cost more to decode and re-encode).
 */
public final class DownloadBenchmark {

    private DownloadBenchmark() {}

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int side = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        double noise = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        java.util.Random random = new java.util.Random(1);
        DemoImages demo = new DemoImages(side);
        try (FakeWeb web = new FakeWeb()) {
            web.imageLatencyMillis = 100;
            web.pageSize = 100;
            long bytes = 0;
            for (int i = 0; i < images; i++) {
                java.awt.image.BufferedImage img = i % 2 == 0 ? demo.john(1, i) : demo.notJohn(1, i);
                if (noise > 0) {
                    for (int y = 0; y < img.getHeight(); y++) {
                        for (int x = 0; x < img.getWidth(); x++) {
                            int rgb = img.getRGB(x, y);
                            int r = clamp(((rgb >> 16) & 255) + random.nextGaussian() * noise);
                            int g = clamp(((rgb >> 8) & 255) + random.nextGaussian() * noise);
                            int b = clamp((rgb & 255) + random.nextGaussian() * noise);
                            img.setRGB(x, y, (r << 16) | (g << 8) | b);
                        }
                    }
                }
                byte[] jpeg = TestImages.encode(img, "jpg");
                bytes += jpeg.length;
                web.image("/img/b" + i + ".jpg", jpeg);
            }
            web.results("bench", FakeWeb.paths("b", images));
            web.results("other", FakeWeb.paths("b", 1));
            Recipe recipe = new Recipe(Map.of("john", List.of(new Recipe.QueryGroup(List.of("bench"), images)),
                    "not_john", List.of(new Recipe.QueryGroup(List.of("other"), 1))), Map.of());
            Path out = Files.createTempDirectory("lennonnet-download-bench");
            ScrapeConfig config = ScrapeConfig.builder(out, recipe).engineUrls(web.url(), web.url())
                    .allowPrivateHosts(true).politeness(new Politeness(Duration.ZERO, 3, Duration.ofMillis(100),
                            Duration.ofSeconds(1), Duration.ofSeconds(20))).build();
            Runtime rt = Runtime.getRuntime();
            long t0 = System.nanoTime();
            ScrapeReport report = new Scraper(config).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.gc();
            System.out.printf("images %d of %dx%d px, noise %.0f (%.0f KB average), 100 ms latency each, concurrency %d%n",
                    report.keptThisRun(), side, side, noise, bytes / 1024.0 / images, ScrapeConfig.DEFAULT_CONCURRENCY);
            System.out.printf("%.1f s, %.1f images/s; heap after: %d MB of %d MB max%n", seconds,
                    report.keptThisRun() / seconds, (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
        }
    }
}
