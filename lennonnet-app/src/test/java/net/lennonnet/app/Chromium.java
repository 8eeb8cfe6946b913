package net.lennonnet.app;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium, driven by Selenium through Debian's chromedriver, for the browser tests. */
final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /** Skips the test on a machine without them; in CI ({@code CI=true}, where .ci/run installs them) fails. */
    static void requireInstalled() {
        boolean installed = Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
        String why = "Debian's chromium and chromium-driver are not installed (.ci/run installs them)";
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI must provide them: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(installed, why);
    }

    /** A fresh headless browser with its profile in {@code profile}; quit it when done. */
    static WebDriver start(Path profile) {
        requireInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
