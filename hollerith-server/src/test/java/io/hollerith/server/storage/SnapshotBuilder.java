package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.TimerStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds flush snapshots the way the aggregator does, from raw samples. */
final class SnapshotBuilder {
  private final long start;
  private final long interval;
  private final boolean backfill;
  private final List<FlushSnapshot.CounterPoint> counters = new ArrayList<>();
  private final List<FlushSnapshot.GaugePoint> gauges = new ArrayList<>();
  private final List<FlushSnapshot.TimerPoint> timers = new ArrayList<>();
  private final List<FlushSnapshot.SetPoint> sets = new ArrayList<>();

  SnapshotBuilder(long start, long interval, boolean backfill) {
    this.start = start;
    this.interval = interval;
    this.backfill = backfill;
  }

  static SnapshotBuilder at(long start) {
    return new SnapshotBuilder(start, 10_000, false);
  }

  static SnapshotBuilder backfill(long start) {
    return new SnapshotBuilder(start, 10_000, true);
  }

  SnapshotBuilder counter(MetricKey key, double count) {
    counters.add(new FlushSnapshot.CounterPoint(key, count, count / (interval / 1000.0)));
    return this;
  }

  SnapshotBuilder counter(String name, double count) {
    return counter(MetricKey.of(name), count);
  }

  /** A gauge set at the start of the interval. */
  SnapshotBuilder gauge(String name, double value) {
    return gauge(name, value, start);
  }

  SnapshotBuilder gauge(String name, double value, long setAtMillis) {
    gauges.add(new FlushSnapshot.GaugePoint(MetricKey.of(name), value, true, setAtMillis));
    return this;
  }

  SnapshotBuilder timer(String name, double... values) {
    return timer(MetricKey.of(name), values);
  }

  SnapshotBuilder timer(MetricKey key, double... values) {
    timers.add(new FlushSnapshot.TimerPoint(key, stats(values, interval), sketch(values)));
    return this;
  }

  /** A counter flushed again without samples (Etsy's idle counter, count 0). */
  SnapshotBuilder idleCounter(String name) {
    counters.add(new FlushSnapshot.CounterPoint(MetricKey.of(name), 0, 0, false));
    return this;
  }

  /**
   * A gauge flushed again with the value it kept, without a sample (set just before this interval).
   */
  SnapshotBuilder idleGauge(String name, double value) {
    gauges.add(new FlushSnapshot.GaugePoint(MetricKey.of(name), value, false, start - 1));
    return this;
  }

  /** A timer flushed without values, as Etsy flushes an idle timer (no sum, no min or max). */
  SnapshotBuilder idleTimer(String name) {
    double nan = Double.NaN;
    timers.add(
        new FlushSnapshot.TimerPoint(
            MetricKey.of(name),
            new TimerStats(0, 0, 0, nan, nan, nan, nan, nan, nan, nan, List.of(), Map.of()),
            QuantileSketch.create()));
    return this;
  }

  SnapshotBuilder set(String name, String... members) {
    UniqueSketch sketch = UniqueSketch.create();
    for (String m : members) {
      sketch.update(m);
    }
    sets.add(
        new FlushSnapshot.SetPoint(
            MetricKey.of(name), Arrays.stream(members).distinct().count(), sketch));
    return this;
  }

  FlushSnapshot build() {
    return new FlushSnapshot(start, interval, backfill, counters, gauges, timers, sets, Map.of());
  }

  static QuantileSketch sketch(double... values) {
    QuantileSketch s = QuantileSketch.create();
    for (double v : values) {
      s.accept(v);
    }
    return s;
  }

  static TimerStats stats(double[] values, long interval) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double sum = 0;
    double sumSquares = 0;
    for (double v : sorted) {
      sum += v;
      sumSquares += v * v;
    }
    double mean = sum / n;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double variance = 0;
    for (double v : sorted) {
      variance += (v - mean) * (v - mean);
    }
    return new TimerStats(
        n,
        n,
        n / (interval / 1000.0),
        sorted[0],
        sorted[n - 1],
        sum,
        sumSquares,
        mean,
        median,
        Math.sqrt(variance / n),
        List.of(),
        Map.of());
  }
}
