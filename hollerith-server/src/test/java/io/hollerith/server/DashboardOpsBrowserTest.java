package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Role;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
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
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard's operations pages in a real headless Chromium against a whole server that received
 * metrics and bad lines over UDP: the server page's figures and charts of the node's own series,
 * the workers and tasks with an admin's revoke, the thread and buffer-pool views and the data
 * directory's files with an admin's delete, each checked against figures this test computes or
 * reads itself; a reader and a support user see what their permissions allow and a reader opening a
 * page by URL sees only the API's "not permitted". Screenshots of every page, light, dark and at
 * phone width, land in {@code target/dashboard-screenshots/}.
 */
class DashboardOpsBrowserTest {

  private static final String VIEWER_ZONE = "Europe/Berlin";

  /** Distinct counters sent; with no other series they are the live series at the flush. */
  private static final int SERIES = 12;

  private static final int BAD_LINES = 7;
  private static final List<String> OPS_PAGES = List.of("server", "tasks", "debug", "files");

  @TempDir static Path dir;

  private static ServerHarness h;
  private static String base;
  private static String readerToken;
  private static String supportToken;

  private DashboardBrowser browser;

  @BeforeAll
  static void startServer() throws Exception {
    DashboardBrowser.requireChromium();
    h = ServerHarness.start(dir.resolve("data"));
    base = "http://127.0.0.1:" + h.server.httpAddress().getPort();
    try (AuthStore auth =
        AuthStore.openSqlite(
            h.server.dataDir().resolve(AuthStore.SQLITE_FILE), Clock.systemUTC())) {
      readerToken = auth.addUser("rita", Role.READER, "root", null).secret();
      supportToken = auth.addUser("sam", Role.SUPPORT, "root", null).secret();
    }
    Path notes = Files.createDirectories(h.server.dataDir().resolve("notes"));
    Files.writeString(notes.resolve("a.txt"), "hello");
    int port = h.server.ingestAddresses().udp().getPort();
    StringBuilder packet = new StringBuilder();
    for (int i = 0; i < SERIES; i++) {
      packet.append("ops.c").append(i).append(":1|c\n");
    }
    for (int i = 0; i < BAD_LINES; i++) {
      packet.append("not a statsd line ").append(i).append('\n');
    }
    try (DatagramSocket socket = new DatagramSocket()) {
      byte[] bytes = packet.toString().getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }
    h.awaitSamples(SERIES);
    await("the bad lines to be counted")
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.server.stats().value("messages", "bad_lines_seen").longValue() >= BAD_LINES);
    h.flushAndStore();
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
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  @Test
  void theServerPageShowsTheNodesFiguresAndChartsOfItsOwnSeries() throws Exception {
    browser.signIn(h.token);
    browser.driver.findElement(By.cssSelector("#nav a[href='#/server']")).click();
    WebElement badLines = chartFigure("Bad lines");
    assertThat(badLines.getAttribute("data-value")).isEqualTo(String.valueOf(BAD_LINES));
    assertThat(badLines.getText()).isEqualTo("total " + BAD_LINES);
    assertThat(chartFigure("Live series").getAttribute("data-value"))
        .isEqualTo(String.valueOf(SERIES));
    assertThat(panel("Bad lines").findElement(By.className("chart-empty")).isDisplayed()).isFalse();
    assertThat(panel("Bad lines").findElements(By.tagName("canvas"))).hasSize(1);
    assertHeapTicksAreRoundMebibytes();

    JsonNode served = ServerHarness.JSON.readTree(h.get("/stats").body()).get("hollerith");
    assertThat(headline("messages.bad_lines_seen")).isEqualTo(String.valueOf(BAD_LINES));
    assertThat(headline("aggregate.live_series"))
        .isEqualTo(served.get("aggregate").get("live_series").asText());
    assertThat(headline("udp.kernel_drops"))
        .isEqualTo(served.get("udp").get("kernel_drops").asText());

    // The /stats tables start collapsed; opening one shows its figures, and it stays open across
    // refreshes.
    WebElement messages =
        browser.driver.findElement(By.cssSelector("#server-stats details[data-category=messages]"));
    assertThat(messages.getAttribute("open")).isNull();
    assertThat(messages.findElement(By.tagName("table")).isDisplayed()).isFalse();
    browser.screenshot("server");
    messages.findElement(By.tagName("summary")).click();
    assertThat(messages.findElement(By.tagName("table")).getText())
        .contains("samples_parsed", "bad_lines_seen");

    browser.driver.findElement(By.id("server-range-24h")).click();
    browser.until(d -> d.getCurrentUrl().endsWith("#/server?range=24h"));
    assertThat(browser.waitFor(By.id("server-range-24h")).getAttribute("aria-pressed"))
        .isEqualTo("true");
    assertThat(chartFigure("Bad lines").getAttribute("data-value"))
        .isEqualTo(String.valueOf(BAD_LINES));
    assertThat(browser.unlabelledControls()).isEmpty();
    assertEveryControlIsReachableByTab();

    browser.darkTheme(true);
    browser.driver.navigate().refresh();
    chartFigure("Bad lines");
    browser.screenshot("server-dark");
    browser.driver.manage().window().setSize(DashboardBrowser.PHONE);
    browser.driver.navigate().refresh();
    chartFigure("Bad lines");
    assertHeaderFitsOnOneLineOfItsOwn();
    browser.screenshot("server-phone-dark");
    browser.driver.manage().window().setSize(new Dimension(320, 640));
    browser.driver.navigate().refresh();
    chartFigure("Bad lines");
    browser.screenshot("server-320-dark");
    assertHeaderFitsOnOneLineOfItsOwn();
  }

  @Test
  void aSeriesChartWithoutDataInItsRangeSaysSo() throws Exception {
    browser.signIn(h.token);
    Instant to = Instant.now().minusSeconds(300 * 86_400L);
    browser.open(
        "series?s="
            + URLEncoder.encode("counter|ops.c0|", StandardCharsets.UTF_8)
            + "&from="
            + to.minusSeconds(86_400)
            + "&to="
            + to);
    WebElement empty = browser.waitFor(By.cssSelector("#chart .chart-empty"));
    assertThat(empty.getText()).isEqualTo("No data in this range");
    browser.screenshot("series-empty");
    browser.open(
        "series?s=" + URLEncoder.encode("counter|ops.c0|", StandardCharsets.UTF_8) + "&range=24h");
    browser.until(
        d ->
            !d.findElements(By.cssSelector("#summary dd[data-key=count]")).isEmpty()
                && !d.findElement(By.cssSelector("#summary dd[data-key=count]"))
                    .getText()
                    .equals("0"));
    assertThat(browser.driver.findElement(By.cssSelector("#chart .chart-empty")).isDisplayed())
        .isFalse();
  }

  @Test
  void anAdminRevokesAScheduledTaskAfterConfirmingIt() throws Exception {
    JsonNode scheduled =
        ServerHarness.JSON
            .readTree(
                h.get("/api/stats/tasks/?state=scheduled&job_id=hollerith.table-growth").body())
            .get("tasks");
    assertThat(scheduled).hasSize(1);
    String id = scheduled.get(0).get("id").asText();

    browser.signIn(h.token);
    browser.driver.findElement(By.cssSelector("#nav a[href='#/tasks']")).click();
    browser.waitFor(By.cssSelector("#task-table tr[data-task='" + id + "']"));
    assertThat(
            browser
                .waitFor(By.cssSelector("#workers [data-worker='hollerith@test-node']"))
                .getText())
        .contains("hollerith@test-node", "http workers", "job threads");
    assertThat(browser.unlabelledControls()).isEmpty();
    assertEveryControlIsReachableByTab();
    browser.screenshot("tasks");

    browser.driver.findElement(By.id("task-state")).sendKeys("scheduled");
    browser.until(d -> d.getCurrentUrl().contains("state=scheduled"));
    WebElement job = browser.waitFor(By.id("task-job"));
    job.sendKeys("hollerith.table-growth", Keys.ENTER);
    browser.until(
        d ->
            d.getCurrentUrl().contains("job=hollerith.table-growth")
                && d.findElements(By.cssSelector("#task-table tbody tr")).size() == 1);
    assertThat(rowIds()).containsExactly(id);

    // Cancel leaves the task alone; confirming revokes it and says so.
    browser.driver.findElement(By.id("revoke-" + id)).click();
    browser.waitFor(By.id("confirm-revoke-" + id));
    browser.screenshot("tasks-confirm");
    browser
        .driver
        .findElement(By.xpath("//tr[@data-task='" + id + "']//button[text()='Cancel']"))
        .click();
    browser.waitFor(By.id("revoke-" + id));
    assertThat(taskState(id)).isEqualTo("scheduled");

    browser.driver.findElement(By.id("revoke-" + id)).click();
    browser.waitFor(By.id("confirm-revoke-" + id)).click();
    assertThat(browser.waitForText(By.id("revoke-result"), "revoked"))
        .isEqualTo("Task " + id + " of hollerith.table-growth is revoked.");
    assertThat(taskState(id)).isEqualTo("revoked");
    // The list still shows scheduled tasks only: the job's next run, not the revoked one.
    browser.until(d -> !rowIds().isEmpty() && !rowIds().contains(id));
    browser.screenshot("tasks-revoked");

    browser.open("tasks?state=revoked");
    browser.waitFor(By.cssSelector("#task-table tr[data-task='" + id + "'][data-state=revoked]"));
    assertThat(browser.driver.findElements(By.id("revoke-" + id))).isEmpty();
    browser.darkTheme(true);
    browser.driver.navigate().refresh();
    browser.waitFor(By.cssSelector("#task-table tr[data-task='" + id + "']"));
    browser.screenshot("tasks-dark");
    browser.driver.manage().window().setSize(DashboardBrowser.PHONE);
    browser.screenshot("tasks-phone-dark");
  }

  @Test
  void aSupportUserSeesTheTasksAndFilesButNoRevokeOrDeleteButton() throws Exception {
    browser.signIn(supportToken);
    assertThat(browser.driver.findElement(By.id("nav")).getText())
        .contains("Server", "Tasks", "Debug", "Files");
    browser.open("tasks?state=scheduled");
    browser.waitFor(By.cssSelector("#task-table tbody tr"));
    assertThat(browser.driver.findElements(By.cssSelector("#task-table button"))).isEmpty();
    assertThat(browser.driver.findElement(By.cssSelector("#task-table thead")).getText())
        .doesNotContain("Action");
    browser.open("files");
    browser.waitFor(By.id("files-table"));
    assertThat(browser.driver.findElements(By.cssSelector("#files-table button"))).isEmpty();
    assertThat(browser.driver.findElement(By.cssSelector("#files-table thead")).getText())
        .doesNotContain("Action");
  }

  @Test
  void theDebugPageGroupsTheThreadsAndShowsTheBufferPools() throws Exception {
    browser.signIn(h.token);
    browser.driver.findElement(By.cssSelector("#nav a[href='#/debug']")).click();
    browser.waitFor(By.cssSelector("#thread-groups details"));
    Set<String> live = new HashSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> live.add(t.getName()));
    assertThat(live).contains("hollerith-store-writer");
    WebElement writer =
        browser.driver.findElement(
            By.xpath(
                "//div[@id='thread-groups']//details[.//p[contains(., 'hollerith-store-writer')]"
                    + " or .//span[@class='names' and contains(., 'hollerith-store-writer')]]"));
    writer.findElement(By.tagName("summary")).click();
    assertThat(writer.findElement(By.tagName("pre")).getText())
        .contains("io.hollerith.server.storage.StoreSink");

    List<String> pools = new ArrayList<>();
    ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
        .forEach(p -> pools.add(p.getName()));
    List<String> shown =
        browser.driver.findElements(By.cssSelector("#jvm-pools tbody tr td:first-child")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(shown).containsExactlyElementsOf(pools);
    assertThat(browser.unlabelledControls()).isEmpty();
    browser.screenshot("debug");
    browser.darkTheme(true);
    browser.driver.navigate().refresh();
    browser.waitFor(By.cssSelector("#thread-groups details"));
    browser.screenshot("debug-dark");
  }

  @Test
  void theFilesPageListsTheDataDirectoryAndAnAdminDeletesAFileTheNodeDoesNotUse() throws Exception {
    browser.signIn(h.token);
    browser.driver.findElement(By.cssSelector("#nav a[href='#/files']")).click();
    browser.waitFor(By.id("files-table"));
    List<String> expected;
    try (Stream<Path> files = Files.list(h.server.dataDir())) {
      expected =
          files
              .map(p -> p.getFileName().toString() + (Files.isDirectory(p) ? "/" : ""))
              .sorted()
              .toList();
    }
    assertThat(fileNames()).isEqualTo(expected);
    assertThat(browser.driver.findElement(By.id("file-list")).getText())
        .doesNotContain("null", "undefined");
    assertThat(browser.unlabelledControls()).isEmpty();
    browser.screenshot("files");

    // The node refuses to delete a file it keeps open, and the page shows why.
    browser
        .driver
        .findElement(By.cssSelector("#files-table tr[data-file='metrics.db'] button"))
        .click();
    browser.screenshot("files-confirm");
    browser
        .driver
        .findElement(By.xpath("//tr[@data-file='metrics.db']//button[text()='Yes, delete']"))
        .click();
    assertThat(browser.waitForText(By.id("file-result"), "cannot be deleted"))
        .contains("'metrics.db' cannot be deleted: the node keeps it open");
    assertThat(h.server.dataDir().resolve("metrics.db")).exists();

    browser.driver.findElement(By.linkText("notes/")).click();
    browser.until(
        d ->
            d.getCurrentUrl().endsWith("#/files?path=notes")
                && fileNames().equals(List.of("a.txt")));
    assertThat(browser.driver.findElement(By.cssSelector("#files-table tbody tr")).getText())
        .contains("a.txt", "file", "5 B");
    browser.driver.manage().window().setSize(DashboardBrowser.PHONE);
    browser.screenshot("files-notes-phone");
    browser.driver.findElement(By.cssSelector("button[aria-label='Delete notes/a.txt']")).click();
    browser
        .waitFor(By.xpath("//tr[@data-file='notes/a.txt']//button[text()='Yes, delete']"))
        .click();
    assertThat(browser.waitForText(By.id("file-result"), "Deleted"))
        .isEqualTo("Deleted notes/a.txt.");
    assertThat(browser.waitForText(By.id("file-list"), "empty")).isEqualTo("This folder is empty.");
    assertThat(h.server.dataDir().resolve("notes").resolve("a.txt")).doesNotExist();
    browser.driver.findElement(By.linkText("data directory")).click();
    browser.until(d -> fileNames().equals(expected));
  }

  @Test
  void aReaderSeesNoOperationsPagesAndIsNotPermittedByUrl() throws Exception {
    browser.signIn(readerToken);
    String nav = browser.driver.findElement(By.id("nav")).getText();
    assertThat(nav).contains("Metrics").doesNotContain("Server", "Tasks", "Debug", "Files");
    for (String page : OPS_PAGES) {
      assertThat(browser.driver.findElements(By.cssSelector("#nav a[href='#/" + page + "']")))
          .as(page)
          .isEmpty();
      browser.open(page);
      browser
          .driver
          .navigate()
          .refresh(); // a fresh document: no element of the previous page is left to find
      WebElement denied = browser.waitFor(By.id("not-permitted"));
      assertThat(denied.getText()).as(page).contains("Not permitted", "OPS:READ");
      assertThat(browser.driver.findElements(By.cssSelector("main table"))).as(page).isEmpty();
      assertThat(browser.driver.findElements(By.cssSelector("main canvas"))).as(page).isEmpty();
      assertThat(browser.driver.findElement(By.tagName("main")).getText())
          .as(page)
          .isEqualTo(
              browser.driver.findElement(By.tagName("h1")).getText() + "\n" + denied.getText());
      browser.screenshot(page + "-reader");
    }
  }

  /**
   * The heap chart's value axis, labelled in MiB, ticks at 1, 2 or 5 times a power of ten of MiB
   * (not at uPlot's round numbers of bytes, which read as 381.47 MiB).
   */
  @SuppressWarnings("unchecked")
  private void assertHeapTicksAreRoundMebibytes() {
    chartFigure("Heap in use");
    List<Number> splits =
        (List<Number>)
            browser.driver.executeScript(
                "const box = document.querySelector(\"#server-charts section[aria-label='Heap in use']"
                    + " .chart-box\"); return Hollerith.chartIn(box).axes[1]._splits;");
    assertThat(splits).hasSizeGreaterThan(1);
    double mib = 1024 * 1024;
    double step = (splits.get(1).doubleValue() - splits.get(0).doubleValue()) / mib;
    double decade = Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
    double ratio = step / decade;
    assertThat(List.of(1.0, 2.0, 5.0))
        .as("step %s MiB", step)
        .anySatisfy(round -> assertThat(ratio).isCloseTo(round, within(1e-9)));
    for (Number split : splits) {
      double inSteps = split.doubleValue() / mib / step;
      assertThat(Math.abs(inSteps - Math.rint(inSteps)))
          .as("tick %s bytes on a %s MiB step", split, step)
          .isLessThan(1e-6);
    }
  }

  private WebElement panel(String title) {
    return browser.driver.findElement(
        By.cssSelector("#server-charts section[aria-label='" + title + "']"));
  }

  /** The figure beside a chart's title, once the chart has data. */
  private WebElement chartFigure(String title) {
    By figure = By.cssSelector("#server-charts section[aria-label='" + title + "'] .chart-figure");
    browser.until(
        d ->
            d.findElements(figure).stream()
                .anyMatch(
                    e -> {
                      String value = e.getAttribute("data-value");
                      return value != null && !value.isEmpty();
                    }));
    return browser.driver.findElement(figure);
  }

  private String headline(String key) {
    return browser
        .driver
        .findElement(By.cssSelector("#headlines dd[data-key='" + key + "']"))
        .getText();
  }

  @SuppressWarnings("unchecked")
  private List<String> rowIds() {
    return (List<String>)
        browser.driver.executeScript(
            "return [...document.querySelectorAll('#task-table tbody tr')].map(tr => tr.dataset.task)");
  }

  @SuppressWarnings("unchecked")
  private List<String> fileNames() {
    return (List<String>)
        browser.driver.executeScript(
            "return [...document.querySelectorAll('#files-table tbody tr td:first-child')].map(td => td.textContent)");
  }

  private static String taskState(String id) throws Exception {
    JsonNode tasks =
        ServerHarness.JSON.readTree(h.get("/api/stats/tasks/?limit=10000").body()).get("tasks");
    for (JsonNode t : tasks) {
      if (t.get("id").asText().equals(id)) {
        return t.get("state").asText();
      }
    }
    throw new AssertionError("task " + id + " is not listed");
  }

  /** Tabbing from the top of the page reaches every visible control of the header and the page. */
  private void assertEveryControlIsReachableByTab() {
    String controls =
        "[...document.querySelectorAll('a[href], button, input, select, summary')]"
            + ".filter(e => e.offsetParent !== null && !e.disabled)";
    long count = (Long) browser.driver.executeScript("return " + controls + ".length");
    browser.driver.executeScript(
        "document.activeElement.blur(); window.reached = new Set();"
            + " document.addEventListener('focusin', e => window.reached.add(e.target));");
    Actions keys = new Actions(browser.driver);
    for (long i = 0; i < count + 5; i++) {
      keys.sendKeys(Keys.TAB);
    }
    keys.perform();
    String missed =
        (String)
            browser.driver.executeScript(
                "return "
                    + controls
                    + ".filter(e => !window.reached.has(e)).map(e => e.outerHTML.substring(0, 120)).join('\\n')");
    assertThat(missed).isEmpty();
  }

  /**
   * At phone width the header's controls keep their words on one line each: "Sign out" does not
   * wrap.
   */
  private void assertHeaderFitsOnOneLineOfItsOwn() {
    WebElement signOut = browser.driver.findElement(By.id("sign-out"));
    Number lineHeight =
        (Number)
            browser.driver.executeScript(
                "return parseFloat(getComputedStyle(arguments[0]).lineHeight)", signOut);
    Number textHeight =
        (Number)
            browser.driver.executeScript(
                "const r = document.createRange(); r.selectNodeContents(arguments[0]); return r.getBoundingClientRect().height",
                signOut);
    assertThat(textHeight.doubleValue()).isLessThan(lineHeight.doubleValue() * 1.5);
    Number overflow =
        (Number)
            browser.driver.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertThat(overflow.intValue()).isLessThanOrEqualTo(0);
  }
}
