package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.jobs.Job;
import io.hollerith.server.jobs.Schedule;
import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollup job on a real SQLite file, run by the scheduler while flush writes run alongside. */
class RollupJobTest {

  @TempDir Path dir;

  @Test
  void rollsUpInTheBackgroundWithoutStallingWrites() throws Exception {
    long t0 = MetricStoreContractTest.T0;
    StepClock clock = new StepClock(t0 + 3_600_000);
    StoreSettings settings =
        new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 100, clock);
    StatsRegistry stats = new StatsRegistry();
    try (MetricStore store = MetricStores.sqlite(dir.resolve("metrics.db"), "FULL", settings)) {
      int series = 500;
      for (int i = 0; i < 36; i++) { // six minutes of flushes of 500 timers
        SnapshotBuilder b = SnapshotBuilder.at(t0 + i * 10_000L);
        for (int s = 0; s < series; s++) {
          b.timer("t" + s, i, i + 1, s);
        }
        store.write("n1", i, b.build());
      }
      Scheduler scheduler = new Scheduler("n1", clock, store.tasks(), 100, 1, stats);
      RollupJob rollup = new RollupJob(store, stats, clock);
      scheduler.add(
          new Job(
              RollupJob.JOB_ID, new Schedule.Interval(Duration.ofMillis(20)), Map.of(), rollup));
      clock.advance(20);
      scheduler.tick();
      // Keep flushing (into the hour after the data) while the pass runs; time every write.
      long slowest = 0;
      int i = 1000;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (stats.value("storage", "rollup_runs").longValue() < 1
          && System.nanoTime() < deadline) {
        SnapshotBuilder b = SnapshotBuilder.at(t0 + 3_600_000 + i * 10_000L);
        for (int s = 0; s < 50; s++) {
          b.counter("c" + s, 1);
        }
        long start = System.nanoTime();
        store.write("n1", i++, b.build());
        slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
      }
      await("the rollup task to succeed")
          .atMost(Duration.ofSeconds(20))
          .until(() -> scheduler.count(TaskState.SUCCEEDED) == 1);
      Task task = scheduler.tasks(RollupJob.JOB_ID, TaskState.SUCCEEDED, 1).get(0);
      scheduler.close();
      assertThat(stats.value("storage", "rollup_runs").longValue()).isGreaterThanOrEqualTo(1);
      assertThat(stats.value("storage", "rollup_failures")).isEqualTo(0L);
      RollupReport report = rollup.lastReport().orElseThrow();
      assertThat(task.output()).isEqualTo(report.toString());
      assertThat(report.rowsRead()).isGreaterThanOrEqualTo(series * 36L);
      // Nothing held the write side for anywhere near a 10 s flush interval.
      assertThat(report.longestTransactionMillis()).isLessThan(2_500);
      assertThat(slowest).isLessThan(10_000);
      assertThat(stats.value("storage", "rollup_rows_written").longValue())
          .isGreaterThanOrEqualTo(series * 6L);

      List<StoredPoint> minutes =
          store.readBuckets(MetricKey.of("t7"), MetricType.TIMER, t0, t0 + 359_999, 60_000);
      assertThat(minutes)
          .hasSize(6)
          .allSatisfy(
              p -> {
                assertThat(p.resolutionMillis()).isEqualTo(60_000);
                assertThat(p.sampleCount()).isEqualTo(18);
              });
    }
  }

  @Test
  void countsExpiredSeriesInItsStats() {
    long t0 = MetricStoreContractTest.T0;
    StepClock clock = new StepClock(t0);
    StoreSettings settings =
        new StoreSettings(RetentionPolicy.parse("10s:1h,1m:1d"), 10_000, 100, clock);
    StatsRegistry stats = new StatsRegistry();
    try (MetricStore store = MetricStores.sqlite(dir.resolve("metrics.db"), "FULL", settings)) {
      RollupJob scheduler = new RollupJob(store, stats, clock);
      store.write("n1", 1, SnapshotBuilder.at(t0).counter("gone.1", 1).gauge("gone.2", 1).build());
      clock.set(t0 + 24 * 3_600_000L + 120_000);
      assertThat(scheduler.runOnce().orElseThrow().seriesExpired()).isEqualTo(2);
      assertThat(stats.value("storage", "series_expired")).isEqualTo(2L);
    }
  }
}
