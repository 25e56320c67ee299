package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.StoreSettings;
import io.hollerith.server.storage.TableSizeSample;
import io.hollerith.server.testing.StepClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daily table-size sample as a scheduled job, driven by the scheduler's stepped clock. */
class TableGrowthJobTest {

  @TempDir Path dir;

  /** 2026-12-07 00:30 UTC. */
  static final Instant START = Instant.parse("2026-12-07T00:30:00Z");

  final StepClock clock = new StepClock(START.toEpochMilli());
  final StatsRegistry stats = new StatsRegistry();
  MetricStore store;
  Scheduler scheduler;

  @BeforeEach
  void open() {
    store =
        MetricStores.sqlite(
            dir.resolve(MetricStores.SQLITE_FILE),
            "NORMAL",
            new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 200, clock));
  }

  @AfterEach
  void close() {
    if (scheduler != null) {
      scheduler.close();
    }
    store.close();
  }

  Task scheduled() {
    List<Task> tasks = scheduler.tasks(TableGrowthJob.JOB_ID, TaskState.SCHEDULED, 10);
    assertThat(tasks).hasSize(1);
    return tasks.get(0);
  }

  Task runDue(Task due) throws InterruptedException {
    clock.set(due.scheduledAt().toEpochMilli());
    scheduler.tick();
    await("the sample task to end")
        .atMost(Duration.ofSeconds(20))
        .until(() -> scheduler.find(due.id()).orElseThrow().state().isFinal());
    return scheduler.find(due.id()).orElseThrow();
  }

  List<TableSizeSample> samplesOf(LocalDate day) {
    return store.tableSizeHistory(day, day);
  }

  @Test
  void theSampleRunsDailyAtOneByDefaultAndStoresTheDayOfItsDueTime() throws Exception {
    TableGrowthSampler sampler =
        new TableGrowthSampler(store, new OpsConfig.TableGrowth(null, null, null), stats);
    scheduler = new Scheduler("n1", clock, store.tasks(), 100, 1, stats);
    scheduler.add(TableGrowthJob.job(new OpsConfig.TableGrowth(null, null, null), sampler));

    Task first = scheduled();
    assertThat(first.scheduledAt()).isEqualTo(Instant.parse("2026-12-07T01:00:00Z"));
    clock.set(first.scheduledAt().toEpochMilli() - 1);
    scheduler.tick();
    assertThat(scheduler.find(first.id()).orElseThrow().state()).isEqualTo(TaskState.SCHEDULED);
    assertThat(samplesOf(LocalDate.of(2026, 12, 7))).isEmpty();

    Task done = runDue(first);
    assertThat(done.state()).as(done.error()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(done.output()).matches("\\d+ tables sampled for 2026-12-07; 0 growth alerts");
    assertThat(samplesOf(LocalDate.of(2026, 12, 7))).isNotEmpty();
    assertThat(sampler.latest()).isNotEmpty();

    // The next run is a day later and fills the next day.
    Task second = scheduled();
    assertThat(second.scheduledAt()).isEqualTo(Instant.parse("2026-12-08T01:00:00Z"));
    assertThat(runDue(second).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(samplesOf(LocalDate.of(2026, 12, 8))).isNotEmpty();
    assertThat(stats.value("ops", "table_size_samples").longValue()).isEqualTo(2);
  }

  @Test
  void theTimeIsConfigurableAndAMalformedOneIsRefused() {
    OpsConfig.TableGrowth at2330 = new OpsConfig.TableGrowth(null, null, null, "23:30");
    assertThat(at2330.sampleAtTime()).isEqualTo(LocalTime.of(23, 30));
    scheduler = new Scheduler("n1", clock, null, 100, 1, stats);
    scheduler.add(TableGrowthJob.job(at2330, new TableGrowthSampler(store, at2330, stats)));
    assertThat(scheduled().scheduledAt()).isEqualTo(Instant.parse("2026-12-07T23:30:00Z"));
    assertThatThrownBy(() -> new OpsConfig.TableGrowth(null, null, null, "1am").sampleAtTime())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HH:MM");
  }

  @Test
  void theStartSampleStillFillsTodayWhenTheNodeStartsAfterTheJobsTime() {
    clock.set(Instant.parse("2026-12-07T09:00:00Z").toEpochMilli());
    TableGrowthSampler sampler =
        new TableGrowthSampler(store, new OpsConfig.TableGrowth(null, null, null), stats);
    scheduler = new Scheduler("n1", clock, null, 100, 1, stats);
    scheduler.add(TableGrowthJob.job(new OpsConfig.TableGrowth(null, null, null), sampler));
    // The job's next run is tomorrow; today's sample comes from the start-up check.
    assertThat(scheduled().scheduledAt()).isEqualTo(Instant.parse("2026-12-08T01:00:00Z"));
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    sampler.sampleIfMissing(today);
    assertThat(samplesOf(today)).isNotEmpty();
  }
}
