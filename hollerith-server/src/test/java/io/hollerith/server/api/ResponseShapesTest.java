package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact bytes of fixed-shape responses: key names, key order, nulls written as {@code null},
 * numbers as plain integers. Clients parse these bodies, so a change of serialisation shows here.
 */
class ResponseShapesTest {

  @TempDir Path dir;
  ApiFixture fx;

  @BeforeEach
  void start() {
    fx = new ApiFixture(dir, ApiFixture.config());
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  @Test
  void healthListsEveryCheckInRegistrationOrder() throws Exception {
    assertThat(fx.get("/health", null).body())
        .isEqualTo(
            "{\"status\":\"up\",\"checks\":{"
                + "\"credentials\":{\"up\":true,\"detail\":\"credential store answers\"},"
                + "\"storage\":{\"up\":true,\"detail\":\"store answers\"}}}");
    fx.storageUp.set(false);
    assertThat(fx.get("/health", null).body())
        .isEqualTo(
            "{\"status\":\"down\",\"checks\":{"
                + "\"credentials\":{\"up\":true,\"detail\":\"credential store answers\"},"
                + "\"storage\":{\"up\":false,\"detail\":\"store unreachable\"}}}");
  }

  @Test
  void whoamiNamesUserRoleTenantSortedPermissionsTheFlushIntervalAndTheSelfSeriesPrefix()
      throws Exception {
    assertThat(fx.get("/api/v1/whoami", "reader@shop").body())
        .isEqualTo(
            "{\"user\":\"reader@shop\",\"role\":\"reader\","
                + "\"tenant\":\"shop\",\"permissions\":[\"STAT:READ\"],\"flushIntervalMillis\":10000,\"selfSeriesPrefix\":\"hollerith.\"}");
    assertThat(fx.get("/api/v1/whoami", "support@root").body())
        .isEqualTo(
            "{\"user\":\"support@root\",\"role\":\"support\","
                + "\"tenant\":\"root\",\"permissions\":[\"OPS:READ\",\"STAT:READ\"],\"flushIntervalMillis\":10000,"
                + "\"selfSeriesPrefix\":\"hollerith.\"}");
  }

  @Test
  void tenantsWriteARootsMissingParentAsNull() throws Exception {
    assertThat(fx.get("/api/v1/tenants", "admin@root").body())
        .isEqualTo(
            "{\"tenants\":["
                + "{\"name\":\"root\",\"parent\":null},{\"name\":\"shop\",\"parent\":\"root\"},{\"name\":\"blog\",\"parent\":\"root\"}],"
                + "\"namespaces\":[{\"prefix\":\"blog.\",\"tenant\":\"blog\"},{\"prefix\":\"shop.\",\"tenant\":\"shop\"}]}");
  }

  @Test
  void usersCarryTheirCreationTimeAsIso8601() throws Exception {
    String expected =
        fx.auth.listUsers().stream()
            .map(
                u ->
                    "{\"name\":\""
                        + u.name()
                        + "\",\"role\":\""
                        + u.role().label()
                        + "\",\"tenant\":\""
                        + u.tenant()
                        + "\",\"activeTokens\":1,\"created\":\""
                        + Instant.ofEpochMilli(u.createdMillis())
                        + "\"}")
            .collect(Collectors.joining(",", "{\"users\":[", "]}"));
    assertThat(fx.auth.listUsers()).hasSize(9);
    assertThat(fx.get("/api/v1/users", "admin@root").body()).isEqualTo(expected);
  }

  @Test
  void aTaskIsWrittenWithSnakeCaseKeysIsoTimesAndNullsForWhatIsUnknown() {
    Task task =
        new Task(
            "t-1",
            "node-a",
            "nightly",
            TaskState.RUNNING,
            Instant.parse("2026-12-07T01:00:00Z"),
            Instant.parse("2026-12-07T01:00:00.250Z"),
            null,
            null,
            null);
    assertThat(
            new String(Json.bytes(Map.of("tasks", List.of(task.view()))), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"tasks\":[{\"id\":\"t-1\","
                + "\"node_id\":\"node-a\",\"job_id\":\"nightly\",\"state\":\"running\",\"scheduled_time\":\"2026-12-07T01:00:00Z\","
                + "\"start_time\":\"2026-12-07T01:00:00.250Z\",\"end_time\":null,\"output\":null,\"error\":null}]}");
  }

  @Test
  void aFileListingNamesPathEntriesAndWhetherItWasCut() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path file = Files.writeString(logs.resolve("a.json"), "{}\n");
    Files.createDirectories(logs.resolve("old"));
    String modified = Files.getLastModifiedTime(file).toInstant().toString();
    String dirModified = Files.getLastModifiedTime(logs.resolve("old")).toInstant().toString();
    long dirSize = Files.size(logs.resolve("old"));
    assertThat(fx.get("/_local/files/logs/_list", "admin@root").body())
        .isEqualTo(
            "{\"path\":\"logs\",\"files\":["
                + "{\"name\":\"a.json\",\"type\":\"file\",\"size\":3,\"modified\":\""
                + modified
                + "\"},"
                + "{\"name\":\"old\",\"type\":\"directory\",\"size\":"
                + dirSize
                + ",\"modified\":\""
                + dirModified
                + "\"}],"
                + "\"truncated\":false}");
  }

  @Test
  void aTableQueryNamesColumnsRowsAndHowItWent() throws Exception {
    HttpResponse<String> r =
        fx.send(
            "POST",
            "/api/stats/query/?format=table",
            "admin@root",
            "{\"query\": \"SELECT 1 AS one, 'x' AS two\"}");
    assertThat(r.body())
        .matches(
            "\\{\"columns\":\\[\"one\",\"two\"],\"rows\":\\[\\[1,\"x\"]],\"row_count\":1,"
                + "\"truncated\":false,\"max_rows\":10000,\"elapsed_ms\":\\d+}");
  }

  @Test
  void threadGroupsKeepTheirKeyOrder() throws Exception {
    HttpResponse<String> r = fx.get("/debug/threads", "admin@root");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("[{\"count\":");
    assertThat(Json.MAPPER.readTree(r.body()).get(0).fieldNames())
        .toIterable()
        .containsExactly("count", "state", "names", "stack", "truncated");
  }
}
