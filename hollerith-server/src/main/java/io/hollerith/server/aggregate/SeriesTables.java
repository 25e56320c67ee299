package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricType;
import java.util.function.Consumer;

/**
 * The four per-type tables of one interval set: the live series, or one backfill interval's.
 * Thread-safe.
 */
final class SeriesTables {
  final SeriesTable<Series.Counter> counters = new SeriesTable<>(Series.Counter::new);
  final SeriesTable<Series.Gauge> gauges = new SeriesTable<>(Series.Gauge::new);
  final SeriesTable<Series.Timer> timers = new SeriesTable<>(Series.Timer::new);
  final SeriesTable<Series.SetSeries> sets = new SeriesTable<>(Series.SetSeries::new);

  SeriesTable<? extends Series> of(MetricType type) {
    return switch (type) {
      case COUNTER -> counters;
      case GAUGE -> gauges;
      case TIMER -> timers;
      default -> sets;
    };
  }

  /**
   * Every series, type by type: counters, gauges, timers, sets (the order snapshots list them in).
   */
  void forEach(Consumer<Series> action) {
    counters.values().forEach(action);
    gauges.values().forEach(action);
    timers.values().forEach(action);
    sets.values().forEach(action);
  }
}
