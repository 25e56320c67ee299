package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.client.StatsClient;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.ops.TableGrowthJob;
import io.hollerith.server.storage.RollupJob;
import io.hollerith.server.testing.StepClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole node with its jobs: Apsis's stats job as written, the internal stats object, the task
 * list and revoke, the workers view and the self series, over real HTTP and UDP on a real SQLite
 * store.
 */
class OpsServerTest {

  @TempDir Path dir;

  @Test
  void theApsisStatsJobRunsAsWrittenAndAppendsOneJsonLinePerRun() throws Exception {
    Path statsDir = Files.createDirectories(dir.resolve("stats"));
    Path config =
        Files.writeString(
            dir.resolve("hollerith.yml"),
            """
        jobs:
          - job_id: stats
            params: [date]

            schedule:
              type: interval
              interval: 60

            program:
              type: apsis.program.internal.stats.StatsProgram
              path: "%s/{{ date }}.json"
        """
                .formatted(statsDir));
    StepClock clock = new StepClock(Instant.parse("2026-12-07T23:59:30Z").toEpochMilli());
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"), clock, config)) {
      Task first = h.server.scheduler().tasks("stats", TaskState.SCHEDULED, 1).get(0);
      assertThat(first.scheduledAt()).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
      clock.set(first.scheduledAt().toEpochMilli());
      await("the first stats run to succeed")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  h.server.scheduler().find(first.id()).orElseThrow().state()
                      == TaskState.SUCCEEDED);
      Task second = h.server.scheduler().tasks("stats", TaskState.SCHEDULED, 1).get(0);
      clock.set(second.scheduledAt().toEpochMilli());
      await("the second stats run to succeed")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  h.server.scheduler().find(second.id()).orElseThrow().state()
                      == TaskState.SUCCEEDED);

      Path file = statsDir.resolve("2026-12-08.json");
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).hasSize(2);
      assertThat(Files.readString(file)).endsWith("\n");
      for (String line : lines) {
        JsonNode stats = ServerHarness.JSON.readTree(line);
        assertThat(stats.get("scheduled").get("num_entries").asInt())
            .isEqualTo(3); // stats, rollup, table growth
        assertThat(stats.get("start_time").asText()).isNotEmpty();
      }
      assertThat(ServerHarness.JSON.readTree(lines.get(0)).get("time").asText())
          .isEqualTo("2026-12-08T00:00:00Z");
      assertThat(ServerHarness.JSON.readTree(lines.get(1)).get("time").asText())
          .isEqualTo("2026-12-08T00:01:00Z");
      assertThat(h.server.scheduler().find(second.id()).orElseThrow().output())
          .isEqualTo(lines.get(1));
    }
  }

  @Test
  void aStatsJobsCurrentOutputFileCannotBeDeletedButItsEarlierOnesCan() throws Exception {
    Path data = dir.resolve("data");
    Path statsDir = Files.createDirectories(data.resolve("stats"));
    Path config =
        Files.writeString(
            dir.resolve("hollerith.yml"),
            """
        jobs:
          - job_id: self-stats
            params: [date]
            schedule: {type: daily, at: "00:00"}
            program:
              type: stats
              path: "%s/{{ date }}.json"
        """
                .formatted(statsDir));
    StepClock clock = new StepClock(Instant.parse("2026-12-07T23:59:30Z").toEpochMilli());
    try (ServerHarness h = ServerHarness.start(data, clock, config)) {
      Task first = h.server.scheduler().tasks("self-stats", TaskState.SCHEDULED, 1).get(0);
      clock.set(first.scheduledAt().toEpochMilli());
      await("the first stats run to succeed")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  h.server.scheduler().find(first.id()).orElseThrow().state()
                      == TaskState.SUCCEEDED);
      HttpResponse<String> busy = delete(h, "/_local/files/stats%2F2026-12-08.json");
      assertThat(busy.statusCode()).as(busy.body()).isEqualTo(409);
      assertThat(busy.body()).contains("it is the current output file of the stats job self-stats");
      assertThat(statsDir.resolve("2026-12-08.json")).exists();

      Task second = h.server.scheduler().tasks("self-stats", TaskState.SCHEDULED, 1).get(0);
      clock.set(second.scheduledAt().toEpochMilli());
      await("the second stats run to succeed")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  h.server.scheduler().find(second.id()).orElseThrow().state()
                      == TaskState.SUCCEEDED);
      HttpResponse<String> old = delete(h, "/_local/files/stats%2F2026-12-08.json");
      assertThat(old.statusCode()).as(old.body()).isEqualTo(200);
      assertThat(statsDir.resolve("2026-12-08.json")).doesNotExist();
      assertThat(delete(h, "/_local/files/stats%2F2026-12-09.json").statusCode()).isEqualTo(409);
    }
  }

  private static HttpResponse<String> delete(ServerHarness h, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + h.server.httpAddress().getPort() + path))
            .header("Authorization", "Bearer " + h.token)
            .timeout(Duration.ofSeconds(20))
            .DELETE()
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theInternalStatsObjectHasEveryApsisFieldWithSaneValues() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      HttpResponse<String> r = h.get("/api/stats/internal/");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode s = ServerHarness.JSON.readTree(r.body());
      Instant start = Instant.parse(s.get("start_time").asText());
      Instant time = Instant.parse(s.get("time").asText());
      assertThat(start).isBefore(time);
      assertThat(time).isBeforeOrEqualTo(Instant.now());
      assertThat(s.get("rusage_maxrss").asLong())
          .isGreaterThan(1 << 20); // bytes: a JVM holds more than 1 MiB
      assertThat(s.get("rusage_utime").asDouble()).isGreaterThan(0);
      assertThat(s.get("rusage_stime").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(s.get("scheduled").get("num_entries").asInt())
          .isEqualTo(2); // the rollup and table-growth jobs
      assertThat(s.get("scheduled").get("num_heap").asInt()).isEqualTo(2);
      assertThat(s.get("tasks").get("num_waiting").asInt()).isZero();
      assertThat(s.get("tasks").get("num_running").asInt()).isZero();
      assertThat(s.get("tasks").get("num_action").asInt()).isZero();
      assertThat(s.get("len_runlogdb_cache").asInt()).isEqualTo(h.server.scheduler().historySize());
      assertThat(s.get("run_store").get("num_runs").asInt())
          .isEqualTo(h.server.scheduler().historySize());
      assertThat(s.get("run_store").get("num_queues").asInt()).isZero();
      assertThat(s.get("run_store").get("len_queues").asInt()).isZero();
      assertThat(s.get("jvm").get("heap_used_bytes").asLong()).isPositive();
      assertThat(s.get("jvm").get("threads").asInt()).isPositive();
      assertThat(s.get("jvm").get("gc").isArray()).isTrue();
      assertThat(s.has("series")).isTrue();
      assertThat(s.get("storage").get("backlog_snapshots").asInt()).isZero();
      // The latency probe has not ticked yet (it wakes at the next 10 s multiple): the field is
      // left out.
      if (s.has("async")) {
        assertThat(s.get("async").get("latency").isNumber()).isTrue();
      }
    }
  }

  @Test
  void tasksAreListedFilteredAndRevokedOverHttp() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      JsonNode list =
          ServerHarness.JSON.readTree(
              h.get("/api/stats/tasks/?job_id=" + RollupJob.JOB_ID + "&state=scheduled").body());
      assertThat(list.get("tasks")).hasSize(1);
      String id = list.get("tasks").get(0).get("id").asText();

      HttpResponse<String> revoked = h.post("/api/stats/tasks/" + id + "/revoke");
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      assertThat(ServerHarness.JSON.readTree(revoked.body()).get("task").get("state").asText())
          .isEqualTo("revoked");
      HttpResponse<String> again = h.post("/api/stats/tasks/" + id + "/revoke");
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.body()).contains("has already ended: revoked");
      assertThat(h.post("/api/stats/tasks/nothing/revoke").statusCode()).isEqualTo(404);
      assertThat(h.get("/api/stats/tasks/" + id + "/revoke").statusCode()).isEqualTo(405);

      // The rollup job's tasks (the node's other built-in job, the table-growth sample, has its
      // own).
      JsonNode all =
          ServerHarness.JSON
              .readTree(h.get("/api/stats/tasks/?job_id=" + RollupJob.JOB_ID).body())
              .get("tasks");
      assertThat(all).hasSize(2);
      assertThat(all.get(0).get("state").asText()).isEqualTo("scheduled");
      assertThat(all.get(1).get("id").asText()).isEqualTo(id);
      assertThat(
              ServerHarness.JSON.readTree(h.get("/api/stats/tasks/?limit=1").body()).get("tasks"))
          .hasSize(1);

      HttpResponse<String> badState = h.get("/api/stats/tasks/?state=done");
      assertThat(badState.statusCode()).isEqualTo(400);
      assertThat(badState.body()).contains("Invalid parameter 'state'");
      HttpResponse<String> badLimit = h.get("/api/stats/tasks/?limit=0");
      assertThat(badLimit.statusCode()).isEqualTo(400);
      assertThat(badLimit.body()).contains("Invalid parameter 'limit'");
      assertThat(h.get("/api/stats/tasks/?limit=99999999999999").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void theTaskHistorySurvivesARestartOfTheNode() throws Exception {
    Path data = dir.resolve("data");
    String revokedId;
    String pendingId;
    try (ServerHarness h = ServerHarness.start(data)) {
      revokedId = h.server.scheduler().tasks(RollupJob.JOB_ID, TaskState.SCHEDULED, 1).get(0).id();
      assertThat(h.post("/api/stats/tasks/" + revokedId + "/revoke").statusCode()).isEqualTo(200);
      pendingId = h.server.scheduler().tasks(RollupJob.JOB_ID, TaskState.SCHEDULED, 1).get(0).id();
    }
    try (ServerHarness h = ServerHarness.start(data)) {
      JsonNode tasks =
          ServerHarness.JSON
              .readTree(h.get("/api/stats/tasks/?state=revoked&job_id=" + RollupJob.JOB_ID).body())
              .get("tasks");
      assertThat(tasks)
          .extracting(t -> t.get("id").asText())
          .containsExactlyInAnyOrder(revokedId, pendingId);
      assertThat(h.server.scheduler().find(revokedId).orElseThrow().error())
          .isEqualTo("revoked before it was due");
      assertThat(h.server.scheduler().find(pendingId).orElseThrow().error())
          .isEqualTo("the node stopped before the task started");
    }
  }

  @Test
  void theWorkersViewListsThisNodeAndAnswersQueryTask() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      String worker = "hollerith@test-node";
      await("the first heartbeat")
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                try {
                  return ServerHarness.JSON
                      .readTree(h.get("/api/stats/celery/").body())
                      .get("stats")
                      .has(worker);
                } catch (Exception e) {
                  return false;
                }
              });
      JsonNode view = ServerHarness.JSON.readTree(h.get("/api/stats/celery/").body());
      assertThat(view.fieldNames())
          .toIterable()
          .containsExactly("active", "scheduled", "reserved", "revoked", "query_task", "stats");
      assertThat(view.get("query_task").isNull()).isTrue();
      List<String> scheduledJobs = new ArrayList<>();
      view.get("scheduled")
          .get(worker)
          .forEach(t -> scheduledJobs.add(t.get("request").get("name").asText()));
      assertThat(scheduledJobs).containsExactlyInAnyOrder(RollupJob.JOB_ID, TableGrowthJob.JOB_ID);
      JsonNode stats = view.get("stats").get(worker);
      assertThat(stats.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(stats.get("broker").get("transport").asText()).isEqualTo("sqlite");
      JsonNode pool = stats.get("broker").get("connection_pool");
      assertThat(pool.get("max_size").asInt()).isEqualTo(5); // one writer, four readers
      assertThat(pool.get("open").asInt()).isBetween(1, 5);
      assertThat(pool.get("waiting").asInt()).isZero();
      assertThat(stats.get("thread_pools").get("http_workers").get("size").asInt()).isPositive();
      assertThat(stats.get("thread_pools").get("store_writer").get("backlog").asInt()).isZero();

      String id = h.server.scheduler().tasks(RollupJob.JOB_ID, TaskState.SCHEDULED, 1).get(0).id();
      JsonNode query =
          ServerHarness.JSON
              .readTree(h.get("/api/stats/workers/?task_id=" + id).body())
              .get("query_task");
      assertThat(query.get(worker).get(id).get("job_id").asText()).isEqualTo(RollupJob.JOB_ID);
      JsonNode unknown =
          ServerHarness.JSON
              .readTree(h.get("/api/stats/workers/?task_id=nope").body())
              .get("query_task");
      assertThat(unknown.isObject()).isTrue();
      assertThat(unknown.size()).isZero();
    }
  }

  @Test
  void withoutAStoreTheWorkersViewIsThisNodeAloneAndTasksLiveInMemory() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"), "stats.persist=false")) {
      JsonNode view = ServerHarness.JSON.readTree(h.get("/api/stats/celery/").body());
      assertThat(view.get("stats").fieldNames())
          .toIterable()
          .containsExactly("hollerith@test-node");
      assertThat(
              view.get("stats").get("hollerith@test-node").get("broker").get("transport").isNull())
          .isTrue();
      // No store: no rollup job either.
      assertThat(ServerHarness.JSON.readTree(h.get("/api/stats/tasks/").body()).get("tasks"))
          .isEmpty();
    }
  }

  @Test
  void selfSeriesAreStoredEveryFlushAndQueryable() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"), "aggregation.max_metrics=1");
        StatsClient client =
            new StatsClient("127.0.0.1", h.server.ingestAddresses().udp().getPort())) {
      client.incr("app.hits", 1);
      client.incr("app.hits", 1);
      h.awaitSamples(2);
      h.flushAndStore();
      client.incr("app.hits", 1);
      client.incr("app.misses", 1); // a second series: over max_metrics, dropped
      h.awaitSamples(4);
      h.flushAndStore();
      long packets = h.server.stats().value("messages", "packets_received").longValue();
      assertThat(packets).isEqualTo(4);

      assertThat(ServerHarness.sumOfValues(h.series("hollerith.packets_received", "&stat=count")))
          .isEqualTo((double) packets);
      assertThat(ServerHarness.sumOfValues(h.series("hollerith.drops.max_metrics", "&stat=count")))
          .isEqualTo(1.0);
      JsonNode live = h.series("hollerith.live_series", "");
      // One point per flush, each the live series count then: app.hits alone.
      assertThat(live.get("summary").get("count").asInt()).isEqualTo(2);
      assertThat(live.get("summary").get("min").asDouble()).isEqualTo(1.0);
      assertThat(live.get("summary").get("max").asDouble()).isEqualTo(1.0);
      assertThat(ServerHarness.sumOfValues(h.series("hollerith.jvm.heap_used_bytes", "")))
          .isPositive();
      assertThat(ServerHarness.sumOfValues(h.series("app.hits", "&stat=count"))).isEqualTo(3.0);
      String metrics = h.get("/api/v1/metrics").body();
      assertThat(metrics)
          .contains(
              "hollerith.packets_received",
              "hollerith.store.backlog",
              "hollerith.flush.duration_ms");
    }
  }

  @Test
  void systemFiguresComeFromOneSourceInStatsAndPrometheus() throws Exception {
    try (ServerHarness h =
        ServerHarness.start(dir.resolve("data"), "stats.include_storage_stats_in_api=false")) {
      JsonNode system =
          ServerHarness.JSON.readTree(h.get("/stats").body()).get("hollerith").get("system");
      Set<String> inStats = new TreeSet<>();
      system.fieldNames().forEachRemaining(inStats::add);
      List<String> families = new ArrayList<>();
      Matcher m =
          Pattern.compile("(?m)^# TYPE hollerith_system_(\\w+) gauge$")
              .matcher(h.get("/metrics").body());
      while (m.find()) {
        families.add(m.group(1));
      }
      assertThat(families).doesNotHaveDuplicates();
      assertThat(new TreeSet<>(families)).isEqualTo(inStats);
      assertThat(inStats)
          .contains("uptime_seconds", "heap_used_bytes", "gc_time_seconds", "threads");
      assertThat(system.get("uptime_seconds").asDouble()).isPositive();
    }
  }

  @Test
  void selfSeriesCanBeTurnedOff() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"), "stats.self_series=false")) {
      h.flushAndStore();
      h.flushAndStore();
      assertThat(h.get("/api/v1/metrics").body()).doesNotContain("hollerith.");
    }
  }
}
