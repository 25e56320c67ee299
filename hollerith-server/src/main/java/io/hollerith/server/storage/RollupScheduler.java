package io.hollerith.server.storage;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link MetricStore#rollup} in the background every {@code storage.rollup_interval} on one
 * daemon thread ({@code hollerith-rollup}); a pass that fails is logged and counted and the next one
 * runs on schedule. Passes never overlap (fixed delay). The operations view can show it as a worker
 * task through {@link #running()}, {@link #lastReport()} and the {@code storage.rollup_*} stats:
 * counters {@code rollup_runs}, {@code rollup_failures}, {@code rollup_rows_written},
 * {@code rollup_rows_expired}; gauges {@code rollup_running}, {@code rollup_last_millis},
 * {@code rollup_longest_transaction_millis}.
 *
 * <p>Thread-safe.
 */
public final class RollupScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RollupScheduler.class);

  private final MetricStore store;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile RollupReport last;
  private final StatsRegistry.Counter runs;
  private final StatsRegistry.Counter failures;
  private final StatsRegistry.Counter rowsWritten;
  private final StatsRegistry.Counter rowsExpired;
  private final StatsRegistry.Counter seriesExpired;

  /** Starts passes every {@code every}, the first after {@code every}. */
  public RollupScheduler(MetricStore store, Duration every, StatsRegistry stats, Clock clock) {
    if (every.isZero() || every.isNegative()) {
      throw new IllegalArgumentException("storage.rollup_interval must be positive, got " + every);
    }
    this.store = store;
    this.clock = clock;
    this.runs = stats.counter("storage", "rollup_runs", "Rollup and retention passes completed");
    this.failures = stats.counter("storage", "rollup_failures", "Rollup passes that failed");
    this.rowsWritten = stats.counter("storage", "rollup_rows_written", "Coarse rows written by rollups");
    this.rowsExpired = stats.counter("storage", "rollup_rows_expired", "Rows deleted past their retention");
    this.seriesExpired = stats.counter("storage", "series_expired",
        "Series deleted because they outlived every retention level");
    stats.gauge("storage", "rollup_running", "1 while a rollup pass runs", () -> running.get() ? 1 : 0);
    stats.gauge("storage", "rollup_last_millis", "Duration of the latest rollup pass",
        () -> last == null ? 0 : last.elapsedMillis());
    stats.gauge("storage", "rollup_longest_transaction_millis",
        "Longest single transaction of the latest rollup pass (writes wait at most this long)",
        () -> last == null ? 0 : last.longestTransactionMillis());
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hollerith-rollup");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::runOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The scheduler {@code storage.rollup_interval} asks for. */
  public static RollupScheduler start(HollerithConfig config, MetricStore store, StatsRegistry stats, Clock clock) {
    return new RollupScheduler(store, config.storage().rollupInterval(), stats, clock);
  }

  /** Runs one pass on the calling thread unless one is already running; returns its report. */
  public Optional<RollupReport> runOnce() {
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
      return Optional.empty();
    } finally {
      running.set(false);
    }
  }

  /** True while a pass runs. */
  public boolean running() {
    return running.get();
  }

  /** The latest completed pass. */
  public Optional<RollupReport> lastReport() {
    return Optional.ofNullable(last);
  }

  /** Stops scheduling and waits briefly for a running pass (it stops between transactions at worst on exit). */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
