package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Role;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The dashboard's database pages in a real headless Chromium against a whole server on a real
 * SQLite file: the database statistics equal the API's and flag a file that needs a vacuum; table
 * growth shows every sampled table with the growth a reference computes from the stored daily
 * samples, its alerts highlighted, and a table's history as a chart; the SQL console (admin) runs a
 * query by keyboard and shows the rows JDBC reads from the same file, the row cap and a refused
 * write's error. A reader sees none of these pages and is not permitted by URL; a support user sees
 * the statistics but not the console. On embedded PostgreSQL, the database page shows every figure
 * the API gives.
 *
 * <p>The daily samples are the server's own: it samples the tables at start, so the data directory
 * is started 30 and 7 days in the past (an offset clock), with data sent over UDP between starts.
 */
class DashboardDatabasePagesTest {

  private static final String VIEWER_ZONE = "Europe/Berlin";

  /** Gauges sent before the start a week ago, and before today's. */
  private static final int SERIES_MONTH_AGO = 40;

  private static final int SERIES_WEEK_AGO = 600;

  /** ops.query.max_rows of the server. */
  private static final int MAX_ROWS = 25;

  @TempDir static Path dir;

  private static ServerHarness h;
  private static String base;
  private static String readerToken;
  private static String supportToken;

  private DashboardBrowser browser;

  @BeforeAll
  static void startServer() throws Exception {
    DashboardBrowser.requireChromium();
    Path data = dir.resolve("data");
    // Nothing writes to the store between requests unless a test does: no rollups, heartbeats or
    // flushes.
    String[] quiet = {
      "storage.rollup_interval=1h",
      "scheduler.heartbeat_interval=1h",
      "storage.retention=1h:1y",
      "ops.query.max_rows=" + MAX_ROWS
    };
    Clock now = Clock.systemUTC();
    try (ServerHarness monthAgo =
        ServerHarness.start(data, Clock.offset(now, Duration.ofDays(-30)), null, quiet)) {
      sendGauges(monthAgo, "early", SERIES_MONTH_AGO);
    }
    try (ServerHarness weekAgo =
        ServerHarness.start(data, Clock.offset(now, Duration.ofDays(-7)), null, quiet)) {
      sendGauges(weekAgo, "late", SERIES_WEEK_AGO);
    }
    h = ServerHarness.start(data, now, null, quiet);
    base = "http://127.0.0.1:" + h.server.httpAddress().getPort();
    try (AuthStore auth =
        AuthStore.openSqlite(
            h.server.dataDir().resolve(AuthStore.SQLITE_FILE), Clock.systemUTC())) {
      readerToken = auth.addUser("rita", Role.READER, "root", null).secret();
      supportToken = auth.addUser("sven", Role.SUPPORT, "root", null).secret();
    }
  }

  /** Sends {@code count} gauges named {@code <prefix>.gNNNN} over UDP, and stores them. */
  private static void sendGauges(ServerHarness server, String prefix, int count) throws Exception {
    int port = server.server.ingestAddresses().udp().getPort();
    try (DatagramSocket socket = new DatagramSocket()) {
      StringBuilder packet = new StringBuilder();
      for (int i = 0; i < count; i++) {
        packet.append(String.format("%s.g%04d:%d|g\n", prefix, i, i));
        if (packet.length() > 1200 || i == count - 1) {
          byte[] bytes = packet.toString().getBytes(StandardCharsets.UTF_8);
          socket.send(
              new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
          packet.setLength(0);
        }
      }
    }
    server.awaitSamples(count);
    server.flushAndStore();
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
  void theDatabasePageShowsTheApisFiguresAndFlagsAFileThatNeedsAVacuum() throws Exception {
    int freePercent = leaveFreePages();
    browser.signIn(h.token);
    browser.driver.findElement(By.cssSelector("#nav a[href='#/database']")).click();
    browser.waitFor(By.cssSelector("#database-stats dd[data-key]"));
    JsonNode api = getJson("/api/stats/database/");

    Map<String, String> shown = shownFigures("#database-stats");
    Map<String, String> expected = new LinkedHashMap<>();
    flattenScalars(api, "", expected);
    expected
        .keySet()
        .removeIf(
            key ->
                key.startsWith("notes.")
                    || key.startsWith("table_stats.")
                    || key.startsWith("active_queries.queries.")
                    || key.equals("active_queries.longest_duration_seconds"));
    Map<String, String> shownComparable = new LinkedHashMap<>();
    shown.forEach((key, value) -> shownComparable.put(key, comparable(value)));
    assertThat(shownComparable).containsAllEntriesOf(expected);

    List<String> tables = new ArrayList<>();
    List<String> sizes = new ArrayList<>();
    api.get("table_stats")
        .forEach(
            t -> {
              tables.add(t.get("table_name").asText());
              sizes.add(t.get("total_size").asText());
            });
    assertThat(columnValues("#largest-tables", 0)).isEqualTo(tables);
    assertThat(columnDataValues("#largest-tables", 1)).isEqualTo(sizes);

    // The reference: the free pages as the test counts them itself.
    assertThat(Double.parseDouble(shown.get("maintenance.freelist_percent"))).isGreaterThan(10.0);
    assertThat(freePercent).isGreaterThan(10);
    assertThat(flagged("#database-stats"))
        .contains("maintenance.freelist_percent", "maintenance.vacuum_recommended");
    assertThat(browser.driver.findElement(By.id("database-alerts")).getText()).contains("vacuum");
    String page = browser.driver.findElement(By.cssSelector("#database-stats")).getText();
    api.get("notes")
        .fields()
        .forEachRemaining(
            note -> assertThat(page).as(note.getKey()).contains(note.getValue().asText()));
    screenshots("database", By.cssSelector("#database-stats dd[data-key]"));
  }

  @Test
  void onPostgresqlTheDatabasePageShowsEveryFigureOfTheApi() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
    try (pg;
        ServerHarness onPg =
            ServerHarness.start(
                dir.resolve("pg-node"),
                "storage.type=postgresql",
                "storage.postgresql.url=" + pg.getJdbcUrl("postgres", "postgres"),
                "storage.postgresql.user=postgres")) {
      browser.close();
      browser =
          new DashboardBrowser(
              "http://127.0.0.1:" + onPg.server.httpAddress().getPort(),
              "onPostgresql",
              dir,
              VIEWER_ZONE);
      browser.signIn(onPg.token);
      browser.open("database");
      browser.waitFor(By.cssSelector("#database-stats dd[data-key]"));
      HttpResponse<String> r = onPg.get("/api/stats/database/");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode stats = ServerHarness.JSON.readTree(r.body());
      String page = browser.driver.findElement(By.id("database-stats")).getText();
      stats
          .get("notes")
          .fields()
          .forEachRemaining(
              note -> assertThat(page).as(note.getKey()).contains(note.getValue().asText()));
      Map<String, String> api = new LinkedHashMap<>();
      flattenScalars(stats, "", api);
      api.keySet()
          .removeIf(
              key ->
                  key.startsWith("notes.")
                      || key.startsWith("table_stats.")
                      || key.startsWith("active_queries.queries."));
      // The server's counters move with every statement, the page's own included: the figures
      // shown are every figure of the API, and the settings among them are equal.
      Map<String, String> shown = shownFigures("#database-stats");
      assertThat(shown.keySet()).containsExactlyInAnyOrderElementsOf(api.keySet());
      for (String setting :
          List.of(
              "database_size.database_name",
              "connections.max_connections",
              "cache_performance.shared_buffers",
              "cache_performance.effective_cache_size",
              "replication.is_replica")) {
        assertThat(comparable(shown.get(setting))).as(setting).isEqualTo(api.get(setting));
      }
      assertThat(columnValues("#largest-tables", 0)).isNotEmpty();
      screenshots("database-postgresql", By.cssSelector("#database-stats dd[data-key]"));
    }
  }

  @Test
  void theTableGrowthPageShowsEverySampledTableWithItsGrowthAndAlerts() throws Exception {
    browser.signIn(h.token);
    browser.driver.findElement(By.cssSelector("#nav a[href='#/table-growth']")).click();
    browser.waitFor(By.cssSelector("#growth-table tbody tr"));
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Map<String, long[]> samples = samplesOf(today, today.minusDays(7), today.minusDays(30));

    List<String> names = columnValues("#growth-table", 0);
    assertThat(names).containsExactlyInAnyOrderElementsOf(samples.keySet());
    Map<String, String> shown = shownFigures("#growth-table");
    List<String> expectedAlerts = new ArrayList<>();
    for (Map.Entry<String, long[]> s : samples.entrySet()) {
      String table = s.getKey();
      long[] sizes = s.getValue();
      assertThat(shown.get(table + ".current_total_size"))
          .as(table)
          .isEqualTo(String.valueOf(sizes[0]));
      String weekly = growth(sizes[0], sizes[1]);
      String monthly = growth(sizes[0], sizes[2]);
      assertThat(shown.get(table + ".weekly_growth_percent"))
          .as(table + " weekly")
          .isEqualTo(weekly);
      assertThat(shown.get(table + ".monthly_growth_percent"))
          .as(table + " monthly")
          .isEqualTo(monthly);
      if (!weekly.isEmpty() && Double.parseDouble(weekly) > 50) {
        expectedAlerts.add(table + ".weekly_growth_percent");
      }
      if (!monthly.isEmpty() && Double.parseDouble(monthly) > 200) {
        expectedAlerts.add(table + ".monthly_growth_percent");
      }
    }
    assertThat(expectedAlerts)
        .contains("series.weekly_growth_percent", "series.monthly_growth_percent");
    assertThat(flagged("#growth-table")).containsExactlyInAnyOrderElementsOf(expectedAlerts);
    assertThat(browser.driver.findElements(By.cssSelector("#growth-alerts li")))
        .hasSize(expectedAlerts.size());
    screenshots("table-growth", By.cssSelector("#growth-chart canvas"));

    // A table's chart: its daily samples, oldest first, also listed as figures under the chart.
    browser
        .driver
        .findElement(By.cssSelector("#growth-table button[data-table='series']"))
        .sendKeys(Keys.ENTER);
    browser.until(d -> d.getCurrentUrl().contains("table=series"));
    browser.waitFor(By.cssSelector("#growth-chart canvas"));
    browser.until(
        d -> "series".equals(d.findElement(By.id("growth-chart")).getAttribute("data-table")));
    assertThat(browser.driver.switchTo().activeElement().getAttribute("data-table"))
        .isEqualTo("series");
    assertThat(columnValues("#growth-history", 0))
        .isEqualTo(List.of(today.minusDays(7).toString(), today.toString()));
    assertThat(columnDataValues("#growth-history", 1))
        .isEqualTo(
            List.of(
                String.valueOf(samples.get("series")[1]),
                String.valueOf(samples.get("series")[0])));
    // The 30 days of history begin after the month-ago sample; 90 days reach it.
    browser.driver.findElement(By.id("growth-days")).sendKeys("90");
    browser.until(
        d -> d.getCurrentUrl().contains("days=90") && d.getCurrentUrl().contains("table=series"));
    browser.until(d -> columnValues("#growth-history", 0).size() == 3);
    assertThat(columnValues("#growth-history", 0))
        .isEqualTo(
            List.of(
                today.minusDays(30).toString(), today.minusDays(7).toString(), today.toString()));
    assertThat(columnDataValues("#growth-history", 1))
        .isEqualTo(
            List.of(
                String.valueOf(samples.get("series")[2]),
                String.valueOf(samples.get("series")[1]),
                String.valueOf(samples.get("series")[0])));
    screenshots("table-growth-series", By.cssSelector("#growth-chart canvas"));
    browser.driver.navigate().back();
    browser.until(d -> !d.getCurrentUrl().contains("days=90"));
    browser.driver.navigate().back();
    browser.until(d -> !d.getCurrentUrl().contains("table=series"));
  }

  @Test
  void theSqlConsoleRunsAQueryByKeyboardAndShowsTheRowsTheRowCapAndARefusedWrite()
      throws Exception {
    browser.signIn(h.token);
    browser.driver.findElement(By.cssSelector("#nav a[href='#/sql']")).click();
    WebElement editor = browser.waitFor(By.id("sql-query"));
    assertThat(browser.driver.findElement(By.cssSelector("label[for='sql-query']")).getText())
        .isNotEmpty();
    String query = "SELECT id, name, type FROM series WHERE name LIKE 'early.%' ORDER BY id";
    editor.sendKeys(query);
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    browser.waitFor(By.cssSelector("#query-results tbody tr"));
    assertThat(headers("#query-results")).containsExactly("id", "name", "type");
    List<List<String>> expected = jdbcRows(query);
    assertThat(expected).hasSize(Math.min(SERIES_MONTH_AGO, MAX_ROWS));
    assertThat(shownRows("#query-results")).isEqualTo(expected);
    String status = browser.driver.findElement(By.id("query-status")).getText();
    assertThat(status)
        .containsPattern("\\d+ ms")
        .contains("first " + MAX_ROWS + " rows")
        .contains("row cap " + MAX_ROWS);
    screenshots("sql", By.cssSelector("#query-results tbody tr"));

    editor.clear();
    String few = "SELECT name, type FROM series WHERE name LIKE 'early.g000%' ORDER BY name";
    editor.sendKeys(few);
    browser.driver.findElement(By.id("run-query")).click();
    browser.until(d -> shownRows("#query-results").size() == 10);
    assertThat(shownRows("#query-results")).isEqualTo(jdbcRows(few));
    assertThat(browser.driver.findElement(By.id("query-status")).getText())
        .contains("10 rows")
        .doesNotContain("first");

    editor.clear();
    editor.sendKeys("DELETE FROM series");
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    String error = browser.waitForText(By.id("query-error"), "readonly");
    assertThat(error).contains(apiError(postQuery("DELETE FROM series")));
    assertThat(browser.driver.findElements(By.cssSelector("#query-results tbody tr"))).isEmpty();
    assertThat(jdbcRows("SELECT count(*) FROM series WHERE name LIKE 'early.%'"))
        .isEqualTo(List.of(List.of(String.valueOf(SERIES_MONTH_AGO))));
    screenshots("sql-refused", By.id("query-error"));
  }

  @Test
  void aReaderSeesNoDatabasePagesAndIsNotPermittedByUrl() throws Exception {
    browser.signIn(readerToken);
    String nav = browser.driver.findElement(By.id("nav")).getText();
    assertThat(nav).doesNotContain("Database", "Table growth", "SQL");
    for (String page : List.of("database", "table-growth", "sql")) {
      browser.open(page);
      WebElement denied = browser.waitFor(By.id("not-permitted"));
      assertThat(denied.getText())
          .as(page)
          .contains("Not permitted", page.equals("sql") ? "QUERY:EXECUTE" : "OPS:READ");
      assertThat(
              browser.driver.findElements(
                  By.cssSelector("main dd[data-key], main td, main canvas, #sql-query")))
          .as(page)
          .isEmpty();
      if (page.equals("database")) {
        screenshots("database-reader", By.id("not-permitted"));
      }
    }
  }

  @Test
  void aSupportUserSeesTheStatisticsButNotTheSqlConsole() throws Exception {
    browser.signIn(supportToken);
    assertThat(browser.driver.findElements(By.cssSelector("#nav a[href='#/database']"))).hasSize(1);
    assertThat(browser.driver.findElements(By.cssSelector("#nav a[href='#/table-growth']")))
        .hasSize(1);
    assertThat(browser.driver.findElements(By.cssSelector("#nav a[href='#/sql']"))).isEmpty();
    browser.open("sql");
    assertThat(browser.waitFor(By.id("not-permitted")).getText())
        .contains("Not permitted", "QUERY:EXECUTE");
    assertThat(browser.driver.findElements(By.id("sql-query"))).isEmpty();
    browser.open("database");
    browser.waitFor(By.cssSelector("#database-stats dd[data-key]"));
  }

  @Test
  void everyControlHasALabel() throws Exception {
    browser.signIn(h.token);
    for (String[] page :
        List.of(
            new String[] {"database", "#database-stats dd[data-key]"},
            new String[] {"table-growth", "#growth-table tbody tr"},
            new String[] {"sql", "#sql-query"})) {
      browser.open(page[0]);
      browser.waitFor(By.cssSelector(page[1]));
      assertThat(browser.unlabelledControls()).as(page[0]).isEqualTo("");
    }
  }

  /**
   * Saves the page at laptop width in the light and the dark theme, and at phone width ({@code
   * <page>}, {@code <page>-dark}, {@code <page>-phone}), then returns to the light laptop view;
   * {@code ready} is waited for after each change, as the page may draw again.
   */
  private void screenshots(String page, By ready) throws IOException {
    browser.screenshot(page);
    browser.darkTheme(true);
    browser.waitFor(ready);
    browser.screenshot(page + "-dark");
    browser.darkTheme(false);
    browser.driver.manage().window().setSize(DashboardBrowser.PHONE);
    browser.waitFor(ready);
    browser.screenshot(page + "-phone");
    browser.driver.manage().window().setSize(DashboardBrowser.LAPTOP);
    browser.waitFor(ready);
  }

  // ---------------------------------------------------------------------------------------------
  // What the page shows

  /** The figures under {@code container}: each element's {@code data-key} → {@code data-value}. */
  private Map<String, String> shownFigures(String container) {
    Map<String, String> figures = new LinkedHashMap<>();
    for (WebElement e : browser.driver.findElements(By.cssSelector(container + " [data-key]"))) {
      figures.put(e.getAttribute("data-key"), e.getAttribute("data-value"));
    }
    return figures;
  }

  /** The keys of the figures under {@code container} that the page highlights as alerts. */
  private List<String> flagged(String container) {
    return browser.driver.findElements(By.cssSelector(container + " .flagged[data-key]")).stream()
        .map(e -> e.getAttribute("data-key"))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private List<String> columnValues(String table, int column) {
    return (List<String>)
        browser.driver.executeScript(
            "return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
                + ".map(tr => tr.children[arguments[1]].textContent)",
            table,
            column);
  }

  @SuppressWarnings("unchecked")
  private List<String> columnDataValues(String table, int column) {
    return (List<String>)
        browser.driver.executeScript(
            "return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
                + ".map(tr => tr.children[arguments[1]].dataset.value)",
            table,
            column);
  }

  @SuppressWarnings("unchecked")
  private List<String> headers(String table) {
    return (List<String>)
        browser.driver.executeScript(
            "return [...document.querySelectorAll(arguments[0] + ' thead th')].map(th => th.textContent)",
            table);
  }

  @SuppressWarnings("unchecked")
  private List<List<String>> shownRows(String table) {
    return (List<List<String>>)
        browser.driver.executeScript(
            "return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
                + ".map(tr => [...tr.children].map(td => td.textContent))",
            table);
  }

  // ---------------------------------------------------------------------------------------------
  // References: the API and the SQLite file itself

  private static JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = h.get(path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return ServerHarness.JSON.readTree(r.body());
  }

  private static HttpResponse<String> postQuery(String sql) throws Exception {
    String body = ServerHarness.JSON.writeValueAsString(Map.of("query", sql));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/stats/query/?format=table"))
            .header("Authorization", "Token " + h.token)
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String apiError(HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    return ServerHarness.JSON.readTree(r.body()).get("alerts").get(0).get("text").asText();
  }

  /** Every scalar of a JSON tree under its dotted path, as text (null as the empty string). */
  private static void flattenScalars(JsonNode node, String prefix, Map<String, String> into) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(e -> flattenScalars(e.getValue(), prefix + e.getKey() + ".", into));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flattenScalars(node.get(i), prefix + i + ".", into);
      }
    } else {
      into.put(
          prefix.substring(0, prefix.length() - 1), node.isNull() ? "" : comparable(node.asText()));
    }
  }

  /**
   * A number in its shortest plain form (JSON's 0.0 and the page's 0 are the same figure); other
   * text as it is.
   */
  private static String comparable(String value) {
    try {
      return new BigDecimal(value).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return value;
    }
  }

  private static Connection metricsDb() throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + h.server.dataDir().resolve("metrics.db"));
  }

  /**
   * Each query row's values as SQLite gives them as text (null as {@code NULL}), at most the row
   * cap.
   */
  private static List<List<String>> jdbcRows(String sql) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = metricsDb();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next() && rows.size() < MAX_ROWS) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          String v = rs.getString(i);
          row.add(v == null ? "NULL" : v);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * The stored total size of each table sampled on {@code days[0]}, then on each further day (0
   * when that day has no sample), read from the file.
   */
  private static Map<String, long[]> samplesOf(LocalDate... days) throws Exception {
    Map<String, long[]> sizes = new LinkedHashMap<>();
    try (Connection c = metricsDb();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT table_name, total_size FROM table_size_history WHERE day = ?")) {
      for (int d = 0; d < days.length; d++) {
        ps.setString(1, days[d].toString());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (d == 0) {
              sizes.put(rs.getString(1), new long[days.length]);
            }
            long[] row = sizes.get(rs.getString(1));
            if (row != null) {
              row[d] = rs.getLong(2);
            }
          }
        }
      }
    }
    return sizes;
  }

  /**
   * round((current − old) / old × 100, 1) as the page's data value; empty without an old sample.
   */
  private static String growth(long current, long old) {
    if (old == 0) {
      return "";
    }
    return BigDecimal.valueOf(current - old)
        .multiply(BigDecimal.valueOf(100))
        .divide(BigDecimal.valueOf(old), 1, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }

  /**
   * Fills a scratch table in the metric file and drops it, so more than a tenth of the file's pages
   * are free; answers the free pages' share in percent, counted by the test.
   */
  private static int leaveFreePages() throws Exception {
    try (Connection c = metricsDb();
        Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000");
      st.execute("CREATE TABLE scratch_fill (v BLOB)");
      st.execute(
          "INSERT INTO scratch_fill SELECT zeroblob(3000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
              + "SELECT i + 1 FROM n WHERE i < 400) SELECT i FROM n)");
      st.execute("DROP TABLE scratch_fill");
      st.execute("PRAGMA wal_checkpoint(PASSIVE)");
      try (ResultSet free = st.executeQuery("PRAGMA freelist_count")) {
        free.next();
        long freePages = free.getLong(1);
        try (ResultSet pages = st.executeQuery("PRAGMA page_count")) {
          pages.next();
          return (int) (100 * freePages / pages.getLong(1));
        }
      }
    }
  }
}
