package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.FlushSnapshot.CounterPoint;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import io.hollerith.server.snapshot.FlushSnapshot.SetPoint;
import io.hollerith.server.snapshot.FlushSnapshot.TimerPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The points of one snapshot that become rows: all of them, or (when live spans cover the idle
 * rest) only those of series that received something — a counter sampled or not 0, a gauge sampled
 * (or every gauge, after a gap in the node's flushes), a timer with values, a set with members. One
 * statement may not upsert the same row twice (PostgreSQL refuses), so a series listed twice is
 * merged: counts add, the gauge value set later wins. A counter or gauge whose value is not finite
 * (SQLite would store NULL and refuse the row) is left out, so it cannot sink the whole flush.
 */
record SnapshotRows(
    List<CounterPoint> counters,
    List<GaugePoint> gauges,
    List<TimerPoint> timers,
    List<SetPoint> sets) {

  private static final Logger log = LoggerFactory.getLogger(SnapshotRows.class);

  /**
   * The rows of {@code s}; with {@code changedOnly}, only of the series that received something,
   * except gauges with {@code everyGauge}.
   */
  static SnapshotRows of(FlushSnapshot s, boolean changedOnly, boolean everyGauge) {
    List<CounterPoint> counters = new ArrayList<>();
    for (CounterPoint p : s.counters()) {
      if (!changedOnly || p.sampled() || p.count() != 0) {
        counters.add(p);
      }
    }
    List<GaugePoint> gauges = new ArrayList<>();
    for (GaugePoint p : s.gauges()) {
      if (!changedOnly || everyGauge || p.sampled()) {
        gauges.add(p);
      }
    }
    List<TimerPoint> timers = new ArrayList<>();
    for (TimerPoint p : s.timers()) {
      if (!changedOnly || p.stats().sampleCount() > 0 || p.stats().count() != 0) {
        timers.add(p);
      }
    }
    List<SetPoint> sets = new ArrayList<>();
    for (SetPoint p : s.sets()) {
      if (!changedOnly || p.unique() > 0) {
        sets.add(p);
      }
    }
    return new SnapshotRows(dedupeCounters(counters), dedupeGauges(gauges), timers, sets);
  }

  private static List<CounterPoint> dedupeCounters(List<CounterPoint> in) {
    Map<MetricKey, CounterPoint> byKey = new LinkedHashMap<>();
    for (CounterPoint p : in) {
      if (!Double.isFinite(p.count())) {
        log.warn("not storing counter {}: its count is {}", p.key(), p.count());
        continue;
      }
      byKey.merge(
          p.key(),
          p,
          (x, y) ->
              new CounterPoint(
                  x.key(),
                  x.count() + y.count(),
                  x.ratePerSecond() + y.ratePerSecond(),
                  x.sampled() || y.sampled()));
    }
    return byKey.size() == in.size() ? in : new ArrayList<>(byKey.values());
  }

  /** Of a gauge listed twice, the value set later is kept. */
  private static List<GaugePoint> dedupeGauges(List<GaugePoint> in) {
    Map<MetricKey, GaugePoint> byKey = new LinkedHashMap<>();
    for (GaugePoint p : in) {
      if (!Double.isFinite(p.value())) {
        log.warn("not storing gauge {}: its value is {}", p.key(), p.value());
        continue;
      }
      byKey.merge(
          p.key(),
          p,
          (x, y) -> {
            GaugePoint later = y.setAtMillis() >= x.setAtMillis() ? y : x;
            return new GaugePoint(
                later.key(), later.value(), x.sampled() || y.sampled(), later.setAtMillis());
          });
    }
    return byKey.size() == in.size() ? in : new ArrayList<>(byKey.values());
  }
}
