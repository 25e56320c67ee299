package io.hollerith.server.api;

import io.hollerith.server.model.MetricKey;
import java.util.List;

/**
 * The live StatsD series as Prometheus exposes them: cumulative counter totals, the latest gauges
 * and set sizes, and timers as cumulative histograms in seconds. {@link PrometheusSink} is the
 * implementation fed by the flusher. Implementations are thread-safe and return immutable
 * snapshots.
 */
@FunctionalInterface
public interface LatestValues {

  /** The values after the latest flush. */
  Snapshot latest();

  /**
   * Immutable; every list is sorted by key.
   *
   * @param counters cumulative totals since the first flush (surviving restarts when persisted)
   * @param gauges latest gauge values
   * @param timers timer histograms
   * @param sets distinct members in the latest interval
   */
  record Snapshot(
      List<CounterTotal> counters,
      List<GaugeValue> gauges,
      List<TimerHistogram> timers,
      List<SetValue> sets) {
    public Snapshot {
      counters = List.copyOf(counters);
      gauges = List.copyOf(gauges);
      timers = List.copyOf(timers);
      sets = List.copyOf(sets);
    }

    public static Snapshot empty() {
      return new Snapshot(List.of(), List.of(), List.of(), List.of());
    }
  }

  /**
   * A counter's total of all increments (sample-rate scaled), never negative: a flush interval
   * whose increments sum to less than 0 adds nothing.
   */
  record CounterTotal(MetricKey key, double total) {}

  /** A gauge's latest value. */
  record GaugeValue(MetricKey key, double value) {}

  /**
   * A timer as a Prometheus histogram, in seconds, cumulative since the first flush; every value
   * counts {@code 1 / sampleRate} times.
   *
   * @param upperBounds bucket upper bounds in seconds, ascending (the {@code +Inf} bucket is
   *     implied)
   * @param bucketCounts weighted number of values at most each bound, in the same order
   * @param sum weighted sum of the values, seconds
   * @param count weighted number of values (the {@code +Inf} bucket)
   */
  record TimerHistogram(
      MetricKey key,
      List<Double> upperBounds,
      List<Double> bucketCounts,
      double sum,
      double count) {
    public TimerHistogram {
      upperBounds = List.copyOf(upperBounds);
      bucketCounts = List.copyOf(bucketCounts);
    }
  }

  /** A set's distinct members in the latest interval. */
  record SetValue(MetricKey key, long unique) {}
}
