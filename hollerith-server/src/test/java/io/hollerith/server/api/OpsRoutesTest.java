package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.ops.DataFiles;
import io.hollerith.server.ops.Operations;
import io.hollerith.server.ops.ReadOnlyQueries;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.TableSize;
import io.hollerith.server.storage.TableSizeSample;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations routes over real HTTP: parameters, formats, statuses, and the store-less node. */
class OpsRoutesTest {

  @TempDir static Path dir;
  static ApiFixture fx;

  @BeforeAll
  static void start() {
    fx = new ApiFixture(dir, ApiFixture.config());
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  static String error(HttpResponse<String> r) throws Exception {
    return json(r).get("alerts").get(0).get("text").asText();
  }

  @Test
  void databaseStatisticsAnswerEverySection() throws Exception {
    HttpResponse<String> r = fx.get("/api/stats/database/", "support@root");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> keys = new ArrayList<>();
    json(r).fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "table_stats",
            "connections",
            "database_size",
            "cache_performance",
            "transactions",
            "locks",
            "maintenance",
            "active_queries",
            "query_performance",
            "replication",
            "notes");
  }

  @Test
  void tableGrowthReportsInjectedSamplesWithHistory() throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    fx.tableGrowth.sampleOnce(today);
    TableSize series =
        fx.store.tableSizeHistory(today, today).stream()
            .map(TableSizeSample::size)
            .filter(t -> t.table().equals("series"))
            .findFirst()
            .orElseThrow();
    long weekAgo = series.totalBytes() / 3;
    fx.store.saveTableSizes(
        today.minusDays(7), List.of(new TableSize("series", weekAgo, weekAgo, 0)));
    HttpResponse<String> r =
        fx.get("/api/stats/table-growth/?table_name=Series&days=8", "support@root");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("date").asText()).isEqualTo(today.toString());
    assertThat(body.get("weekly_threshold_percent").asInt()).isEqualTo(50);
    assertThat(body.get("tables")).hasSize(1);
    JsonNode t = body.get("tables").get(0);
    double expected =
        new BigDecimal(series.totalBytes() - weekAgo)
            .multiply(new BigDecimal(100))
            .divide(new BigDecimal(weekAgo), 1, RoundingMode.HALF_UP)
            .doubleValue();
    assertThat(t.get("weekly_growth_percent").asDouble()).isEqualTo(expected);
    assertThat(t.get("weekly_row_growth_percent").isNull()).isTrue();
    assertThat(t.get("monthly_growth_percent").isNull()).isTrue();
    assertThat(t.get("history")).hasSize(2);
    assertThat(body.get("alerts").get(0).get("period").asText()).isEqualTo("weekly");
    assertThat(body.get("alerts").get(0).get("growth_percent").asDouble()).isEqualTo(expected);
  }

  @Test
  void aDayWithoutASampleTakesItBeforeReporting() throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    fx.store.deleteTableSizesBefore(today.plusDays(1));
    HttpResponse<String> r = fx.get("/api/stats/table-growth/?table_name=series", "support@root");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("tables")).hasSize(1);
    assertThat(fx.store.tableSizeHistory(today, today))
        .extracting(s -> s.size().table())
        .contains("series");
  }

  @Test
  void badTableGrowthParametersAre400NamingTheParameter() throws Exception {
    for (String query : List.of("days=0", "days=91", "days=ten", "days=1&days=2", "days=")) {
      HttpResponse<String> r = fx.get("/api/stats/table-growth/?" + query, "support@root");
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(error(r)).as(query).startsWith("Parameter days:");
    }
    for (String name : List.of("", "x".repeat(151))) {
      HttpResponse<String> r =
          fx.get("/api/stats/table-growth/?table_name=" + name, "support@root");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(error(r)).startsWith("Parameter table_name:");
    }
  }

  @Test
  void queryAnswersRowsOrATable() throws Exception {
    HttpResponse<String> rows =
        fx.send(
            "POST",
            "/api/stats/query/",
            "admin@root",
            "{\"query\": \"SELECT 1 AS one, 'a' AS two\"}");
    assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
    assertThat(rows.body()).isEqualTo("[[1,\"a\"]]");
    HttpResponse<String> table =
        fx.send(
            "POST",
            "/api/stats/query/?format=table",
            "admin@root",
            "{\"query\": \"SELECT 1 AS one, 'a' AS two\"}");
    JsonNode t = json(table);
    assertThat(t.get("columns").toString()).isEqualTo("[\"one\",\"two\"]");
    assertThat(t.get("rows").toString()).isEqualTo("[[1,\"a\"]]");
    assertThat(t.get("row_count").asInt()).isEqualTo(1);
    assertThat(t.get("truncated").asBoolean()).isFalse();
    assertThat(t.get("elapsed_ms").isIntegralNumber()).isTrue();
    assertThat(t.get("max_rows").asInt()).isEqualTo(fx.queries.maxRows()).isEqualTo(10_000);
  }

  @Test
  void badQueriesAre400() throws Exception {
    for (String body :
        List.of("", "{}", "{\"query\": \"\"}", "{\"query\": 5}", "[\"SELECT 1\"]", "not json")) {
      HttpResponse<String> r = fx.send("POST", "/api/stats/query/", "admin@root", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(error(r)).as(body).startsWith("Parameter query:");
    }
    HttpResponse<String> syntax =
        fx.send("POST", "/api/stats/query/", "admin@root", "{\"query\": \"SELEC 1\"}");
    assertThat(syntax.statusCode()).isEqualTo(400);
    assertThat(error(syntax)).contains("syntax error");
    HttpResponse<String> format =
        fx.send("POST", "/api/stats/query/?format=xml", "admin@root", "{\"query\": \"SELECT 1\"}");
    assertThat(format.statusCode()).isEqualTo(400);
    assertThat(error(format)).startsWith("Parameter format:");
    HttpResponse<String> credentials =
        fx.send(
            "POST", "/api/stats/query/", "admin@root", "{\"query\": \"SELECT * FROM app_user\"}");
    assertThat(credentials.statusCode()).isEqualTo(400);
    assertThat(error(credentials)).contains("no such table: app_user");
  }

  @Test
  void aSlowQueryIs408AndANodeWithoutAStoreAnswers503() throws Exception {
    StatsRegistry stats = new StatsRegistry();
    try (ReadOnlyQueries slow =
            new ReadOnlyQueries(
                fx.store.readOnlySql(null),
                new OpsConfig.Query(Duration.ofMillis(200), null, null, null, null, null),
                stats);
        HttpApi timed =
            HttpApi.builder(ApiFixture.config(), fx.auth, stats)
                .operations(
                    new Operations(
                        fx.store,
                        fx.tableGrowth,
                        slow,
                        new DataFiles(dir, 10_000, new StatsRegistry())))
                .build()
                .start();
        HttpApi storeless =
            HttpApi.builder(ApiFixture.config(), fx.auth, new StatsRegistry())
                .operations(
                    new Operations(
                        null, null, null, new DataFiles(dir, 10_000, new StatsRegistry())))
                .build()
                .start()) {
      HttpResponse<String> r =
          send(
              timed,
              "POST",
              "/api/stats/query/",
              "{\"query\": \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(408);
      assertThat(error(r))
          .isEqualTo("Query cancelled: it ran longer than ops.query.timeout (200 ms)");
      assertThat(stats.value("ops", "query_timeouts").longValue()).isEqualTo(1);
      for (String[] call :
          List.of(
              new String[] {"GET", "/api/stats/database/"},
              new String[] {"GET", "/api/stats/table-growth/"},
              new String[] {"POST", "/api/stats/query/"})) {
        HttpResponse<String> missing =
            send(storeless, call[0], call[1], "{\"query\": \"SELECT 1\"}");
        assertThat(missing.statusCode()).as(call[1]).isEqualTo(503);
        assertThat(error(missing)).contains("stats.persist is false");
      }
      assertThat(send(storeless, "GET", "/debug/threads", null).statusCode()).isEqualTo(200);
      assertThat(send(storeless, "GET", "/_local/files/_list", null).statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> send(HttpApi api, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.address().getPort() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Token " + fx.tokens.get("admin@root"))
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    return fx.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void debugRoutesDumpThreadsAndBufferPools() throws Exception {
    for (String path : List.of("/debug/goroutines", "/debug/threads")) {
      HttpResponse<String> r = fx.get(path, "support@root");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode groups = json(r);
      assertThat(groups.isArray()).isTrue();
      List<String> names = new ArrayList<>();
      groups.forEach(g -> g.get("names").forEach(n -> names.add(n.asText())));
      assertThat(names).anySatisfy(n -> assertThat(n).startsWith("hollerith-http-worker"));
      groups.forEach(g -> assertThat(g.get("count").asInt()).isEqualTo(g.get("names").size()));
    }
    JsonNode pools = json(fx.get("/debug/pool/bytes", "support@root"));
    assertThat(pools.get("netty").get("allocator").asText()).isNotEmpty();
    assertThat(pools.get("jvm").findValuesAsText("name")).contains("direct");
  }

  @Test
  void filesListTheDataDirectoryAndRefuseEscapes() throws Exception {
    JsonNode root = json(fx.get("/_local/files/_list", "support@root"));
    assertThat(root.get("files").findValuesAsText("name")).contains("metrics.db", "auth.db");
    HttpResponse<String> escape = fx.get("/_local/files/_list?file=..", "support@root");
    assertThat(escape.statusCode()).isEqualTo(400);
    assertThat(error(escape)).startsWith("Parameter file:");
    assertThat(fx.get("/_local/files/_list?file=nothing", "support@root").statusCode())
        .isEqualTo(404);
  }

  @Test
  void aSubdirectoryIsListedByPathAndANestedOneWithAnEncodedSlash() throws Exception {
    Files.createDirectories(dir.resolve("logs/old"));
    Files.writeString(dir.resolve("logs/a.txt"), "a");
    Files.writeString(dir.resolve("logs/old/b.txt"), "bb");
    JsonNode logs = json(fx.get("/_local/files/logs/_list", "support@root"));
    assertThat(logs.get("path").asText()).isEqualTo("logs");
    assertThat(logs.get("files").findValuesAsText("name")).containsExactly("a.txt", "old");
    JsonNode old = json(fx.get("/_local/files/logs%2Fold/_list", "support@root"));
    assertThat(old.get("path").asText()).isEqualTo("logs/old");
    assertThat(old.get("files").findValuesAsText("name")).containsExactly("b.txt");
    assertThat(fx.get("/_local/files/logs/_list?file=logs", "support@root").statusCode())
        .isEqualTo(200);
    HttpResponse<String> disagree = fx.get("/_local/files/logs/_list?file=other", "support@root");
    assertThat(disagree.statusCode()).isEqualTo(400);
    assertThat(error(disagree)).startsWith("Parameter file:");
    assertThat(fx.get("/_local/files/%2E%2E/_list", "support@root").statusCode()).isEqualTo(400);
    assertThat(fx.get("/_local/files/logs%2Fa.txt/_list", "support@root").statusCode())
        .isEqualTo(400);
    assertThat(fx.get("/_local/files/nothing/_list", "support@root").statusCode()).isEqualTo(404);
  }

  @Test
  void deleteRemovesOneFileAndRefusesFilesInUseEscapesAndDirectories() throws Exception {
    Files.createDirectories(dir.resolve("trash/deep"));
    Files.writeString(dir.resolve("trash/deep/x+y.txt"), "x");
    Files.writeString(dir.resolve("trash/old.json"), "{}");

    HttpResponse<String> deleted =
        fx.send("DELETE", "/_local/files/trash%2Fdeep%2Fx+y.txt", "admin@root", null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(json(deleted).get("deleted").asText()).isEqualTo("trash/deep/x+y.txt");
    assertThat(dir.resolve("trash/deep/x+y.txt")).doesNotExist();
    assertThat(
            fx.send("DELETE", "/_local/files/trash%2Fdeep%2Fx+y.txt", "admin@root", null)
                .statusCode())
        .isEqualTo(404);

    for (String live :
        List.of("metrics.db", "auth.db", "metrics.db-wal", "admin.token", "hollerith.lock")) {
      Path p = dir.resolve(live);
      if (!Files.exists(p)) {
        Files.writeString(p, "");
      }
      HttpResponse<String> busy = fx.send("DELETE", "/_local/files/" + live, "admin@root", null);
      assertThat(busy.statusCode()).as(live).isEqualTo(409);
      assertThat(error(busy)).startsWith("'" + live + "' cannot be deleted: ");
      assertThat(p).exists();
    }
    HttpResponse<String> escape =
        fx.send("DELETE", "/_local/files/..%2Fescape.txt", "admin@root", null);
    assertThat(escape.statusCode()).isEqualTo(400);
    assertThat(error(escape)).startsWith("Parameter file:");
    assertThat(fx.send("DELETE", "/_local/files/trash", "admin@root", null).statusCode())
        .isEqualTo(400);

    // FILES:DELETE is an admin's; and the caller must be in the root tenant.
    assertThat(
            fx.send("DELETE", "/_local/files/trash%2Fold.json", "support@root", null).statusCode())
        .isEqualTo(403);
    HttpResponse<String> tenant =
        fx.send("DELETE", "/_local/files/trash%2Fold.json", "admin@shop", null);
    assertThat(tenant.statusCode()).isEqualTo(403);
    assertThat(error(tenant)).contains("root tenant");
    assertThat(dir.resolve("trash/old.json")).exists();
  }
}
