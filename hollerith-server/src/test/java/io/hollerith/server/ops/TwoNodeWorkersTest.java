package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.jobs.Job;
import io.hollerith.server.jobs.Schedule;
import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.StoreSettings;
import io.hollerith.server.testing.EmbeddedPostgresServer;
import io.hollerith.server.testing.StepClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes share one real PostgreSQL: each has its own store connection, scheduler and heartbeat;
 * node A's workers view lists both, forgets B three heartbeats after B stops, and finds a task B
 * ran.
 */
class TwoNodeWorkersTest {

  static final Duration BEAT = Duration.ofSeconds(10);

  @RegisterExtension
  static final EmbeddedPostgresServer pg = new EmbeddedPostgresServer("CREATE DATABASE fleet");

  /** One node's parts; the heartbeat is written by hand so the test decides when. */
  record Node(
      String id, MetricStore store, Scheduler scheduler, NodeHeartbeat heartbeat, WorkersView view)
      implements AutoCloseable {
    static Node start(String id, StepClock clock) {
      StatsRegistry stats = new StatsRegistry();
      MetricStore store =
          MetricStores.postgresql(
              pg.storageConfig("fleet"),
              new StoreSettings(
                  RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 100, clock));
      Scheduler scheduler = new Scheduler(id, clock, store.tasks(), 100, 1, stats);
      scheduler.add(
          new Job(
              "work-" + id,
              new Schedule.Interval(Duration.ofMinutes(1)),
              Map.of(),
              run -> "done by " + id));
      WorkerReport report =
          new WorkerReport(
              id,
              scheduler,
              stats,
              clock,
              Map.of(),
              () -> Map.of("transport", store.engine(), "connection_pool", store.connectionPool()));
      return new Node(
          id,
          store,
          scheduler,
          new NodeHeartbeat(id, report, store.heartbeats(), clock, stats),
          new WorkersView(id, report, scheduler, store.heartbeats(), store.tasks(), BEAT, clock));
    }

    @Override
    public void close() {
      scheduler.close();
      store.close();
    }
  }

  @Test
  void bothNodesAreWorkersUntilOneStopsAndAnyNodeAnswersForTheOthersTask() throws Exception {
    StepClock clock = new StepClock();
    try (Node a = Node.start("node-a", clock);
        Node b = Node.start("node-b", clock)) {
      Task bTask = b.scheduler().tasks(null, TaskState.SCHEDULED, 1).get(0);
      clock.set(bTask.scheduledAt().toEpochMilli());
      b.scheduler().tick();
      await("B's task to succeed")
          .atMost(Duration.ofSeconds(20))
          .until(() -> b.scheduler().find(bTask.id()).orElseThrow().state() == TaskState.SUCCEEDED);
      await("B's task to reach the store")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  b.store()
                      .tasks()
                      .find(bTask.id())
                      .map(t -> t.state() == TaskState.SUCCEEDED)
                      .orElse(false));
      a.heartbeat().beat();
      b.heartbeat().beat();

      Map<String, Object> view = a.view().workers(bTask.id());
      assertThat(view)
          .containsOnlyKeys("active", "scheduled", "reserved", "revoked", "query_task", "stats");
      assertThat(workers(view, "stats")).containsOnlyKeys("hollerith@node-a", "hollerith@node-b");
      assertThat(workers(view, "scheduled"))
          .containsOnlyKeys("hollerith@node-a", "hollerith@node-b");
      @SuppressWarnings("unchecked")
      Map<String, Object> bStats =
          (Map<String, Object>) workers(view, "stats").get("hollerith@node-b");
      @SuppressWarnings("unchecked")
      Map<String, Object> broker = (Map<String, Object>) bStats.get("broker");
      assertThat(broker).containsEntry("transport", "postgresql");
      assertThat(broker.get("connection_pool")).asInstanceOf(MAP).containsEntry("max_size", 2);
      @SuppressWarnings("unchecked")
      Map<String, Object> found =
          (Map<String, Object>) workers(view, "query_task").get("hollerith@node-b");
      assertThat(found.get(bTask.id()))
          .isInstanceOfSatisfying(
              Task.View.class,
              record -> {
                assertThat(record.state()).isEqualTo("succeeded");
                assertThat(record.output()).isEqualTo("done by node-b");
                assertThat(record.nodeId()).isEqualTo("node-b");
              });
      assertThat(a.scheduler().find(bTask.id())).isEmpty();

      // B stops beating; A keeps on. Within three intervals B is still listed, after them it is
      // not.
      for (int beat = 1; beat <= 3; beat++) {
        clock.advance(BEAT.toMillis());
        a.heartbeat().beat();
        Map<String, Object> now = a.view().workers(null);
        if (beat < 3) {
          assertThat(workers(now, "stats"))
              .as("after %d missed beats", beat)
              .containsKey("hollerith@node-b");
        } else {
          assertThat(workers(now, "stats")).containsOnlyKeys("hollerith@node-a");
        }
        assertThat(now.get("query_task")).isNull();
      }
      clock.advance(-1);
      assertThat(workers(a.view().workers(null), "stats"))
          .as("a millisecond earlier")
          .containsKey("hollerith@node-b");
    }
  }

  @Test
  void whenNoWorkerAnswersEveryFieldIsNull() throws Exception {
    StepClock clock = new StepClock();
    try (Node a = Node.start("node-c", clock)) {
      clock.advance(3_600_000); // nobody has beaten for an hour
      Map<String, Object> view = a.view().workers("anything");
      assertThat(view)
          .containsOnlyKeys("active", "scheduled", "reserved", "revoked", "query_task", "stats");
      assertThat(view.values()).containsOnlyNulls();
      a.store().close(); // the store is down
      assertThat(a.view().workers(null).values()).containsOnlyNulls();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> workers(Map<String, Object> view, String field) {
    return (Map<String, Object>) view.get(field);
  }
}
