package io.hollerith.server.storage;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.RetentionPolicy;
import java.time.Clock;
import java.util.Objects;

/**
 * Engine-independent settings of a {@link MetricStore}.
 *
 * @param retention the retention policy (validated against the flush interval)
 * @param flushIntervalMillis the flush interval: the resolution raw points are written at
 * @param rollupBatchSeries series per rollup transaction (halved automatically while a transaction
 *     takes more than a quarter of a flush interval)
 * @param clock time source for retention windows, rollups and write-log stamps
 */
public record StoreSettings(
    RetentionPolicy retention, long flushIntervalMillis, int rollupBatchSeries, Clock clock) {

  public StoreSettings {
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(clock, "clock");
    if (rollupBatchSeries <= 0) {
      throw new IllegalArgumentException(
          "storage.rollup_batch_series must be positive, got " + rollupBatchSeries);
    }
    retention.checkFlushInterval(flushIntervalMillis);
  }

  /**
   * Settings from the configuration: {@code storage.retention} (parsed and validated), {@code
   * aggregation.flush_interval}, {@code storage.rollup_batch_series}.
   *
   * @throws IllegalArgumentException if the retention policy is invalid or does not fit the flush
   *     interval
   */
  public static StoreSettings from(HollerithConfig config, Clock clock) {
    return new StoreSettings(
        RetentionPolicy.parse(config.storage().retention()),
        config.aggregation().flushInterval().toMillis(),
        config.storage().rollupBatchSeries(),
        clock);
  }
}
