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
 * A real headless Chromium on the dashboard of one server, for the browser tests: sign-in, waits
 * that fail with a screenshot and the browser's console, whole-page screenshots under {@code
 * target/dashboard-screenshots/}, the light or dark system theme, and the check that no script
 * error and no Content-Security-Policy violation reached the console.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver}: without them a test
 * that calls {@link #requireChromium()} is skipped, unless the environment variable {@code
 * DASHBOARD_BROWSER_REQUIRED} is set, in which case it fails. Not thread-safe.
 */
final class DashboardBrowser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

  /** A phone's viewport in CSS pixels. */
  static final Dimension PHONE = new Dimension(390, 844);

  static final Dimension LAPTOP = new Dimension(1280, 900);

  final ChromeDriver driver;
  private final String base;
  private final String testName;

  /**
   * Skips the calling test when Chromium is missing, or fails it when DASHBOARD_BROWSER_REQUIRED is
   * set.
   */
  static void requireChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (System.getenv("DASHBOARD_BROWSER_REQUIRED") != null) {
      assertThat(present)
          .as(
              "chromium and chromedriver installed (DASHBOARD_BROWSER_REQUIRED is set): "
                  + "apt-get install chromium chromium-driver")
          .isTrue();
    }
    Assumptions.assumeTrue(present, "chromium and chromium-driver are not installed");
  }

  /**
   * Starts Chromium with a fresh profile under {@code profiles}, at laptop size, in {@code
   * timeZone}.
   *
   * @param base the server's URL, {@code http://127.0.0.1:<port>}
   * @param testName the prefix of this test's screenshot files
   */
  DashboardBrowser(String base, String testName, Path profiles, String timeZone)
      throws IOException {
    this.base = base;
    this.testName = testName;
    Files.createDirectories(SCREENSHOTS);
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory(profiles, "chromium-profile"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(LAPTOP);
    driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", timeZone));
  }

  /**
   * Opens a view of the dashboard: {@code fragment} is what follows {@code #/}, e.g. {@code
   * tasks?state=running}.
   */
  void open(String fragment) {
    driver.get(base + "/#/" + fragment);
  }

  /** Signs in with the token (after forgetting any session), and waits for the signed-in page. */
  void signIn(String token) {
    driver.get(base + "/");
    driver.executeScript("sessionStorage.clear()");
    driver.get(base + "/#/metrics");
    driver.navigate().refresh();
    WebElement field = waitFor(By.id("token"));
    field.sendKeys(token);
    driver.findElement(By.id("sign-in")).click();
    waitFor(By.id("sign-out"));
  }

  /** Follows the system's dark (true) or light theme from now on; reload to restyle charts. */
  void darkTheme(boolean dark) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of(
            "features",
            List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
  }

  /**
   * The controls (inputs, selects, buttons, summaries of details) that have no accessible name: no
   * label, no aria-label and no text. Empty when every control is labelled.
   */
  String unlabelledControls() {
    return (String)
        driver.executeScript(
            "return [...document.querySelectorAll('input, select, button, summary')]"
                + ".filter(e => (!e.labels || e.labels.length === 0) && !e.getAttribute('aria-label') && !e.textContent.trim())"
                + ".map(e => e.outerHTML).join('\\n')");
  }

  WebElement waitFor(By locator) {
    return until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  String waitForText(By locator, String text) {
    until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    return driver.findElement(locator).getText();
  }

  /** Waits up to 15 s for the condition; on a timeout fails as {@link #wait(int)} says. */
  <V> V until(Function<? super WebDriver, ? extends V> condition) {
    return wait(15).until(condition);
  }

  /**
   * A wait of up to {@code seconds} whose timeout fails with a screenshot, the page's text and the
   * browser's console.
   */
  WebDriverWait wait(int seconds) {
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

  private AssertionError failure(TimeoutException cause) {
    try {
      screenshot("failure");
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    StringBuilder console = new StringBuilder();
    driver
        .manage()
        .logs()
        .get(LogType.BROWSER)
        .forEach(entry -> console.append('\n').append(entry));
    return new AssertionError(
        "page "
            + driver.getCurrentUrl()
            + ": "
            + driver.findElement(By.tagName("main")).getText()
            + "\nbrowser console:"
            + console,
        cause);
  }

  /**
   * Saves the whole page, below the fold too, as {@code
   * target/dashboard-screenshots/<test>-<page>.png}.
   */
  void screenshot(String page) throws IOException {
    Number width =
        (Number)
            driver.executeScript(
                "return Math.max(innerWidth, document.documentElement.scrollWidth)");
    Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
    Map<String, Object> shot =
        driver.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of(
                "captureBeyondViewport",
                true,
                "clip",
                Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
    Files.write(
        SCREENSHOTS.resolve(testName + "-" + page + ".png"),
        Base64.getDecoder().decode((String) shot.get("data")));
  }

  /**
   * Fails on any script error or Content-Security-Policy violation in the console. Refused API
   * calls (401, 403, 404, 409, 429) are logged by the browser too; those are expected.
   */
  void assertNoScriptErrors() {
    List<String> errors =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .filter(
                message ->
                    !message.contains(
                        "Failed to load resource: the server responded with a status of"))
            .toList();
    assertThat(errors).isEmpty();
  }

  /** Checks the console, then quits Chromium. */
  @Override
  public void close() {
    try {
      assertNoScriptErrors();
    } finally {
      driver.quit();
    }
  }
}
