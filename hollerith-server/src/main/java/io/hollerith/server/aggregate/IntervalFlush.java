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
import io.hollerith.server.snapshot.LiveSetChanges;
import io.hollerith.server.snapshot.LiveSetChanges.SeriesRef;
import io.hollerith.server.snapshot.TimerStats;
import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * One interval being closed: the deletion policy the series apply ({@link Series#flushLive}, {@link
 * Series#flushClosed}), the tables they unlink themselves from, and the points they hand over,
 * which become the interval's {@link FlushSnapshot}. A live flush also tracks which series joined
 * or left the listing since the previous live snapshot ({@link LiveSetChanges}), through each
 * series' {@link Series#listedIn}: a series listed now but not by the previous snapshot joined; one
 * the previous snapshot listed that is not listed now left, whether it stayed in its table or was
 * unlinked (idle deletion, the series TTL, a {@code del*} command: every unlinked series passes
 * through the aggregator's {@code departed} queue). Used by the flusher's thread only.
 */
final class IntervalFlush {

  /** {@link Series#listedIn} of a series that no live snapshot lists. */
  static final long NOT_LISTED = -1;

  /**
   * Etsy resets, rather than deletes, counters whose key contains one of these under
   * deleteCounters.
   */
  private static final String[] ETSY_KEPT_COUNTERS = {
    "packets_received", "metrics_received", "bad_lines_seen"
  };

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

  /** Identifies the aggregator's numbering of live snapshots. */
  private final long source;

  /** This live snapshot's number (from 1), or 0 for a backfill flush, which tracks no listing. */
  private final long sequence;

  /**
   * Series unlinked from the live tables since they were last checked; null for a backfill flush.
   */
  private final Queue<Series> departed;

  private final List<SeriesRef> joined = new ArrayList<>();
  private final List<SeriesRef> left = new ArrayList<>();

  /**
   * @param idleFlushesToExpire flushes in a row without a sample after which a series leaves the
   *     live set ({@code aggregation.series_ttl}), {@link Integer#MAX_VALUE} for never
   * @param seriesExpired counts series that left for the TTL
   * @param source identifies the aggregator's numbering of live snapshots
   * @param sequence the live snapshot's number, from 1; 0 for a backfill flush
   * @param departed series unlinked from the live tables and not yet checked (live flush; null for
   *     backfill)
   * @param scratch the flusher's arrays for timer values, kept from flush to flush
   */
  IntervalFlush(
      AggregationConfig config,
      long intervalMillis,
      int idleFlushesToExpire,
      SeriesTables tables,
      CardinalityGuard guard,
      StatsRegistry.Counter seriesExpired,
      long source,
      long sequence,
      Queue<Series> departed,
      TimerScratch scratch) {
    this.config = config;
    this.intervalMillis = intervalMillis;
    this.intervalSeconds = intervalMillis / 1000.0;
    this.idleFlushesToExpire = idleFlushesToExpire;
    this.tables = tables;
    this.guard = guard;
    this.seriesExpired = seriesExpired;
    this.source = source;
    this.sequence = sequence;
    this.departed = departed;
    this.scratch = scratch;
    counters = new ArrayList<>(tables.counters.size());
    gauges = new ArrayList<>(tables.gauges.size());
    timers = new ArrayList<>(tables.timers.size());
    sets = new ArrayList<>(tables.sets.size());
  }

  /**
   * Closes the interval of every live series of the tables (resetting or unlinking each), noting
   * the series that left the listing: those visited and not listed now, then those unlinked since
   * the previous flush. A series this snapshot lists and also unlinks (a gauge reported once more
   * before its deletion) leaves with the next snapshot, so it goes back to the queue.
   */
  void closeLive() {
    tables.forEach(
        s -> {
          s.flushLive(this);
          if (s.listedIn == sequence - 1) {
            leaves(s);
          }
        });
    List<Series> listedNow = new ArrayList<>();
    for (Series s = departed.poll(); s != null; s = departed.poll()) {
      if (s.listedIn == sequence - 1) {
        leaves(s);
      } else if (s.listedIn == sequence) {
        listedNow.add(s);
      }
    }
    departed.addAll(listedNow);
  }

  /** Flushes and deletes every series of a closed backfill interval's tables. */
  void closeBackfill() {
    tables.forEach(s -> s.flushClosed(this));
  }

  /**
   * The snapshot of the points handed over so far, with the listing's changes if this is a live
   * flush.
   */
  FlushSnapshot snapshot(
      long intervalStart, boolean backfill, Map<String, Double> processingStats) {
    LiveSetChanges changes =
        departed == null ? null : LiveSetChanges.of(source, sequence, joined, left);
    return new FlushSnapshot(
        intervalStart,
        intervalMillis,
        backfill,
        counters,
        gauges,
        timers,
        sets,
        processingStats,
        changes);
  }

  /** Notes that this live snapshot lists {@code s}. */
  private void listed(Series s) {
    if (departed == null) {
      return;
    }
    if (s.listedIn != sequence - 1) {
      joined.add(new SeriesRef(s.type(), s.key));
    }
    s.listedIn = sequence;
  }

  private void leaves(Series s) {
    left.add(new SeriesRef(s.type(), s.key));
    s.listedIn = NOT_LISTED;
  }

  /** Whether a series idle for {@code idleFlushes} flushes in a row has outlived the series TTL. */
  boolean expired(int idleFlushes) {
    return idleFlushes >= idleFlushesToExpire;
  }

  /**
   * Whether an idle counter is deleted: Etsy's {@code deleteCounters}, except the counters Etsy
   * resets.
   */
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
    if (departed != null) {
      departed.add(s);
    }
  }

  /**
   * A series of a closed backfill interval was deleted: it no longer counts under {@code
   * max_metrics}.
   */
  void released(Series s) {
    guard.release(s.key);
  }

  void counter(Series s, double sum, boolean sampled) {
    listed(s);
    counters.add(new CounterPoint(s.key, sum, sum / intervalSeconds, sampled));
  }

  void gauge(Series s, double value, boolean sampled, long setAtMillis) {
    listed(s);
    gauges.add(new GaugePoint(s.key, value, sampled, setAtMillis));
  }

  /**
   * A timer's interval: Etsy's statistics over {@code values[0..n)} (which sorts them in place) and
   * the quantile sketch of the values with their {@code weights} (null when all are 1). Unweighted
   * values are sketched after the sort, from their runs per bucket ({@link
   * QuantileSketch#ofSorted}); weighted ones before it, since the sort moves values but not their
   * weights. An interval without values carries no sketch. Keeps neither array: the caller may
   * reuse them.
   */
  void timer(Series s, double[] values, double[] weights, int n, double count) {
    listed(s);
    MetricKey key = s.key;
    if (n == 0) {
      timers.add(new TimerPoint(key, EtsyTimerMath.idle(), null));
      return;
    }
    QuantileSketch weighted = weights == null ? null : QuantileSketch.of(values, weights, n);
    TimerStats stats =
        EtsyTimerMath.compute(
            values,
            n,
            count,
            intervalMillis,
            config.percentThresholds(),
            config.histograms().isEmpty()
                ? null
                : EtsyTimerMath.binsFor(EtsyKeys.of(key), config.histograms()));
    QuantileSketch sketch = weighted != null ? weighted : QuantileSketch.ofSorted(values, n);
    timers.add(new TimerPoint(key, stats, sketch));
  }

  void set(Series s, long unique, UniqueSketch sketch) {
    listed(s);
    sets.add(new SetPoint(s.key, unique, sketch));
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
