package io.hollerith.server.aggregate;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.etsy.EtsyKeys;
import io.hollerith.server.etsy.EtsyTimerMath;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.FlushSnapshot.CounterPoint;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import io.hollerith.server.snapshot.FlushSnapshot.SetPoint;
import io.hollerith.server.snapshot.FlushSnapshot.TimerPoint;
import io.hollerith.server.snapshot.TimerStats;
import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One interval being closed: the deletion policy the series apply ({@link Series#flushLive},
 * {@link Series#flushClosed}), the tables they unlink themselves from, and the points they hand
 * over, which become the interval's {@link FlushSnapshot}. Used by the flusher's thread only.
 */
final class IntervalFlush {

  /** Etsy resets, rather than deletes, counters whose key contains one of these under deleteCounters. */
  private static final String[] ETSY_KEPT_COUNTERS = {"packets_received", "metrics_received", "bad_lines_seen"};

  private final AggregationConfig config;
  private final long intervalMillis;
  private final double intervalSeconds;
  private final int idleFlushesToExpire;
  private final SeriesTables tables;
  private final CardinalityGuard guard;
  private final StatsRegistry.Counter seriesExpired;
  /** Where a timer's values are copied when its interval is closed (see {@link Series.Timer}). */
  final TimerScratch scratch;

  private final List<CounterPoint> counters;
  private final List<GaugePoint> gauges;
  private final List<TimerPoint> timers;
  private final List<SetPoint> sets;

  /**
   * @param idleFlushesToExpire flushes in a row without a sample after which a series leaves the
   *     live set ({@code aggregation.series_ttl}), {@link Integer#MAX_VALUE} for never
   * @param seriesExpired counts series that left for the TTL
   * @param scratch the flusher's arrays for timer values, kept from flush to flush
   */
  IntervalFlush(AggregationConfig config, long intervalMillis, int idleFlushesToExpire, SeriesTables tables,
      CardinalityGuard guard, StatsRegistry.Counter seriesExpired, TimerScratch scratch) {
    this.config = config;
    this.intervalMillis = intervalMillis;
    this.intervalSeconds = intervalMillis / 1000.0;
    this.idleFlushesToExpire = idleFlushesToExpire;
    this.tables = tables;
    this.guard = guard;
    this.seriesExpired = seriesExpired;
    this.scratch = scratch;
    counters = new ArrayList<>(tables.counters.size());
    gauges = new ArrayList<>(tables.gauges.size());
    timers = new ArrayList<>(tables.timers.size());
    sets = new ArrayList<>(tables.sets.size());
  }

  /** Closes the interval of every live series of the tables (resetting or unlinking each). */
  void closeLive() {
    tables.forEach(s -> s.flushLive(this));
  }

  /** Flushes and deletes every series of a closed backfill interval's tables. */
  void closeBackfill() {
    tables.forEach(s -> s.flushClosed(this));
  }

  /** The snapshot of the points handed over so far. */
  FlushSnapshot snapshot(long intervalStart, boolean backfill, Map<String, Double> processingStats) {
    return new FlushSnapshot(intervalStart, intervalMillis, backfill, counters, gauges, timers, sets, processingStats);
  }

  /** Whether a series idle for {@code idleFlushes} flushes in a row has outlived the series TTL. */
  boolean expired(int idleFlushes) {
    return idleFlushes >= idleFlushesToExpire;
  }

  /** Whether an idle counter is deleted: Etsy's {@code deleteCounters}, except the counters Etsy resets. */
  boolean deletesIdleCounter(MetricKey key) {
    return config.deleteCounters() && !etsyKept(key);
  }

  boolean deleteGauges() {
    return config.deleteGauges();
  }

  boolean deleteTimers() {
    return config.deleteTimers();
  }

  boolean deleteSets() {
    return config.deleteSets();
  }

  /**
   * Takes an idle live series out of its table, counting it if it left for the series TTL. The
   * caller holds the series' monitor.
   */
  void unlinkIdle(Series s) {
    s.deleted = true;
    if (tables.of(s.type()).remove(s)) {
      guard.release(s.key);
    }
    if (expired(s.idleFlushes)) {
      seriesExpired.incr();
    }
  }

  /** A series of a closed backfill interval was deleted: it no longer counts under {@code max_metrics}. */
  void released(Series s) {
    guard.release(s.key);
  }

  void counter(MetricKey key, double sum, boolean sampled) {
    counters.add(new CounterPoint(key, sum, sum / intervalSeconds, sampled));
  }

  void gauge(MetricKey key, double value, boolean sampled, long setAtMillis) {
    gauges.add(new GaugePoint(key, value, sampled, setAtMillis));
  }

  /**
   * A timer's interval: its quantile sketch, built from {@code values[0..n)} in arrival order with
   * their {@code weights} (null when all are 1), then Etsy's statistics over the values (which
   * sorts them in place). Keeps neither array: the caller may reuse them.
   */
  void timer(MetricKey key, double[] values, double[] weights, int n, double count) {
    QuantileSketch sketch = QuantileSketch.of(values, weights, n);
    TimerStats stats = n == 0
        ? EtsyTimerMath.idle()
        : EtsyTimerMath.compute(values, n, count, intervalMillis, config.percentThresholds(),
            config.histograms().isEmpty() ? null : EtsyTimerMath.binsFor(EtsyKeys.of(key), config.histograms()));
    timers.add(new TimerPoint(key, stats, sketch));
  }

  void set(MetricKey key, long unique, UniqueSketch sketch) {
    sets.add(new SetPoint(key, unique, sketch != null ? sketch : UniqueSketch.create()));
  }

  /** Etsy's {@code deleteCounters} resets, rather than deletes, these counters. */
  static boolean etsyKept(MetricKey key) {
    String k = key.canonical();
    for (String kept : ETSY_KEPT_COUNTERS) {
      if (k.contains(kept)) {
        return true;
      }
    }
    return false;
  }
}
