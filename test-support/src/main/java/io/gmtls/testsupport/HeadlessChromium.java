package io.gmtls.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The machine's headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs), driven through {@code /usr/bin/chromedriver} with a fresh profile directory
 * that {@link #close()} removes. Nothing is downloaded: Selenium is given both binaries.
 *
 * <p>{@link #availability()} says whether a browser test can run here: without the binaries it is
 * skipped with a message, unless {@code CI=true}, where a missing browser fails the test.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** How long an element lookup waits for its element to appear. */
    public static final Duration IMPLICIT_WAIT = Duration.ofSeconds(10);


    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Null when Chromium and its driver are installed; otherwise why not. Throws (fails the test) when
     * they are missing and the environment says {@code CI=true}.
     */
    public static String availability() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return null;
        }
        String why = "headless Chromium is not installed (" + CHROMIUM + ", " + CHROMEDRIVER
                + "): apt-get install chromium chromium-driver (.ci/run does)";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(why + "; CI=true, so the browser test fails instead of being skipped");
        }
        return why;
    }

    /** Starts a browser with a window of this size (the screenshots' size). */
    public static HeadlessChromium start(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            // A click that submits a form can return before the next page is there (seen on a loaded
            // machine): lookups wait for their element instead of failing on the old page.
            driver.manage().timeouts().implicitlyWait(IMPLICIT_WAIT);
            return new HeadlessChromium(driver, profile);
        } catch (RuntimeException e) {
            delete(profile);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Saves a screenshot of the window as PNG. */
    public Path screenshot(Path png) throws IOException {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.copy(shot.toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        return png;
    }

    /** Resizes the window to the page's full height (up to a bound), for a screenshot of the whole page. */
    public void fitHeight(int width, int maxHeight) {
        // The window's height includes what the browser draws around the page (outer - inner height).
        Object h = driver.executeScript("return Math.max(document.body.scrollHeight, "
                + "document.documentElement.scrollHeight) + (window.outerHeight - window.innerHeight)");
        int height = Math.min(maxHeight, Math.max(400, ((Number) h).intValue() + 20));
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The elements matching {@code by} in {@code context} as the page is now, without the implicit wait:
     * for asserting that something is absent.
     */
    public List<org.openqa.selenium.WebElement> present(org.openqa.selenium.SearchContext context,
            org.openqa.selenium.By by) {
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        try {
            return context.findElements(by);
        } finally {
            driver.manage().timeouts().implicitlyWait(IMPLICIT_WAIT);
        }
    }

    /**
     * Clicks an element that leads to another page (a link, a form's submit button) and waits until the
     * page it was on is gone: chromedriver's click may return before a navigation it started. The old page
     * is gone when chromedriver says its root element is stale — or, asked while the new document replaces
     * the old one, that the node "does not belong to the document" (an "unknown error", seen on a loaded
     * machine); any other error while asking is retried until the 30 s are up.
     */
    public void clickAndWait(org.openqa.selenium.WebElement element) {
        org.openqa.selenium.WebElement page = driver.findElement(org.openqa.selenium.By.tagName("html"));
        element.click();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        org.openqa.selenium.WebDriverException last = null;
        while (System.nanoTime() < deadline) {
            try {
                page.isEnabled();
            } catch (org.openqa.selenium.StaleElementReferenceException gone) {
                return;
            } catch (org.openqa.selenium.WebDriverException e) {
                String message = String.valueOf(e.getMessage());
                if (message.contains("does not belong to the document") || message.contains("No node with given id")) {
                    return;
                }
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the next page", e);
            }
        }
        throw new IllegalStateException("the click did not lead to another page within 30 s", last);
    }
}
