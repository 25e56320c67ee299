package io.hollerith.server.snapshot;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import java.util.List;
import java.util.Map;

/**
 * Everything one flush interval produced: immutable, handed to every flush sink.
 *
 * <p>{@code intervalStartMillis} is the start of the wall-clock aligned interval the samples fell
 * into; the interval ends at {@link #intervalEndMillis()}, which is when a live flush happens.
 * Etsy-style sinks (console, Graphite) stamp points with the end; the store keys points by the
 * start. A backfill snapshot ({@code backfill == true}) carries samples sent with a DogStatsD
 * {@code |T} timestamp for an earlier interval and only the series those samples touched.
 *
 * @param intervalStartMillis aligned interval start, epoch milliseconds
 * @param intervalMillis interval length
 * @param backfill true for a snapshot of an earlier interval made of timestamped samples
 * @param counters counters that received samples (and, unless idle deletion is on, those that did
 *     not, with 0)
 * @param gauges every live gauge (gauges persist between flushes unless deleted)
 * @param timers timers with their exact Etsy statistics and a mergeable sketch
 * @param sets sets with their unique count and a mergeable HyperLogLog
 * @param processingStats Etsy's per-flush internal values ({@code numStats}, {@code
 *     processing_time}, …), keyed by Etsy's names, for sinks that emit them
 * @param liveChanges how the listed series differ from the source's previous live snapshot; null
 *     for a backfill snapshot or when the source does not track them (consumers then compare the
 *     full lists)
 */
public record FlushSnapshot(
    long intervalStartMillis,
    long intervalMillis,
    boolean backfill,
    List<CounterPoint> counters,
    List<GaugePoint> gauges,
    List<TimerPoint> timers,
    List<SetPoint> sets,
    Map<String, Double> processingStats,
    LiveSetChanges liveChanges) {

  public FlushSnapshot {
    counters = List.copyOf(counters);
    gauges = List.copyOf(gauges);
    timers = List.copyOf(timers);
    sets = List.copyOf(sets);
    processingStats = Map.copyOf(processingStats);
  }

  /** A snapshot without {@link #liveChanges}. */
  public FlushSnapshot(
      long intervalStartMillis,
      long intervalMillis,
      boolean backfill,
      List<CounterPoint> counters,
      List<GaugePoint> gauges,
      List<TimerPoint> timers,
      List<SetPoint> sets,
      Map<String, Double> processingStats) {
    this(
        intervalStartMillis,
        intervalMillis,
        backfill,
        counters,
        gauges,
        timers,
        sets,
        processingStats,
        null);
  }

  /** This snapshot with other live-set changes (null: none known). */
  public FlushSnapshot withLiveChanges(LiveSetChanges changes) {
    return new FlushSnapshot(
        intervalStartMillis,
        intervalMillis,
        backfill,
        counters,
        gauges,
        timers,
        sets,
        processingStats,
        changes);
  }

  public long intervalEndMillis() {
    return intervalStartMillis + intervalMillis;
  }

  /** Number of series in this snapshot. */
  public int size() {
    return counters.size() + gauges.size() + timers.size() + sets.size();
  }

  /**
   * A counter's interval total.
   *
   * @param count the sum of increments, each divided by its sample rate (Etsy's {@code
   *     stats_counts})
   * @param ratePerSecond {@code count} divided by the interval in seconds (Etsy's {@code
   *     stats.<name>})
   * @param sampled whether a sample arrived in the interval (false for an idle counter flushed with
   *     0)
   */
  public record CounterPoint(MetricKey key, double count, double ratePerSecond, boolean sampled) {

    /** A counter that received samples in the interval. */
    public CounterPoint(MetricKey key, double count, double ratePerSecond) {
      this(key, count, ratePerSecond, true);
    }
  }

  /**
   * A gauge's value at the end of the interval.
   *
   * @param sampled whether a sample arrived in the interval (false for a gauge flushed again with
   *     the value it kept)
   * @param setAtMillis when the value was last set (epoch milliseconds, the receiving node's
   *     clock): a gauge is sent on every flush, and this, not the flush time, decides which node's
   *     value is the latest
   */
  public record GaugePoint(MetricKey key, double value, boolean sampled, long setAtMillis) {}

  /**
   * A timer's interval: Etsy's exact statistics plus a mergeable quantile sketch of its values.
   *
   * @param stats exact statistics over this interval's values, as Etsy StatsD computes them
   * @param sketch every value of the interval, weighted by {@code 1 / sampleRate} (exact up to
   *     {@link QuantileSketch#MAX_EXACT_VALUES} values, relative error {@link
   *     QuantileSketch#RELATIVE_ACCURACY} beyond); null for an interval without values
   */
  public record TimerPoint(MetricKey key, TimerStats stats, QuantileSketch sketch) {}

  /**
   * A set's interval.
   *
   * @param unique exact number of distinct members seen in the interval
   * @param sketch HyperLogLog of the members, for unions over time and nodes; null for an interval
   *     without members
   */
  public record SetPoint(MetricKey key, long unique, UniqueSketch sketch) {}
}
