package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * A chart of 50,000 stored points in a real headless Chromium: a counter with one backfilled sample
 * a minute for 50,000 minutes, sent over UDP and stored through the flusher and the store sink,
 * charted at a one-minute interval. The chart must report every point (the page's status and
 * uPlot's data), a drag across it must narrow the URL's range to what the points in it show, the
 * back button must bring the whole chart back, and Earlier/Later and the arrow keys must move the
 * URL's range by half or a quarter of its width and show the points stored in the new range.
 *
 * <p>The browser's own figures are written, never asserted, to {@link #TIMINGS} (appended, one
 * block per run): the first contentful paint of the dashboard after sign-in, the time from
 * navigation to the 50,000-point chart drawn (and its series request), uPlot's redraw of it at a
 * new x scale, a zoom by dragging until the zoomed chart is drawn, the back button until the whole
 * chart is drawn again, and a pan of the whole chart: its immediate redraw from the points loaded,
 * and until the new range's points are drawn. BENCHMARKS.md records them.
 */
class DashboardLargeChartBrowserTest {

  static final Path TIMINGS = Path.of("target", "dashboard-timings.txt");
  private static final int POINTS = 50_000;
  private static final String SERIES = "counter|big.requests|";

  /**
   * Counter lines per UDP datagram, and datagrams sent before waiting for the parser to catch up.
   */
  private static final int LINES_PER_PACKET = 40;

  private static final int PACKETS_PER_BATCH = 50;

  @TempDir static Path dir;

  private static ServerHarness h;
  private static String base;

  /** The start of the first stored minute (epoch seconds); point i is at first + 60 i. */
  private static long first;

  @BeforeAll
  static void startServer() throws Exception {
    DashboardBrowser.requireChromium();
    // One-minute intervals kept 60 days: 50,000 minutes (34.7 days) are all backfillable and kept;
    // the backlog must hold every backfilled interval one flush releases. Each is a transaction of
    // its own, which without an fsync per commit takes seconds rather than minutes.
    h =
        ServerHarness.start(
            dir.resolve("data"),
            "aggregation.flush_interval=1m",
            "storage.retention=1m:60d",
            "storage.max_backlog=60d",
            "storage.sqlite_synchronous=NORMAL");
    base = "http://127.0.0.1:" + h.server.httpAddress().getPort();
    first = (System.currentTimeMillis() / 60_000 - POINTS - 1) * 60;
    sendMinutes();
    h.server.flusher().flushNow();
    assertThat(h.server.storeSink().awaitDrained(Duration.ofMinutes(10)))
        .as("store drained")
        .isTrue();
  }

  /** The counter's increment in minute i: a daily wave with some jitter, never zero. */
  private static long valueAt(int i) {
    return 1000 + Math.round(400 * Math.sin(2 * Math.PI * i / 1440)) + (i * 37L) % 101;
  }

  /**
   * Sends one timestamped increment per minute over UDP, pausing until the parser has read each
   * batch.
   */
  private static void sendMinutes() throws Exception {
    int port = h.server.ingestAddresses().udp().getPort();
    try (DatagramSocket socket = new DatagramSocket()) {
      StringBuilder packet = new StringBuilder();
      int packets = 0;
      for (int i = 0; i < POINTS; i++) {
        packet
            .append("big.requests:")
            .append(valueAt(i))
            .append("|c|T")
            .append(first + 60L * i)
            .append('\n');
        if ((i + 1) % LINES_PER_PACKET == 0 || i == POINTS - 1) {
          byte[] bytes = packet.toString().getBytes(StandardCharsets.UTF_8);
          socket.send(
              new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
          packet.setLength(0);
          if (++packets % PACKETS_PER_BATCH == 0) {
            h.awaitSamples(i + 1);
          }
        }
      }
    }
    h.awaitSamples(POINTS);
  }

  @AfterAll
  static void stopServer() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aChartOfFiftyThousandStoredPointsZoomsByDraggingAndComesBack() throws Exception {
    Map<String, Object> timings = new LinkedHashMap<>();
    try (DashboardBrowser browser = new DashboardBrowser(base, "largeChart", dir, "UTC")) {
      ChromeDriver driver = browser.driver;
      browser.signIn(h.token);
      // A fresh load of the signed-in dashboard: its paint timings start at this navigation.
      driver.navigate().refresh();
      browser.waitFor(By.id("metric-table"));
      timings.put(
          "shell_first_contentful_paint_ms",
          script(
              driver,
              "return performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint').startTime"));
      timings.put(
          "shell_dom_content_loaded_ms",
          script(
              driver,
              "return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"));
      timings.put(
          "shell_metric_list_received_ms",
          script(
              driver,
              "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/metrics')).pop().responseEnd"));

      long to = first + 60L * (POINTS - 1);
      // From another document, so that the chart's page is a fresh load (its timings start there).
      driver.get("about:blank");
      driver.get(
          base
              + "/#/series?s="
              + URLEncoder.encode(SERIES, StandardCharsets.UTF_8)
              + "&from="
              + Instant.ofEpochSecond(first)
              + "&to="
              + Instant.ofEpochSecond(to)
              + "&interval=1m");
      assertThat(pointsShown(browser)).isEqualTo(POINTS);
      assertThat(
              script(
                  driver,
                  "return Hollerith.chartIn(document.getElementById('chart')).data[0].length"))
          .isEqualTo((long) POINTS);
      assertThat(
              script(
                  driver,
                  "return Hollerith.chartIn(document.getElementById('chart')).data[1].filter(v => v !== null).length"))
          .isEqualTo((long) POINTS);
      assertThat(
              browser
                  .waitFor(By.cssSelector("#summary dd[data-key=count]"))
                  .getAttribute("data-value"))
          .isEqualTo(String.valueOf(POINTS));
      timings.put("chart_50000_drawn_after_navigation_ms", drawnMark(driver, POINTS));
      timings.put(
          "chart_50000_series_request_ms",
          script(
              driver,
              "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/series')).pop().duration"));
      timings.put(
          "chart_50000_drawn_after_response_ms",
          script(
              driver,
              "return performance.getEntriesByName('hollerith.chart.drawn')[0].startTime"
                  + " - performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/series')).pop().responseEnd"));
      timings.putAll(redraws(driver));
      browser.screenshot("chart-50000");

      // Dragging across the middle third selects a range: the URL holds it, the chart its minutes.
      String wholeUrl = driver.getCurrentUrl();
      WebElement plot = browser.waitFor(By.cssSelector("#chart .u-over"));
      int width = plot.getSize().getWidth();
      new Actions(driver)
          .moveToElement(plot, -width / 6, 0)
          .clickAndHold()
          .moveByOffset(width / 3, 0)
          .release()
          .perform();
      browser.until(d -> !d.getCurrentUrl().equals(wholeUrl));
      long start = Instant.parse(urlParameter(driver.getCurrentUrl(), "from")).getEpochSecond();
      long end = Instant.parse(urlParameter(driver.getCurrentUrl(), "to")).getEpochSecond();
      assertThat(start).isGreaterThan(first);
      assertThat(end).isLessThan(to);
      long buckets = (end - start) / 60 + 1;
      long stored = storedBetween(start, end);
      assertThat(buckets).isBetween((long) POINTS / 5, (long) POINTS / 2);
      browser.until(d -> pointsShown(browser) == buckets);
      assertThat(
              script(
                  driver,
                  "return Hollerith.chartIn(document.getElementById('chart')).data[0].length"))
          .isEqualTo(buckets);
      assertThat(
              browser
                  .waitFor(By.cssSelector("#summary dd[data-key=count]"))
                  .getAttribute("data-value"))
          .isEqualTo(String.valueOf(stored));
      assertThat(
              script(
                  driver,
                  "return performance.getEntriesByName('hollerith.chart.drawn')[0].detail.points"))
          .isEqualTo(buckets);
      timings.put(
          "zoom_drag_to_chart_drawn_ms",
          script(
              driver,
              "const drawn = performance.getEntriesByName('hollerith.chart.drawn')[0];"
                  + " return drawn.startTime - performance.getEntriesByName('hollerith.chart.zoom')[0].startTime"));
      timings.put(
          "zoom_setScale_redraw_ms",
          script(
              driver,
              "return performance.getEntriesByName('hollerith.chart.zoom.redraw')[0].duration"));
      timings.put("zoomed_points", buckets);
      browser.screenshot("chart-zoomed");

      // Back resets the view to the whole range (its data asked again of a server that has answered
      // before).
      script(driver, "performance.mark('test.back')");
      driver.navigate().back();
      browser.until(d -> d.getCurrentUrl().equals(wholeUrl));
      browser.until(d -> pointsShown(browser) == POINTS);
      assertThat(
              script(
                  driver,
                  "return Hollerith.chartIn(document.getElementById('chart')).data[0].length"))
          .isEqualTo((long) POINTS);
      timings.put(
          "back_to_chart_50000_drawn_ms",
          script(
              driver,
              "return performance.getEntriesByName('hollerith.chart.drawn')[0].startTime"
                  + " - performance.getEntriesByName('test.back')[0].startTime"));
      timings.put(
          "back_chart_50000_series_request_ms",
          script(
              driver,
              "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/series')).pop().duration"));

      // Earlier moves the whole range back by half its width; the chart moves at once with the
      // points
      // it holds, then shows the stored points of the new range.
      long half = (to - first) / 2;
      driver.findElement(By.id("pan-earlier")).click();
      browser.until(d -> !d.getCurrentUrl().equals(wholeUrl));
      assertRange(driver, first - half, to - half);
      long storedEarlier = storedBetween(first - half, to - half);
      browser.until(
          d ->
              String.valueOf(storedEarlier)
                  .equals(
                      d.findElement(By.cssSelector("#summary dd[data-key=count]"))
                          .getAttribute("data-value")));
      timings.put(
          "pan_setScale_redraw_50000_ms",
          script(
              driver,
              "return performance.getEntriesByName('hollerith.chart.pan.redraw')[0].duration"));
      timings.put(
          "pan_to_chart_drawn_ms",
          script(
              driver,
              "return performance.getEntriesByName('hollerith.chart.drawn')[0].startTime"
                  + " - performance.getEntriesByName('hollerith.chart.pan')[0].startTime"));
      browser.screenshot("chart-panned");
      String earlierUrl = driver.getCurrentUrl();
      driver.findElement(By.id("pan-later")).click();
      browser.until(d -> !d.getCurrentUrl().equals(earlierUrl));
      assertRange(driver, first, to);
      browser.until(d -> pointsShown(browser) == POINTS);
    }
    record(timings);
  }

  @Test
  void earlierLaterAndTheArrowKeysMoveTheRangeAndBackReturns() throws Exception {
    try (DashboardBrowser browser = new DashboardBrowser(base, "pan", dir, "UTC")) {
      ChromeDriver driver = browser.driver;
      browser.signIn(h.token);
      // 10,000 minutes inside the stored ones: a quarter of the width is 2,500 minutes.
      long start = first + 60L * 20_000;
      long end = start + 60L * 10_000;
      long quarter = (end - start) / 4;
      driver.get(
          base
              + "/#/series?s="
              + URLEncoder.encode(SERIES, StandardCharsets.UTF_8)
              + "&from="
              + Instant.ofEpochSecond(start)
              + "&to="
              + Instant.ofEpochSecond(end)
              + "&interval=1m");
      browser.until(d -> pointsShown(browser) == storedBetween(start, end));
      assertThat(browser.driver.findElement(By.id("pan-later")).isEnabled()).isTrue();
      assertThat(browser.unlabelledControls()).isEmpty();

      WebElement chart = driver.findElement(By.id("chart"));
      assertThat(chart.getAttribute("tabindex")).isEqualTo("0");
      assertThat(chart.getAttribute("aria-label")).contains("arrow keys");
      script(driver, "document.getElementById('chart').focus()");
      pressAndCheck(browser, Keys.ARROW_LEFT, start - quarter, end - quarter);
      pressAndCheck(browser, Keys.ARROW_RIGHT, start, end);
      pressAndCheck(browser, Keys.ARROW_RIGHT, start + quarter, end + quarter);
      assertThat(script(driver, "return document.activeElement.id")).isEqualTo("chart");

      // Later by half the width; the interval stays the one chosen.
      String before = driver.getCurrentUrl();
      driver.findElement(By.id("pan-later")).click();
      browser.until(d -> !d.getCurrentUrl().equals(before));
      assertRange(driver, start + quarter + 2 * quarter, end + quarter + 2 * quarter);
      assertThat(urlParameter(driver.getCurrentUrl(), "interval")).isEqualTo("1m");
      browser.until(
          d -> pointsShown(browser) == storedBetween(start + 3 * quarter, end + 3 * quarter));

      // Back steps through the ranges shown.
      driver.navigate().back();
      browser.until(d -> d.getCurrentUrl().equals(before));
      assertRange(driver, start + quarter, end + quarter);
      browser.until(d -> pointsShown(browser) == storedBetween(start + quarter, end + quarter));
      driver.navigate().back();
      browser.until(d -> !d.getCurrentUrl().equals(before));
      assertRange(driver, start, end);
      browser.until(d -> pointsShown(browser) == storedBetween(start, end));

      // A range ending now is live: Later is unavailable; Earlier makes it a fixed range as wide.
      driver.get(
          base + "/#/series?s=" + URLEncoder.encode(SERIES, StandardCharsets.UTF_8) + "&range=24h");
      browser.waitForText(By.id("series-status"), "Live");
      assertThat(driver.findElement(By.id("pan-later")).isEnabled()).isFalse();
      String live = driver.getCurrentUrl();
      driver.findElement(By.id("pan-earlier")).click();
      browser.until(d -> !d.getCurrentUrl().equals(live));
      Instant from = Instant.parse(urlParameter(driver.getCurrentUrl(), "from"));
      Instant until = Instant.parse(urlParameter(driver.getCurrentUrl(), "to"));
      assertThat(Duration.between(from, until)).isEqualTo(Duration.ofDays(1));
      assertThat(until).isBefore(Instant.now().minus(Duration.ofHours(11)));
      browser.waitForText(By.id("series-status"), "Fixed range");
      assertThat(driver.findElement(By.id("pan-later")).isEnabled()).isTrue();
      driver.navigate().back();
      browser.until(d -> d.getCurrentUrl().equals(live));
      browser.waitForText(By.id("series-status"), "Live");
      browser.assertNoScriptErrors();
    }
  }

  /**
   * Presses key on the focused chart and checks the URL's new range and the points shown for it.
   */
  private static void pressAndCheck(DashboardBrowser browser, Keys key, long start, long end) {
    String before = browser.driver.getCurrentUrl();
    new Actions(browser.driver).sendKeys(key).perform();
    browser.until(d -> !d.getCurrentUrl().equals(before));
    assertRange(browser.driver, start, end);
    browser.until(d -> pointsShown(browser) == storedBetween(start, end));
  }

  /** The URL's range is [start, end] (epoch seconds). */
  private static void assertRange(ChromeDriver driver, long start, long end) {
    assertThat(Instant.parse(urlParameter(driver.getCurrentUrl(), "from")))
        .isEqualTo(Instant.ofEpochSecond(start));
    assertThat(Instant.parse(urlParameter(driver.getCurrentUrl(), "to")))
        .isEqualTo(Instant.ofEpochSecond(end));
  }

  /** The stored minutes in [start, end] (epoch seconds). */
  private static long storedBetween(long start, long end) {
    long count = 0;
    for (int i = 0; i < POINTS; i++) {
      long t = first + 60L * i;
      if (t >= start && t <= end) {
        count++;
      }
    }
    return count;
  }

  /**
   * uPlot's redraw of the 50,000-point chart at a new x scale, timed synchronously around {@code
   * batch(setScale)}: zoomed to a tenth of the range and back to all of it, five times each; the
   * median of each.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> redraws(ChromeDriver driver) {
    List<Number> times =
        (List<Number>)
            driver.executeScript(
                "const u = Hollerith.chartIn(document.getElementById('chart'));"
                    + " const xs = u.data[0], lo = xs[0], hi = xs[xs.length - 1], tenth = (hi - lo) / 10;"
                    + " const zoomIn = [], zoomOut = [];"
                    + " const time = (min, max) => { const t = performance.now(); u.batch(() => u.setScale('x', { min, max })); return performance.now() - t; };"
                    + " for (let i = 0; i < 5; i++) { zoomIn.push(time(lo + 4 * tenth, lo + 5 * tenth)); zoomOut.push(time(lo, hi)); }"
                    + " const median = (a) => a.sort((x, y) => x - y)[2];"
                    + " return [median(zoomIn), median(zoomOut)];");
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("redraw_setScale_5000_of_50000_median_ms", times.get(0));
    figures.put("redraw_setScale_50000_median_ms", times.get(1));
    return figures;
  }

  /**
   * Milliseconds from navigation start to the last chart draw, which must have drawn {@code
   * points}.
   */
  private static Object drawnMark(ChromeDriver driver, long points) {
    assertThat(
            script(
                driver,
                "return performance.getEntriesByName('hollerith.chart.drawn')[0].detail.points"))
        .isEqualTo(points);
    return script(
        driver, "return performance.getEntriesByName('hollerith.chart.drawn')[0].startTime");
  }

  /** The number of points the page's status line reports, once it reports one. */
  private static long pointsShown(DashboardBrowser browser) {
    String status = browser.waitForText(By.id("series-status"), " points of ");
    Matcher m = Pattern.compile("· ([0-9,.\u00a0\u202f ]+) points of").matcher(status);
    assertThat(m.find()).as(status).isTrue();
    return Long.parseLong(m.group(1).replaceAll("\\D", ""));
  }

  private static String urlParameter(String url, String name) {
    for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
      if (pair.startsWith(name + "=")) {
        return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no " + name + " in " + url);
  }

  private static Object script(ChromeDriver driver, String script) {
    return driver.executeScript(script);
  }

  /** Appends this run's figures, with the time and the machine's load, to {@link #TIMINGS}. */
  private static void record(Map<String, Object> timings) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# "
            + Instant.now()
            + " loadavg "
            + Files.readString(Path.of("/proc/loadavg")).trim()
            + " cores "
            + Runtime.getRuntime().availableProcessors());
    timings.forEach((name, value) -> lines.add(name + " " + value));
    lines.add("");
    Files.write(
        TIMINGS,
        lines,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
