package io.hollerith.server.api;

import io.hollerith.server.model.MetricKey;
import java.util.List;

/**
 * The live StatsD series as Prometheus exposes them: cumulative counter totals, the latest gauges
 * and set sizes, and timers as summaries (quantiles of the latest interval, cumulative sum and
 * count). {@link PrometheusSink} is the implementation fed by the flusher. Implementations are
 * thread-safe and return immutable snapshots.
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
   * @param timers timer summaries
   * @param sets distinct members in the latest interval
   */
  record Snapshot(List<CounterTotal> counters, List<GaugeValue> gauges, List<TimerSummary> timers, List<SetValue> sets) {
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

  /** A counter's total of all increments (sample-rate scaled). */
  record CounterTotal(MetricKey key, double total) {}

  /** A gauge's latest value. */
  record GaugeValue(MetricKey key, double value) {}

  /**
   * A timer as a Prometheus summary.
   *
   * @param quantiles quantile (0 to 1, ascending) and its value in the latest interval ({@code NaN}
   *     when the timer received nothing in it)
   * @param sum cumulative sum of values
   * @param count cumulative number of values
   */
  record TimerSummary(MetricKey key, List<Quantile> quantiles, double sum, double count) {
    public TimerSummary {
      quantiles = List.copyOf(quantiles);
    }
  }

  /** One quantile of a summary. */
  record Quantile(double quantile, double value) {}

  /** A set's distinct members in the latest interval. */
  record SetValue(MetricKey key, long unique) {}
}
