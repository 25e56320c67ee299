package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.ops.TableGrowthJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations routes on a whole server: with its SQLite store, and without a store. */
class OpsWiringTest {

  @TempDir Path dir;

  private static HttpResponse<String> query(ServerHarness h, String sql) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + h.server.httpAddress().getPort()
                        + "/api/stats/query/?format=table"))
            .header("Authorization", "Token " + h.token)
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"" + sql + "\"}"))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theAdminQueriesTheLiveMetricFileButNotTheCredentials() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      HttpResponse<String> tables =
          query(h, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
      assertThat(tables.statusCode()).as(tables.body()).isEqualTo(200);
      assertThat(tables.body())
          .contains("\"series\"", "\"table_size_history\"")
          .doesNotContain("app_user", "api_token");
      HttpResponse<String> credentials = query(h, "SELECT * FROM api_token");
      assertThat(credentials.statusCode()).isEqualTo(400);
      assertThat(h.get("/api/stats/database/").statusCode()).isEqualTo(200);
      assertThat(h.get("/_local/files/_list").body()).contains("\"metrics.db\"", "\"auth.db\"");
      // The daily table-size sample is a built-in job, next due at the default 01:00 UTC.
      List<Task> sample =
          h.server.scheduler().tasks(TableGrowthJob.JOB_ID, TaskState.SCHEDULED, 10);
      assertThat(sample).hasSize(1);
      assertThat(sample.get(0).scheduledAt().atZone(ZoneOffset.UTC).toLocalTime())
          .isEqualTo(LocalTime.of(1, 0));
    }
  }

  @Test
  void withoutAStoreTheDatabaseRoutesSayWhy() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"), "stats.persist=false")) {
      for (String path : new String[] {"/api/stats/database/", "/api/stats/table-growth/"}) {
        HttpResponse<String> r = h.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(503);
        assertThat(r.body()).contains("stats.persist is false");
      }
      assertThat(query(h, "SELECT 1").statusCode()).isEqualTo(503);
      assertThat(h.get("/debug/threads").statusCode()).isEqualTo(200);
      assertThat(h.get("/debug/pool/bytes").statusCode()).isEqualTo(200);
    }
  }
}
