package io.hollerith.server.api;

import io.hollerith.server.flush.FlushSink;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A flush sink that keeps what Prometheus scrapes: cumulative counter totals, the latest gauges and
 * set sizes, and timers as cumulative histograms in seconds (statsd_exporter's conventions).
 *
 * <ul>
 *   <li><b>Counters</b> only ever grow, as Prometheus requires. A StatsD counter can be
 *       decremented; increments are summed per flush interval first (Etsy's semantics), and an
 *       interval whose sum is negative adds nothing to the total and is counted as {@code
 *       prometheus.negative_intervals_dropped} (statsd_exporter likewise drops negative increments
 *       with a counted error). The store and Graphite keep the signed values.
 *   <li><b>Timers</b> are histograms: milliseconds become seconds, bucket bounds are configurable,
 *       and a value sent with sample rate {@code r} counts {@code 1/r} times in the buckets, {@code
 *       _count} and {@code _sum}. An interval without samples adds nothing, so nothing ever becomes
 *       {@code NaN}. Bucket counts come from each interval's quantile sketch: exact up to {@value
 *       io.hollerith.server.sketch.QuantileSketch#MAX_EXACT_VALUES} values per interval, beyond
 *       that a value within 1% of a bound may land in the neighbouring bucket.
 * </ul>
 *
 * <p>Counter totals survive restarts through the store ({@link #restoreCounterTotals} with its
 * persisted totals), and so do gauges ({@link #restoreGauges}, shown from the start rather than
 * from the first flush); timer histograms start again from 0 after a restart. Memory is bounded by
 * {@code maxSeries} per type; a new series beyond it is not exposed and is counted as {@code
 * prometheus.series_dropped}.
 *
 * <p>Thread-safe: {@link #publish} runs on the flusher thread and builds a new immutable {@link
 * LatestValues.Snapshot} that it publishes through a volatile field, so scrapes never block the
 * flusher or each other.
 */
public final class PrometheusSink implements FlushSink, LatestValues {

  /** Timer totals are {@code [sum, count, bucket 0, bucket 1, …]}. */
  private static final int SUM = 0;

  private static final int COUNT = 1;
  private static final int FIRST_BUCKET = 2;

  private static final double MILLIS_PER_SECOND = 1000.0;

  private final List<Double> upperBounds;
  private final int maxSeries;
  private final StatsRegistry.Counter dropped;
  private final StatsRegistry.Counter negativeIntervals;

  // Confined to the flusher thread (publish/close), which the FlushSink contract makes single.
  private final TreeMap<MetricKey, Double> counterTotals = new TreeMap<>();
  private final TreeMap<MetricKey, double[]> timerTotals = new TreeMap<>();

  private volatile Snapshot latest = Snapshot.empty();

  /**
   * @param timerBucketsSeconds upper bounds of the timer histogram buckets in seconds, ascending
   * @param maxSeries most series exposed per type
   * @param stats where drops are counted
   */
  public PrometheusSink(List<Double> timerBucketsSeconds, int maxSeries, StatsRegistry stats) {
    this.upperBounds = List.copyOf(timerBucketsSeconds);
    this.maxSeries = maxSeries;
    this.dropped =
        stats.counter(
            "prometheus",
            "series_dropped",
            "StatsD series not exposed to Prometheus because the series limit was reached");
    this.negativeIntervals =
        stats.counter(
            "prometheus",
            "negative_intervals_dropped",
            "StatsD counter intervals whose increments summed to less than 0, left out of the Prometheus _total");
  }

  /**
   * Continues counter totals kept elsewhere (the store's {@code loadCounterTotals(nodeId)}), so
   * {@code _total} series do not restart at 0 after a restart. Replaces the totals of the given
   * counters; a negative total (kept before negative intervals were left out) starts from 0. Call
   * before the flusher starts (the sink's state is confined to the flusher thread afterwards).
   */
  public void restoreCounterTotals(Map<MetricKey, Double> totals) {
    totals.forEach(
        (k, v) -> {
          if (v != null && (counterTotals.containsKey(k) || counterTotals.size() < maxSeries)) {
            counterTotals.put(k, Math.max(0, v));
          }
        });
    Snapshot previous = latest;
    latest = new Snapshot(counterList(), previous.gauges(), previous.timers(), previous.sets());
  }

  /**
   * Shows the gauge values the aggregator restored from the store (its {@code restoreGauges}), so a
   * scrape right after a restart finds them instead of waiting for the first flush. Call before the
   * flusher starts.
   */
  public void restoreGauges(List<FlushSnapshot.GaugePoint> restored) {
    Snapshot previous = latest;
    latest =
        new Snapshot(
            previous.counters(), gaugeValues(restored), previous.timers(), previous.sets());
  }

  @Override
  public String name() {
    return "prometheus";
  }

  @Override
  public Snapshot latest() {
    return latest;
  }

  @Override
  public void publish(FlushSnapshot snapshot) {
    for (FlushSnapshot.CounterPoint c : snapshot.counters()) {
      if (counterTotals.containsKey(c.key()) || admit(counterTotals.size())) {
        if (c.count() < 0) {
          negativeIntervals.incr();
        }
        counterTotals.merge(c.key(), Math.max(0, c.count()), Double::sum);
      }
    }
    for (FlushSnapshot.TimerPoint t : snapshot.timers()) {
      double[] totals = timerTotals.get(t.key());
      if (totals == null && admit(timerTotals.size())) {
        totals = new double[FIRST_BUCKET + upperBounds.size()];
        timerTotals.put(t.key(), totals);
      }
      QuantileSketch sketch = t.sketch();
      if (totals != null && sketch != null && !sketch.isEmpty()) {
        totals[SUM] += sketch.sum() / MILLIS_PER_SECOND;
        totals[COUNT] += sketch.count();
        for (int i = 0; i < upperBounds.size(); i++) {
          totals[FIRST_BUCKET + i] += sketch.weightAtMost(upperBounds.get(i) * MILLIS_PER_SECOND);
        }
      }
    }
    Snapshot previous = latest;
    List<GaugeValue> gauges;
    List<SetValue> sets;
    if (snapshot.backfill()) {
      // A backfill carries an earlier interval: it adds to totals but is not "the latest".
      gauges = previous.gauges();
      sets = previous.sets();
    } else {
      gauges = gaugeValues(snapshot.gauges());
      TreeMap<MetricKey, Long> s = new TreeMap<>();
      for (FlushSnapshot.SetPoint p : snapshot.sets()) {
        if (s.size() < maxSeries || dropOne()) {
          s.put(p.key(), p.unique());
        }
      }
      sets = s.entrySet().stream().map(e -> new SetValue(e.getKey(), e.getValue())).toList();
    }
    latest = new Snapshot(counterList(), gauges, timerList(), sets);
  }

  /** The gauges to expose, by key, at most {@code maxSeries} (the rest counted as dropped). */
  private List<GaugeValue> gaugeValues(List<FlushSnapshot.GaugePoint> points) {
    TreeMap<MetricKey, Double> g = new TreeMap<>();
    for (FlushSnapshot.GaugePoint p : points) {
      if (g.size() < maxSeries || dropOne()) {
        g.put(p.key(), p.value());
      }
    }
    return g.entrySet().stream().map(e -> new GaugeValue(e.getKey(), e.getValue())).toList();
  }

  private List<CounterTotal> counterList() {
    return counterTotals.entrySet().stream()
        .map(e -> new CounterTotal(e.getKey(), e.getValue()))
        .toList();
  }

  private List<TimerHistogram> timerList() {
    List<TimerHistogram> timers = new ArrayList<>(timerTotals.size());
    for (Map.Entry<MetricKey, double[]> e : timerTotals.entrySet()) {
      double[] t = e.getValue();
      List<Double> buckets = new ArrayList<>(upperBounds.size());
      for (int i = 0; i < upperBounds.size(); i++) {
        buckets.add(t[FIRST_BUCKET + i]);
      }
      timers.add(new TimerHistogram(e.getKey(), upperBounds, buckets, t[SUM], t[COUNT]));
    }
    return timers;
  }

  private boolean admit(int size) {
    return size < maxSeries || dropOne();
  }

  private boolean dropOne() {
    dropped.incr();
    return false;
  }
}
