package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.lennonnet.train.dashboard.Dashboard;
import net.lennonnet.train.dashboard.EpochRecord;
import net.lennonnet.train.dashboard.EpochStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A hostile run folder opened in the dashboard (issue 19): markup in a session id, in the evaluation
 * report's strings and numbers, and in an analysis set's name must show as text in a real browser and
 * never run. Before the fix the page put them into innerHTML as they were.
 */
class DashboardPageXssIT {

    @TempDir
    Path run;

    static final String PAYLOAD = "<img src=x onerror=\"window.__pwned=(window.__pwned||0)+1\">";

    @Test
    void markupFromARunFolderIsShownAsTextAndNeverRuns() throws Exception {
        Path stats = run.resolve("dashboard-stats.bin");
        Files.createDirectories(run.resolve("evaluation"));
        Files.createDirectories(run.resolve("analysis"));
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(PAYLOAD);
        Files.writeString(run.resolve("evaluation/evaluation.json"), "{\"table\": {\"johnCorrect\": " + json
                + ", \"johnTotal\": 2, \"notJohnCorrect\": 1, \"notJohnTotal\": 2}, \"accuracy\": 0.75, "
                + "\"accuracyCi95\": {\"low\": 0.3, \"high\": 0.95}, \"baselines\": {\"majority\": {\"predicts\": " + json
                + ", \"accuracy\": 0.5}}, \"auc\": 1, \"ece\": 0.1, \"threshold\": {\"value\": 0.5, \"source\": " + json + "}}");
        Files.writeString(run.resolve("analysis/analysis.json"), "{\"sets\": [{\"name\": " + json + ", \"expected\": "
                + json + ", \"images\": " + json + ", \"sharePredictedJohn\": 0.5, \"meanPJohn\": 0.5, "
                + "\"medianPJohn\": 0.5, \"shareUncertain\": 0.1}]}");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WebDriver browser = null;
        try (Dashboard dashboard = Dashboard.start(port, stats)) {
            dashboard.storage().putStaticInfo(EpochRecord.runStart(PAYLOAD, System.currentTimeMillis()));
            dashboard.storage().putUpdate(new EpochRecord(PAYLOAD, System.currentTimeMillis(),
                    new EpochStats(1, 0.5, 0.6, 0.7, 0.01, 0.1, 1e-7)));
            browser = Chromium.start(Files.createTempDirectory(run, "chromium"));
            browser.get(dashboard.lennonnetUrl());
            WebDriver b = browser;
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(d ->
                    b.findElement(By.id("status")).getText().contains("epochs"));
            Thread.sleep(3500); // one more refresh of the page's data
            assertThat(((JavascriptExecutor) browser).executeScript("return window.__pwned === undefined")).isEqualTo(true);
            assertThat(browser.findElements(By.cssSelector("img[src='x']"))).isEmpty();
            // shown, as text
            assertThat(browser.findElement(By.id("evaluation-body")).getText()).contains(PAYLOAD);
            assertThat(browser.findElement(By.id("analysis-body")).getText()).contains(PAYLOAD);
            assertThat(browser.findElement(By.id("session")).getText()).contains(PAYLOAD);
        } finally {
            if (browser != null) {
                browser.quit();
            }
        }
    }
}
