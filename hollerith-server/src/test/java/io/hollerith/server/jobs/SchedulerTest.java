package io.hollerith.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.StoreSettings;
import io.hollerith.server.testing.StepClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler with a stepped clock; the store tests use a real SQLite file. */
class SchedulerTest {

  @TempDir Path dir;

  final StepClock clock = new StepClock();
  final StatsRegistry stats = new StatsRegistry();
  final AtomicInteger runs = new AtomicInteger();
  Scheduler scheduler;

  @AfterEach
  void close() {
    if (scheduler != null) {
      scheduler.close();
    }
  }

  Scheduler scheduler(TaskStore store, int history, int threads) {
    scheduler = new Scheduler("n1", clock, store, history, threads, stats);
    return scheduler;
  }

  JobProgram counting() {
    return run -> "run " + runs.incrementAndGet();
  }

  Task scheduledTask(String jobId) {
    List<Task> scheduled = scheduler.tasks(jobId, TaskState.SCHEDULED, 10);
    assertThat(scheduled).hasSize(1);
    return scheduled.get(0);
  }

  void awaitState(String taskId, TaskState state) throws InterruptedException {
    await("task " + taskId + " to be " + state)
        .atMost(Duration.ofSeconds(20))
        .until(() -> scheduler.find(taskId).orElseThrow().state() == state);
  }

  @Test
  void anIntervalJobRunsAtWallClockMultiplesOfItsInterval() throws Exception {
    long t0 = clock.millis();
    long firstDue = Math.floorDiv(t0, 60_000) * 60_000 + 60_000;
    scheduler(null, 100, 1)
        .add(
            new Job(
                "every-minute",
                new Schedule.Interval(Duration.ofSeconds(60)),
                Map.of(),
                counting()));
    Task first = scheduledTask("every-minute");
    assertThat(first.scheduledAt()).isEqualTo(Instant.ofEpochMilli(firstDue));

    clock.set(firstDue - 1);
    scheduler.tick();
    assertThat(scheduler.find(first.id()).orElseThrow().state()).isEqualTo(TaskState.SCHEDULED);

    clock.set(firstDue);
    scheduler.tick();
    awaitState(first.id(), TaskState.SUCCEEDED);
    Task done = scheduler.find(first.id()).orElseThrow();
    assertThat(done.output()).isEqualTo("run 1");
    assertThat(done.startedAt()).isEqualTo(Instant.ofEpochMilli(firstDue));
    assertThat(done.endedAt()).isEqualTo(Instant.ofEpochMilli(firstDue));
    assertThat(scheduledTask("every-minute").scheduledAt())
        .isEqualTo(Instant.ofEpochMilli(firstDue + 60_000));
    assertThat(stats.value("jobs", "tasks_succeeded")).isEqualTo(1L);
  }

  @Test
  void aDailyJobRunsOnceADayAtItsUtcTime() throws Exception {
    clock.set(Instant.parse("2026-12-07T02:45:00Z").toEpochMilli());
    scheduler(null, 100, 1)
        .add(new Job("nightly", new Schedule.Daily(LocalTime.of(1, 0)), Map.of(), counting()));
    Task first = scheduledTask("nightly");
    assertThat(first.scheduledAt()).isEqualTo(Instant.parse("2026-12-08T01:00:00Z"));

    clock.set(Instant.parse("2026-12-08T01:00:00Z").toEpochMilli());
    scheduler.tick();
    awaitState(first.id(), TaskState.SUCCEEDED);
    assertThat(scheduledTask("nightly").scheduledAt())
        .isEqualTo(Instant.parse("2026-12-09T01:00:00Z"));
    assertThat(new Schedule.Daily(LocalTime.of(1, 0)).next(Instant.parse("2026-12-08T00:59:59Z")))
        .isEqualTo(Instant.parse("2026-12-08T01:00:00Z"));
  }

  @Test
  void aRunDueWhileThePreviousRunsIsSkippedAndCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch startedRun = new CountDownLatch(1);
    scheduler(null, 100, 2)
        .add(
            new Job(
                "slow",
                new Schedule.Interval(Duration.ofSeconds(10)),
                Map.of(),
                run -> {
                  startedRun.countDown();
                  release.await();
                  return "finally";
                }));
    Task first = scheduledTask("slow");
    clock.set(first.scheduledAt().toEpochMilli());
    scheduler.tick();
    assertThat(startedRun.await(20, TimeUnit.SECONDS)).isTrue();
    awaitState(first.id(), TaskState.RUNNING);

    Task second = scheduledTask("slow");
    clock.set(second.scheduledAt().toEpochMilli());
    scheduler.tick();
    Task skipped = scheduler.find(second.id()).orElseThrow();
    assertThat(skipped.state()).isEqualTo(TaskState.SKIPPED);
    assertThat(skipped.error()).isEqualTo("the previous run " + first.id() + " was still running");
    assertThat(skipped.startedAt()).isNull();
    assertThat(stats.value("jobs", "tasks_skipped")).isEqualTo(1L);

    release.countDown();
    awaitState(first.id(), TaskState.SUCCEEDED);
    Task third = scheduledTask("slow");
    clock.set(third.scheduledAt().toEpochMilli());
    scheduler.tick();
    awaitState(third.id(), TaskState.SUCCEEDED);
  }

  @Test
  void aRevokedScheduledTaskNeverStartsAndTheJobIsScheduledAgain() throws Exception {
    scheduler(null, 100, 1)
        .add(new Job("j", new Schedule.Interval(Duration.ofSeconds(10)), Map.of(), counting()));
    Task first = scheduledTask("j");
    Task revoked = scheduler.revoke(first.id()).orElseThrow();
    assertThat(revoked.state()).isEqualTo(TaskState.REVOKED);
    assertThat(revoked.error()).isEqualTo("revoked before it was due");
    Task next = scheduledTask("j");
    assertThat(next.scheduledAt()).isEqualTo(first.scheduledAt().plusSeconds(10));
    assertThat(scheduler.heapSize()).isEqualTo(2);
    assertThat(scheduler.count(TaskState.SCHEDULED)).isEqualTo(1);

    clock.set(first.scheduledAt().toEpochMilli());
    scheduler.tick();
    assertThat(runs.get()).isZero();
    assertThat(scheduler.heapSize()).isEqualTo(1);
    assertThatThrownBy(() -> scheduler.revoke(first.id()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("task " + first.id() + " has already ended: revoked");
    assertThat(scheduler.revoke("no-such-task")).isEmpty();
  }

  @Test
  void repeatedRevokesDoNotGrowTheHeapWithoutBound() {
    scheduler(null, 10, 1)
        .add(new Job("daily", new Schedule.Daily(LocalTime.of(1, 0)), Map.of(), counting()));
    for (int i = 0; i < 1_000; i++) {
      scheduler.revoke(scheduledTask("daily").id());
    }
    assertThat(scheduler.heapSize()).isLessThanOrEqualTo(1 + 64 + 1);
    assertThat(scheduler.count(TaskState.SCHEDULED)).isEqualTo(1);
    assertThat(scheduler.historySize()).isEqualTo(10);
    assertThat(stats.value("jobs", "tasks_revoked")).isEqualTo(1_000L);
  }

  @Test
  void aRevokedWaitingTaskNeverStarts() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    scheduler(null, 100, 1)
        .add(
            new Job(
                "blocker",
                new Schedule.Interval(Duration.ofSeconds(10)),
                Map.of(),
                run -> {
                  release.await();
                  return null;
                }));
    scheduler.add(
        new Job("queued", new Schedule.Interval(Duration.ofSeconds(10)), Map.of(), counting()));
    Task blocker = scheduledTask("blocker");
    Task queued = scheduledTask("queued");
    clock.set(blocker.scheduledAt().toEpochMilli());
    scheduler.tick();
    awaitState(blocker.id(), TaskState.RUNNING);
    assertThat(scheduler.find(queued.id()).orElseThrow().state()).isEqualTo(TaskState.WAITING);

    assertThat(scheduler.revoke(queued.id()).orElseThrow().error())
        .isEqualTo("revoked before it started");
    release.countDown();
    awaitState(blocker.id(), TaskState.SUCCEEDED);
    assertThat(runs.get()).isZero();
    assertThat(scheduler.find(queued.id()).orElseThrow().state()).isEqualTo(TaskState.REVOKED);
  }

  @Test
  void aRevokedRunningTaskIsInterruptedAndEndsRevoked() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    scheduler(null, 100, 1)
        .add(
            new Job(
                "long",
                new Schedule.Interval(Duration.ofSeconds(10)),
                Map.of(),
                run -> {
                  running.countDown();
                  never.await();
                  return "not reached";
                }));
    Task task = scheduledTask("long");
    clock.set(task.scheduledAt().toEpochMilli());
    scheduler.tick();
    assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();

    assertThat(scheduler.revoke(task.id()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    awaitState(task.id(), TaskState.REVOKED);
    Task revoked = scheduler.find(task.id()).orElseThrow();
    assertThat(revoked.error()).isEqualTo("revoked while running");
    assertThat(revoked.output()).isNull();
    assertThat(revoked.endedAt()).isNotNull();
    assertThat(stats.value("jobs", "tasks_revoked")).isEqualTo(1L);
  }

  @Test
  void aFailingProgramFailsItsTaskWithTheMessage() throws Exception {
    scheduler(null, 100, 1)
        .add(
            new Job(
                "broken",
                new Schedule.Interval(Duration.ofSeconds(10)),
                Map.of(),
                run -> {
                  throw new IllegalStateException("disk on fire");
                }));
    Task task = scheduledTask("broken");
    clock.set(task.scheduledAt().toEpochMilli());
    scheduler.tick();
    awaitState(task.id(), TaskState.FAILED);
    assertThat(scheduler.find(task.id()).orElseThrow().error()).isEqualTo("disk on fire");
    assertThat(stats.value("jobs", "tasks_failed")).isEqualTo(1L);
  }

  @Test
  void aRestartKeepsTheHistoryAndClosesWhatWasLeftOpen() throws Exception {
    StoreSettings settings =
        new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 100, clock);
    try (MetricStore store = MetricStores.sqlite(dir.resolve("metrics.db"), "FULL", settings)) {
      Scheduler first = scheduler(store.tasks(), 100, 1);
      first.add(new Job("j", new Schedule.Interval(Duration.ofSeconds(10)), Map.of(), counting()));
      Task ran = scheduledTask("j");
      clock.set(ran.scheduledAt().toEpochMilli());
      first.tick();
      awaitState(ran.id(), TaskState.SUCCEEDED);
      Task pending = scheduledTask("j");
      first.close();
      // A task a crashed process left running.
      Task crashed =
          new Task(
              "crashed-1",
              "n1",
              "j",
              TaskState.RUNNING,
              ran.scheduledAt().minusSeconds(10),
              ran.scheduledAt().minusSeconds(10),
              null,
              null,
              null);
      store.tasks().save(crashed);

      Scheduler second = scheduler(store.tasks(), 100, 1);
      second.restore();
      assertThat(second.find(ran.id()).orElseThrow())
          .isEqualTo(store.tasks().find(ran.id()).orElseThrow());
      assertThat(second.find(ran.id()).orElseThrow().output()).isEqualTo("run 1");
      Task pendingAfter = second.find(pending.id()).orElseThrow();
      assertThat(pendingAfter.state()).isEqualTo(TaskState.REVOKED);
      assertThat(pendingAfter.error()).isEqualTo("the node stopped before the task started");
      Task crashedAfter = second.find("crashed-1").orElseThrow();
      assertThat(crashedAfter.state()).isEqualTo(TaskState.FAILED);
      assertThat(crashedAfter.error()).isEqualTo("the node stopped while the task ran");
      second.close();
      assertThat(store.tasks().find("crashed-1").orElseThrow().state()).isEqualTo(TaskState.FAILED);
    }
  }

  @Test
  void onlyTheNewestTasksAreKeptInMemoryAndInTheStore() throws Exception {
    StoreSettings settings =
        new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 100, clock);
    try (MetricStore store = MetricStores.sqlite(dir.resolve("metrics.db"), "FULL", settings)) {
      scheduler(store.tasks(), 3, 1)
          .add(new Job("j", new Schedule.Interval(Duration.ofSeconds(10)), Map.of(), counting()));
      for (int i = 1; i <= 5; i++) {
        Task t = scheduledTask("j");
        clock.set(t.scheduledAt().toEpochMilli());
        scheduler.tick();
        awaitState(t.id(), TaskState.SUCCEEDED);
      }
      assertThat(scheduler.historySize()).isEqualTo(3);
      List<Task> held = scheduler.tasks(null, null, 10);
      assertThat(held)
          .extracting(Task::state)
          .containsExactly(TaskState.SCHEDULED, TaskState.SUCCEEDED, TaskState.SUCCEEDED);
      assertThat(held.get(1).output()).isEqualTo("run 5");
      scheduler.close();
      List<Task> stored = store.tasks().recent("n1", 100);
      assertThat(stored).hasSize(3);
      assertThat(stored).extracting(Task::output).containsExactly("run 4", "run 5", null);
    }
  }
}
