package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Role;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a whole server: sign-in, the metric browser, a
 * series page whose summary must equal the API's and a reference computed here, the URL as the view
 * (range buttons, back button, zoom), comparing series, the CSV download, live refresh, the
 * viewer's time zone and the end of a session ({@link DashboardOpsBrowserTest} has the operations
 * pages). After every test the browser's console must hold no script error and no
 * Content-Security-Policy violation.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver}. Without them the tests
 * are skipped, unless the environment variable {@code DASHBOARD_BROWSER_REQUIRED} is set (as {@code
 * .ci/run} does), in which case they fail. Each test saves screenshots under {@code
 * target/dashboard-screenshots/}.
 */
class DashboardBrowserTest {

  private static final String VIEWER_ZONE = "America/New_York";
  private static final int HOURS = 60;

  /** More gauges than one page of the metric browser (50) holds. */
  private static final int PAGED_SERIES = 70;

  @TempDir static Path dir;

  private static ServerHarness h;
  private static String base;

  /**
   * Timer samples of web.latency sent for each hour (the flush interval), oldest first; hour i
   * starts at {@link #firstHour} + 3600 i.
   */
  private static final List<double[]> samplesByHour = new ArrayList<>();

  private static long firstHour;

  private DashboardBrowser browser;
  private ChromeDriver driver;

  @BeforeAll
  static void startServer() throws Exception {
    DashboardBrowser.requireChromium();
    // One flush releases all 60 backfilled hours at once; the store backlog must hold them.
    h = ServerHarness.start(dir.resolve("data"), "storage.max_backlog=7d");
    base = "http://127.0.0.1:" + h.server.httpAddress().getPort();
    sendHistory();
  }

  /**
   * Sends, over UDP, 60 hours of timestamped timer samples (a different number and spread each
   * hour) and counter increments, plus a gauge, and waits until they are stored.
   */
  private static void sendHistory() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    firstHour = (now / 3600 - HOURS - 1) * 3600;
    int port = h.server.ingestAddresses().udp().getPort();
    long lines = 0;
    try (DatagramSocket socket = new DatagramSocket()) {
      for (int m = 0; m < HOURS; m++) {
        double[] values = new double[1 + m % 7];
        StringBuilder packet = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
          values[i] = 20 + (m * 37 + i * 11) % 90;
          packet
              .append("web.latency:")
              .append(values[i])
              .append("|ms|#route:/users|T")
              .append(firstHour + m * 3600L + 5 + i)
              .append('\n');
          lines++;
        }
        packet
            .append("web.requests:")
            .append(values.length)
            .append("|c|T")
            .append(firstHour + m * 3600L + 30)
            .append('\n');
        lines++;
        samplesByHour.add(values);
        send(socket, port, packet.toString());
      }
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < PAGED_SERIES; i++) {
        many.append(String.format("paged.g%02d:%d|g\n", i, i));
      }
      send(socket, port, many.toString());
      lines += PAGED_SERIES;
      send(socket, port, "web.queue_depth:7|g\n");
      lines++;
    }
    h.awaitSamples(lines);
    h.flushAndStore();
  }

  private static void send(DatagramSocket socket, int port, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
  }

  @AfterAll
  static void stopServer() {
    if (h != null) {
      h.close();
    }
  }

  @BeforeEach
  void openBrowser(TestInfo info) throws IOException {
    browser =
        new DashboardBrowser(base, info.getTestMethod().orElseThrow().getName(), dir, VIEWER_ZONE);
    driver = browser.driver;
  }

  /** No script error and no Content-Security-Policy violation on any page a test opened. */
  @AfterEach
  void noScriptErrorsAndCloseBrowser() {
    browser.close();
  }

  @Test
  void signInFindsTheMetricSentOverUdpAndSignOutForgetsTheToken() throws Exception {
    driver.get(base + "/");
    WebElement token = waitFor(By.id("token"));
    screenshot("sign-in");
    token.sendKeys("hol_not-a-token");
    driver.findElement(By.id("sign-in")).click();
    assertThat(waitForText(By.id("sign-in-error"), "Sign-in failed")).contains("Invalid token");

    token.clear();
    token.sendKeys(h.token, Keys.ENTER);
    waitFor(By.id("metric-table"));
    assertThat(driver.findElement(By.id("nav")).getText()).contains("Metrics", "Server", "admin");

    WebElement prefix = driver.findElement(By.id("prefix"));
    prefix.sendKeys("web.lat");
    wait(5).until(d -> d.getCurrentUrl().contains("prefix=web.lat"));
    wait(10).until(d -> rowNames().equals(List.of("web.latency")));
    WebElement row = driver.findElement(By.cssSelector("#metric-table tbody tr"));
    assertThat(row.getText()).contains("route=/users", "timer");
    screenshot("metrics");

    driver.findElement(By.id("sign-out")).click();
    waitFor(By.id("token"));
    assertThat(driver.executeScript("return sessionStorage.getItem('hollerith.token')")).isNull();
    driver.get(base + "/#/metrics");
    waitFor(By.id("token"));
  }

  @Test
  void theMetricBrowserPagesByCursorAndTheBackButtonReturns() throws Exception {
    signIn(h.token);
    driver.findElement(By.id("prefix")).sendKeys("paged.");
    wait(10).until(d -> d.getCurrentUrl().contains("prefix=paged."));
    new Select(driver.findElement(By.id("type-filter"))).selectByValue("gauge");
    wait(10).until(d -> d.getCurrentUrl().contains("type=gauge"));
    wait(10).until(d -> rowNames().size() == 50);
    List<String> first = rowNames();
    assertThat(first).allMatch(name -> name.startsWith("paged.g"));
    driver.findElement(By.id("next-page")).click();
    wait(10).until(d -> d.getCurrentUrl().contains("cursor="));
    wait(10).until(d -> !rowNames().isEmpty() && !rowNames().equals(first));
    List<String> second = rowNames();
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < PAGED_SERIES; i++) {
      expected.add(String.format("paged.g%02d", i));
    }
    assertThat(all).isEqualTo(expected);
    assertThat(driver.findElement(By.id("next-page")).isEnabled()).isFalse();
    screenshot("metrics-page-2");
    driver.navigate().back();
    wait(10).until(d -> !d.getCurrentUrl().contains("cursor=") && rowNames().equals(first));
  }

  @Test
  void everyControlHasALabel() throws Exception {
    signIn(h.token);
    String unlabelled =
        "return [...document.querySelectorAll('input, select, button')]"
            + ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label') && !e.textContent.trim())"
            + ".map(e => e.outerHTML).join('\\n')";
    assertThat(driver.executeScript(unlabelled)).as("metrics page").isEqualTo("");
    driver.get(
        base
            + "/#/series?s="
            + URLEncoder.encode("timer|web.latency|route:/users", StandardCharsets.UTF_8)
            + "&s="
            + URLEncoder.encode("counter|web.requests|", StandardCharsets.UTF_8));
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    assertThat(driver.executeScript(unlabelled)).as("series page").isEqualTo("");
    signIn(null);
    assertThat(driver.executeScript(unlabelled)).as("sign-in page").isEqualTo("");
  }

  @Test
  void seriesSummaryEqualsTheApiAndAReferenceAndTheUrlHoldsTheView() throws Exception {
    signIn(h.token);
    driver.findElement(By.id("prefix")).sendKeys("web.latency");
    wait(10).until(d -> rowNames().equals(List.of("web.latency")));
    driver.findElement(By.linkText("web.latency")).click();
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    assertThat(driver.getCurrentUrl()).contains("range=1h");
    assertThat(driver.findElement(By.id("series-status")).getText()).contains("Live", VIEWER_ZONE);
    screenshot("series-1h");

    driver.findElement(By.id("range-7d")).click();
    wait(10).until(d -> d.getCurrentUrl().contains("range=7d"));
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    assertThat(driver.findElement(By.id("range-7d")).getAttribute("aria-pressed"))
        .isEqualTo("true");
    screenshot("series-7d");
    driver.navigate().back();
    wait(10).until(d -> d.getCurrentUrl().contains("range=1h"));
    wait(10)
        .until(d -> "true".equals(d.findElement(By.id("range-1h")).getAttribute("aria-pressed")));

    // A custom range covering every minute sent, typed in the viewer's time zone.
    long from = firstHour - 3600;
    long to = firstHour + HOURS * 3600 + 3600;
    setLocalTime("from", from);
    setLocalTime("to", to);
    driver.findElement(By.id("apply-range")).click();
    wait(10)
        .until(d -> d.getCurrentUrl().contains("from=") && !d.getCurrentUrl().contains("range="));
    wait(10)
        .until(d -> isoOf(from).equals(d.findElement(By.id("chart")).getAttribute("data-start")));
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    assertThat(driver.findElement(By.id("series-status")).getText()).contains("Fixed range");
    screenshot("series-custom");

    Map<String, String> shown = shownSummary(".stat-summary");
    JsonNode summary = apiSummary(driver.findElement(By.id("chart")));
    for (String key :
        List.of(
            "average",
            "min",
            "max",
            "fifthPercentile",
            "ninetyFifthPercentile",
            "ninetyEighthPercentile",
            "count",
            "totalTransactions")) {
      assertThat(Double.parseDouble(shown.get(key))).as(key).isEqualTo(summary.get(key).asDouble());
    }
    Map<String, String> latency = shownSummary(".latency");
    for (String key : List.of("p50", "p90", "p95", "p99", "p999", "min", "max", "count")) {
      assertThat(Double.parseDouble(latency.get(key)))
          .as("latency " + key)
          .isEqualTo(summary.get("latency").get(key).asDouble());
    }

    // The reference: one stored point per hour, valued by its mean; nearest-rank percentiles.
    double[] means = new double[HOURS];
    double total = 0;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (int m = 0; m < HOURS; m++) {
      double[] values = samplesByHour.get(m);
      means[m] = Arrays.stream(values).sum() / values.length;
      total += values.length;
      min = Math.min(min, Arrays.stream(values).min().orElseThrow());
      max = Math.max(max, Arrays.stream(values).max().orElseThrow());
    }
    double[] sorted = means.clone();
    Arrays.sort(sorted);
    assertThat(Double.parseDouble(shown.get("count"))).isEqualTo(HOURS);
    assertThat(Double.parseDouble(shown.get("average")))
        .isCloseTo(Arrays.stream(means).average().orElseThrow(), Offset.offset(1e-9));
    assertThat(Double.parseDouble(shown.get("min"))).isEqualTo(sorted[0]);
    assertThat(Double.parseDouble(shown.get("max"))).isEqualTo(sorted[HOURS - 1]);
    assertThat(Double.parseDouble(shown.get("fifthPercentile"))).isEqualTo(nearestRank(sorted, 5));
    assertThat(Double.parseDouble(shown.get("ninetyFifthPercentile")))
        .isEqualTo(nearestRank(sorted, 95));
    assertThat(Double.parseDouble(shown.get("ninetyEighthPercentile")))
        .isEqualTo(nearestRank(sorted, 98));
    assertThat(Double.parseDouble(shown.get("totalTransactions"))).isEqualTo(total);
    assertThat(Double.parseDouble(latency.get("min"))).isEqualTo(min);
    assertThat(Double.parseDouble(latency.get("max"))).isEqualTo(max);
    assertThat(Double.parseDouble(latency.get("count"))).isEqualTo(total);

    // The view survives a reload: the URL holds it.
    String url = driver.getCurrentUrl();
    driver.navigate().refresh();
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    assertThat(shownSummary(".stat-summary")).isEqualTo(shown);
    assertThat(driver.getCurrentUrl()).isEqualTo(url);

    driver.manage().window().setSize(new Dimension(390, 844));
    driver.navigate().refresh();
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    screenshot("series-phone");
  }

  @Test
  void comparingAddsASecondSeriesToTheChartAndTheUrl() throws Exception {
    signIn(h.token);
    driver.get(
        base
            + "/#/series?s="
            + URLEncoder.encode("timer|web.latency|route:/users", StandardCharsets.UTF_8)
            + "&range=24h");
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    driver.findElement(By.id("compare")).sendKeys("web.req");
    WebElement suggestion = waitFor(By.cssSelector("#compare-options button"));
    assertThat(suggestion.getText()).contains("web.requests", "counter");
    suggestion.click();
    wait(10).until(d -> d.findElements(By.cssSelector("#summary section")).size() == 2);
    assertThat(driver.getCurrentUrl()).contains("s=counter%7Cweb.requests%7C");
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Comparing 2 series");
    screenshot("series-compare");
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    driver.navigate().refresh();
    wait(10).until(d -> d.findElements(By.cssSelector("#summary section")).size() == 2);
    screenshot("series-compare-dark");
    driver.navigate().back();
    wait(10).until(d -> d.findElements(By.cssSelector("#summary section")).size() == 1);

    // Dragging across the chart makes the selection the view's custom range; back undoes it.
    WebElement plot = waitFor(By.cssSelector("#chart .u-over"));
    new Actions(driver)
        .moveToElement(plot, -plot.getSize().getWidth() / 4, 0)
        .clickAndHold()
        .moveByOffset(plot.getSize().getWidth() / 3, 0)
        .release()
        .perform();
    wait(10)
        .until(d -> d.getCurrentUrl().contains("from=") && !d.getCurrentUrl().contains("range="));
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    assertThat(driver.findElement(By.id("series-status")).getText()).contains("Fixed range");
    driver.navigate().back();
    wait(10).until(d -> d.getCurrentUrl().contains("range=24h"));
  }

  @Test
  void theCsvDownloadHoldsTheValuesShown() throws Exception {
    Path downloads = Files.createTempDirectory(dir, "downloads");
    driver.executeCdpCommand(
        "Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", downloads.toString()));
    signIn(h.token);
    driver.get(
        base
            + "/#/series?s="
            + URLEncoder.encode("timer|web.latency|route:/users", StandardCharsets.UTF_8)
            + "&stat=max&from="
            + isoOf(firstHour)
            + "&to="
            + isoOf(firstHour + 5 * 3600));
    waitFor(By.cssSelector("#summary dd[data-key=average]"));
    driver.findElement(By.id("csv")).click();
    Path csv = downloads.resolve("hollerith-web.latency.csv");
    wait(15).until(d -> Files.exists(csv));

    WebElement chart = driver.findElement(By.id("chart"));
    JsonNode values =
        ServerHarness.JSON
            .readTree(
                h.get(
                        "/api/v1/series?metric=web.latency&type=timer&tags="
                            + URLEncoder.encode("route:/users", StandardCharsets.UTF_8)
                            + "&stat=max&startDate="
                            + chart.getAttribute("data-start")
                            + "&endDate="
                            + chart.getAttribute("data-end")
                            + "&interval="
                            + chart.getAttribute("data-interval"))
                    .body())
            .get("response")
            .get("series")
            .get("values");
    List<String> expected = new ArrayList<>(List.of("time,web.latency{route:/users} max"));
    for (JsonNode row : values) {
      expected.add(
          row.get(0).asText()
              + ","
              + (row.get(1).isNull()
                  ? ""
                  : Double.toString(row.get(1).asDouble()).replaceAll("\\.0$", "")));
    }
    assertThat(Files.readAllLines(csv)).isEqualTo(expected);
    assertThat(expected).hasSize(7); // a header and six hours: both ends of the range are inclusive
    double[] first = samplesByHour.get(0);
    assertThat(expected.get(1))
        .isEqualTo(
            isoOf(firstHour)
                + ","
                + Double.toString(Arrays.stream(first).max().orElseThrow())
                    .replaceAll("\\.0$", ""));
  }

  @Test
  void tooManyFailedSignInsShowTheRetryAfterOfThe429() throws Exception {
    try (ServerHarness strict =
        ServerHarness.start(
            dir.resolve("strict"), "http.auth_failure_limit=2", "http.auth_failure_window=10m")) {
      driver.get("http://127.0.0.1:" + strict.server.httpAddress().getPort() + "/");
      WebElement token = waitFor(By.id("token"));
      for (int attempt = 0; attempt < 2; attempt++) {
        token.clear();
        token.sendKeys("hol_wrong" + attempt);
        driver.findElement(By.id("sign-in")).click();
        waitForText(By.id("sign-in-error"), "Sign-in failed");
        driver.executeScript("document.getElementById('sign-in-error').textContent = ''");
      }
      token.clear();
      token.sendKeys("hol_wrong-again");
      driver.findElement(By.id("sign-in")).click();
      String message = waitForText(By.id("sign-in-error"), "Too many failed sign-ins");
      assertThat(message)
          .matches("Too many failed sign-ins from this address\\. Try again in \\d+ s\\.");
      long seconds = Long.parseLong(message.replaceAll("\\D", ""));
      assertThat(seconds).isBetween(1L, 600L);
      screenshot("sign-in-429");
      token.clear();
      token.sendKeys(strict.token, Keys.ENTER); // a valid token is admitted even from this address
      waitFor(By.id("sign-out"));
    }
  }

  @Test
  void aRangeEndingNowRefreshesByItselfEveryFlushInterval() throws Exception {
    try (ServerHarness live =
            ServerHarness.start(
                dir.resolve("live"), "aggregation.flush_interval=1s", "storage.retention=1s:1h");
        DatagramSocket socket = new DatagramSocket()) {
      int port = live.server.ingestAddresses().udp().getPort();
      send(socket, port, "live.hits:1|c\n");
      live.awaitSamples(1);
      live.flushAndStore();
      driver.get(
          "http://127.0.0.1:"
              + live.server.httpAddress().getPort()
              + "/#/series?s="
              + URLEncoder.encode("counter|live.hits|", StandardCharsets.UTF_8)
              + "&range=15m");
      waitFor(By.id("token")).sendKeys(live.token, Keys.ENTER);
      wait(15).until(d -> "1".equals(totalShown()));
      assertThat(driver.findElement(By.id("series-status")).getText())
          .contains("Live: updates every 1 s", " points of 10s ");
      send(socket, port, "live.hits:2|c\n");
      live.awaitSamples(2);
      live.flushAndStore();
      // No click, no reload: the page fetches again on its own.
      wait(20).until(d -> "3".equals(totalShown()));
    }
  }

  @Test
  void aRevokedTokenEndsTheSessionAndAsksToSignInAgain() throws Exception {
    String token;
    try (AuthStore auth =
        AuthStore.openSqlite(
            h.server.dataDir().resolve(AuthStore.SQLITE_FILE), Clock.systemUTC())) {
      token = auth.addUser("sam", Role.READER, "root", null).secret();
    }
    signIn(token);
    waitFor(By.id("metric-table"));
    try (AuthStore auth =
        AuthStore.openSqlite(
            h.server.dataDir().resolve(AuthStore.SQLITE_FILE), Clock.systemUTC())) {
      assertThat(auth.revokeTokens("sam")).isEqualTo(1);
    }
    new Select(driver.findElement(By.id("type-filter"))).selectByValue("timer");
    waitForText(By.tagName("main"), "Your session ended");
    assertThat(driver.findElement(By.tagName("main")).getText()).contains("Invalid token");
    assertThat(driver.executeScript("return sessionStorage.getItem('hollerith.token')")).isNull();
    assertThat(driver.findElement(By.id("nav")).getText()).isEmpty();
  }

  @Test
  void aRequestTheApiRefusesShowsItsMessage() throws Exception {
    signIn(h.token);
    driver.get(
        base
            + "/#/series?s="
            + URLEncoder.encode("timer|web.latency|route:/users", StandardCharsets.UTF_8)
            + "&range=1y&interval=1m");
    assertThat(waitForText(By.id("series-error"), "too many buckets")).contains("at most 100000");
    driver.get(
        base
            + "/#/series?s="
            + URLEncoder.encode("counter|no.such.series|", StandardCharsets.UTF_8));
    assertThat(waitForText(By.id("series-error"), "No such series")).contains("no.such.series");
  }

  @Test
  void aChartOfFiftyThousandPointsIsDrawn() throws Exception {
    signIn(h.token);
    long to = firstHour + HOURS * 3600;
    long from = to - 49_999 * 60;
    driver.get(
        base
            + "/#/series?s="
            + URLEncoder.encode("timer|web.latency|route:/users", StandardCharsets.UTF_8)
            + "&from="
            + isoOf(from)
            + "&to="
            + isoOf(to)
            + "&interval=1m");
    assertThat(waitForText(By.id("series-status"), "points"))
        .containsPattern("\\b50[,.\u00a0\u202f ]?000 points of 1m");
    assertThat(driver.findElements(By.cssSelector("#chart canvas"))).hasSize(1);
    assertThat(shownSummary(".stat-summary").get("count")).isEqualTo(String.valueOf(HOURS));
  }

  @Test
  void theAutomaticIntervalKeepsAChartWithinTwoThousandPoints() throws Exception {
    signIn(h.token);
    long[] intervals = {10, 30, 60, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800};
    String[] names = {
      "10s", "30s", "1m", "5m", "10m", "15m", "30m", "1h", "3h", "6h", "12h", "1d", "1w"
    };
    long flushSeconds = 3600;
    for (Map.Entry<String, Long> range :
        Map.of("24h", 86_400L, "30d", 2_592_000L, "1y", 31_536_000L).entrySet()) {
      // The finest interval not below the flush interval (the finest stored precision) that the API
      // accepts (whole minutes or multiples of that precision) and that gives at most 2,000 points.
      int pick = 0;
      while (intervals[pick] < flushSeconds
          || (intervals[pick] % 60 != 0 && intervals[pick] % flushSeconds != 0)
          || range.getValue() / intervals[pick] + 1 > 2000) {
        pick++;
      }
      driver.get(
          base
              + "/#/series?s="
              + URLEncoder.encode("counter|web.requests|", StandardCharsets.UTF_8)
              + "&range="
              + range.getKey());
      driver.navigate().refresh();
      String status = waitForText(By.id("series-status"), "points");
      assertThat(status).as(range.getKey()).contains(" points of " + names[pick] + " ");
      long points =
          Long.parseLong(
              status
                  .replaceAll("^.*· ([0-9,.\u00a0\u202f ]+) points.*$", "$1")
                  .replaceAll("\\D", ""));
      assertThat(points).as(range.getKey()).isBetween(range.getValue() / intervals[pick], 2000L);
      assertThat(driver.findElement(By.cssSelector("#interval option[value=auto]")).getText())
          .isEqualTo("Auto (" + names[pick] + ")");
    }
  }

  private String totalShown() {
    return (String)
        driver.executeScript(
            "const dd = document.querySelector('#summary dd[data-key=totalTransactions]');"
                + " return dd ? dd.dataset.value : null;");
  }

  /** Signs in with the token; with null, stops at the sign-in form. */
  private void signIn(String token) {
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

  /** The names in the metric table, read in one step (the table may be replaced at any moment). */
  @SuppressWarnings("unchecked")
  private List<String> rowNames() {
    return (List<String>)
        driver.executeScript(
            "return [...document.querySelectorAll('#metric-table tbody tr td:first-child')].map(td => td.textContent)");
  }

  private Map<String, String> shownSummary(String list) {
    Map<String, String> values = new HashMap<>();
    for (WebElement dd : driver.findElements(By.cssSelector("#summary " + list + " dd"))) {
      values.put(dd.getAttribute("data-key"), dd.getAttribute("data-value"));
    }
    return values;
  }

  /** The API's summary for exactly the range and interval the page asked for. */
  private JsonNode apiSummary(WebElement chart) throws Exception {
    String query =
        "/api/v1/series?metric=web.latency&type=timer&tags="
            + URLEncoder.encode("route:/users", StandardCharsets.UTF_8)
            + "&stat=mean&startDate="
            + chart.getAttribute("data-start")
            + "&endDate="
            + chart.getAttribute("data-end")
            + "&interval="
            + chart.getAttribute("data-interval");
    var response = h.get(query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ServerHarness.JSON.readTree(response.body()).get("response").get("summary");
  }

  /** Types an instant into a datetime-local input as the viewer's clock shows it. */
  private void setLocalTime(String id, long epochSeconds) {
    String local =
        LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSeconds), ZoneId.of(VIEWER_ZONE))
            .toString()
            .substring(0, 16);
    driver.executeScript(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
            + " e.dispatchEvent(new Event('input', {bubbles: true}));",
        id,
        local);
  }

  private static String isoOf(long epochSeconds) {
    return Instant.ofEpochSecond(epochSeconds).toString();
  }

  private static double nearestRank(double[] sorted, double p) {
    return sorted[(int) Math.floor(sorted.length * p / 100.0 + 0.5) - 1];
  }

  private WebElement waitFor(By locator) {
    return browser.waitFor(locator);
  }

  private String waitForText(By locator, String text) {
    return browser.waitForText(locator, text);
  }

  private WebDriverWait wait(int seconds) {
    return browser.wait(seconds);
  }

  private void screenshot(String page) throws IOException {
    browser.screenshot(page);
  }
}
