package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the dashboard's end-to-end tests: signing in, waiting for what the
 * page shows (a timeout fails with a screenshot, the page text and the browser console), and
 * screenshots at desktop and phone width in the light and dark themes. {@link #close()} fails when
 * the console holds a script error or a Content-Security-Policy violation.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver}; {@link #requireChromium()}
 * skips the calling tests without them, or fails them when {@code DASHBOARD_BROWSER_REQUIRED} is
 * set (as {@code .ci/run} does). Not thread-safe: one browser per test.
 */
final class DashboardBrowser implements AutoCloseable {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Where every test's screenshots are saved, as {@code <test>-<page>.png}. */
  static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
  private static final Dimension DESKTOP = new Dimension(1280, 900);
  private static final int PHONE_WIDTH = 390;
  private static final int PHONE_HEIGHT = 844;

  final ChromeDriver driver;
  private final String testName;

  private DashboardBrowser(ChromeDriver driver, String testName) {
    this.driver = driver;
    this.testName = testName;
  }

  /** Skips the calling tests when Chromium is missing, unless {@code DASHBOARD_BROWSER_REQUIRED} is set. */
  static void requireChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (System.getenv("DASHBOARD_BROWSER_REQUIRED") != null) {
      assertThat(present).as("chromium and chromedriver installed (DASHBOARD_BROWSER_REQUIRED is set): "
          + "apt-get install chromium chromium-driver").isTrue();
    }
    Assumptions.assumeTrue(present, "chromium and chromium-driver are not installed");
  }

  /**
   * Starts a browser with a fresh profile under {@code scratch}, at desktop size, in {@code timeZone}.
   *
   * @param testName names the screenshots
   */
  static DashboardBrowser open(Path scratch, String testName, String timeZone) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    ChromeOptions options = new ChromeOptions()
        .setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory(scratch, "chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(DESKTOP);
    driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", timeZone));
    return new DashboardBrowser(driver, testName);
  }

  /** Opens the dashboard at {@code base} with a clean session and signs in; with null, stops at the sign-in form. */
  void signIn(String base, String token) {
    driver.get(base + "/");
    driver.executeScript("sessionStorage.clear()");
    driver.get(base + "/#/metrics");
    driver.navigate().refresh();
    WebElement field = waitFor(By.id("token"));
    if (token == null) {
      return;
    }
    field.sendKeys(token);
    driver.findElement(By.id("sign-in")).click();
    waitFor(By.id("sign-out"));
  }

  /** Waits until the element is visible. */
  WebElement waitFor(By locator) {
    return waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  /** Waits until the element's text contains {@code text}, and answers its whole text. */
  String waitForText(By locator, String text) {
    waitUpTo(15).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    return driver.findElement(locator).getText();
  }

  /** A wait whose timeout fails with a screenshot, the page's text and the browser console. */
  WebDriverWait waitUpTo(int seconds) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds)) {
      @Override
      public <V> V until(Function<? super WebDriver, ? extends V> isTrue) {
        try {
          return super.until(isTrue);
        } catch (TimeoutException e) {
          throw failure(e);
        }
      }
    };
  }

  private AssertionError failure(RuntimeException cause) {
    try {
      screenshot("failure");
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    StringBuilder console = new StringBuilder();
    driver.manage().logs().get(LogType.BROWSER).forEach(entry -> console.append('\n').append(entry));
    return new AssertionError("page " + driver.getCurrentUrl() + ": " + driver.findElement(By.tagName("main")).getText()
        + "\nbrowser console:" + console, cause);
  }

  /** Saves the whole page, below the fold too, as {@code target/dashboard-screenshots/<test>-<page>.png}. */
  void screenshot(String page) throws IOException {
    Number width = (Number) driver.executeScript("return Math.max(innerWidth, document.documentElement.scrollWidth)");
    Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
    Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("captureBeyondViewport", true,
        "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
    Files.write(SCREENSHOTS.resolve(testName + "-" + page + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
  }

  /**
   * Saves the page at desktop width in the light and the dark theme, and at phone width ({@code
   * <page>}, {@code <page>-dark}, {@code <page>-phone}), then returns to the light desktop view.
   * {@code ready} is waited for after each change, as the page may draw again (a chart on resize).
   */
  void screenshots(String page, By ready) throws IOException {
    screenshot(page);
    theme("dark");
    waitFor(ready);
    screenshot(page + "-dark");
    theme("light");
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", PHONE_WIDTH, "height", PHONE_HEIGHT,
        "deviceScaleFactor", 1, "mobile", true));
    driver.executeScript("dispatchEvent(new Event('resize'))");
    waitFor(ready);
    screenshot(page + "-phone");
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    driver.executeScript("dispatchEvent(new Event('resize'))");
    waitFor(ready);
  }

  private void theme(String scheme) {
    driver.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /** Script errors and Content-Security-Policy violations; refused API calls are expected and left out. */
  List<String> scriptErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(message -> !message.contains("Failed to load resource: the server responded with a status of"))
        .toList();
  }

  /** Quits the browser; fails when its console holds a script error. */
  @Override
  public void close() {
    try {
      assertThat(scriptErrors()).isEmpty();
    } finally {
      driver.quit();
    }
  }
}
