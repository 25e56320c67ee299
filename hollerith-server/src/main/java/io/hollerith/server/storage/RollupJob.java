package io.hollerith.server.storage;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.jobs.Job;
import io.hollerith.server.jobs.JobProgram;
import io.hollerith.server.jobs.RunContext;
import io.hollerith.server.jobs.Schedule;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in job {@value #JOB_ID}: one {@link MetricStore#rollup} pass every {@code
 * storage.rollup_interval}, run by the {@link io.hollerith.server.jobs.Scheduler} like any job, so
 * each pass is a task with its report as output. On PostgreSQL the store's advisory lock lets one
 * node of a fleet run a pass at a time; the others' passes return an empty report. A failed pass
 * fails its task and is counted; the next runs on schedule. Passes never overlap: the scheduler
 * skips a run while the previous one is going, and {@link #runOnce()} refuses a second concurrent
 * pass.
 *
 * <p>Stats under {@code storage}: counters {@code rollup_runs}, {@code rollup_failures}, {@code
 * rollup_rows_written}, {@code rollup_rows_expired}, {@code series_expired}; gauges {@code
 * rollup_running}, {@code rollup_last_millis}, {@code rollup_longest_transaction_millis}.
 *
 * <p>Thread-safe.
 */
public final class RollupJob implements JobProgram {
  private static final Logger log = LoggerFactory.getLogger(RollupJob.class);

  /** The job id of the rollup pass. */
  public static final String JOB_ID = "hollerith.rollup";

  private final MetricStore store;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile RollupReport last;
  private final StatsRegistry.Counter runs;
  private final StatsRegistry.Counter failures;
  private final StatsRegistry.Counter rowsWritten;
  private final StatsRegistry.Counter rowsExpired;
  private final StatsRegistry.Counter seriesExpired;

  public RollupJob(MetricStore store, StatsRegistry stats, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.runs = stats.counter("storage", "rollup_runs", "Rollup and retention passes completed");
    this.failures = stats.counter("storage", "rollup_failures", "Rollup passes that failed");
    this.rowsWritten =
        stats.counter("storage", "rollup_rows_written", "Coarse rows written by rollups");
    this.rowsExpired =
        stats.counter("storage", "rollup_rows_expired", "Rows deleted past their retention");
    this.seriesExpired =
        stats.counter(
            "storage",
            "series_expired",
            "Series deleted because they outlived every retention level");
    stats.gauge(
        "storage", "rollup_running", "1 while a rollup pass runs", () -> running.get() ? 1 : 0);
    stats.gauge(
        "storage",
        "rollup_last_millis",
        "Duration of the latest rollup pass",
        () -> last == null ? 0 : last.elapsedMillis());
    stats.gauge(
        "storage",
        "rollup_longest_transaction_millis",
        "Longest single transaction of the latest rollup pass (writes wait at most this long)",
        () -> last == null ? 0 : last.longestTransactionMillis());
  }

  /** The job: this program every {@code storage.rollup_interval}. */
  public static Job job(
      HollerithConfig config, MetricStore store, StatsRegistry stats, Clock clock) {
    return new Job(
        JOB_ID,
        new Schedule.Interval(config.storage().rollupInterval()),
        Map.of(),
        new RollupJob(store, stats, clock));
  }

  @Override
  public String run(RunContext run) {
    return pass().map(RollupReport::toString).orElse("a rollup pass was already running");
  }

  /**
   * Runs one pass on the calling thread unless one is already running; returns its report, empty if
   * it failed.
   */
  public Optional<RollupReport> runOnce() {
    try {
      return pass();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Optional<RollupReport> pass() {
    if (!running.compareAndSet(false, true)) {
      return Optional.empty();
    }
    try {
      RollupReport report = store.rollup(clock.millis());
      last = report;
      runs.incr();
      rowsWritten.incr(report.rowsWritten());
      rowsExpired.incr(report.rowsExpired());
      seriesExpired.incr(report.seriesExpired());
      log.debug("rollup pass: {}", report);
      return Optional.of(report);
    } catch (RuntimeException e) {
      failures.incr();
      log.warn("rollup pass failed; the next one runs on schedule: {}", e.getMessage(), e);
      throw e;
    } finally {
      running.set(false);
    }
  }

  /** The latest completed pass. */
  public Optional<RollupReport> lastReport() {
    return Optional.ofNullable(last);
  }
}
