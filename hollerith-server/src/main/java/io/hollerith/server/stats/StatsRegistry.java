package io.hollerith.server.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Hollerith's own statistics, by category and metric: {@code incr("udp", "packets_received", 1)},
 * {@code decr(...)}, read back as one nested map for {@code /stats} and as Prometheus series.
 *
 * <p>Hot paths take a {@link Counter} handle once and increment it; a handle is a {@link
 * LongAdder}, so ingest threads never contend on a shared lock or cache line. Values that already
 * live elsewhere (queue sizes, kernel drop counters, live series) are registered as gauges read at
 * snapshot time.
 *
 * <p>Thread-safe.
 */
public final class StatsRegistry {

  /** A monotonic or up/down counter; increments are cheap and contention-free. */
  public static final class Counter {
    private final LongAdder adder = new LongAdder();
    private final String help;

    private Counter(String help) {
      this.help = help;
    }

    public void incr() {
      adder.increment();
    }

    public void incr(long delta) {
      adder.add(delta);
    }

    public void decr(long delta) {
      adder.add(-delta);
    }

    public long value() {
      return adder.sum();
    }

    public String help() {
      return help;
    }
  }

  /** A value read when the registry is read. */
  public record Gauge(DoubleSupplier supplier, String help) {}

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> counters =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Gauge>> gauges =
      new ConcurrentHashMap<>();
  private final Set<String> seriesNamingCategories = ConcurrentHashMap.newKeySet();

  /** The counter {@code category.metric}, created on first use with the given help text. */
  public Counter counter(String category, String metric, String help) {
    Objects.requireNonNull(help, "help");
    return counters
        .computeIfAbsent(category, c -> new ConcurrentHashMap<>())
        .computeIfAbsent(metric, m -> new Counter(help));
  }

  /** The counter {@code category.metric}, created on first use. */
  public Counter counter(String category, String metric) {
    return counter(category, metric, category + " " + metric.replace('_', ' '));
  }

  /** The counter {@code name}, created on first use with the given help text. */
  public Counter counter(StatName name, String help) {
    return counter(name.category(), name.metric(), help);
  }

  /** The counter {@code name}, created on first use. */
  public Counter counter(StatName name) {
    return counter(name.category(), name.metric());
  }

  /** Adds {@code delta} to {@code category.metric} (a counter going up). */
  public void incr(String category, String metric, long delta) {
    counter(category, metric).incr(delta);
  }

  /**
   * Subtracts {@code delta} from {@code category.metric} (a counter going down; internal counters
   * may do so).
   */
  public void decr(String category, String metric, long delta) {
    counter(category, metric).decr(delta);
  }

  /** Registers (or replaces) a gauge read at snapshot time. */
  public void gauge(String category, String metric, String help, DoubleSupplier supplier) {
    gauges
        .computeIfAbsent(category, c -> new ConcurrentHashMap<>())
        .put(metric, new Gauge(supplier, help));
  }

  /** Registers (or replaces) the gauge {@code name}, read at snapshot time. */
  public void gauge(StatName name, String help, DoubleSupplier supplier) {
    gauge(name.category(), name.metric(), help, supplier);
  }

  /**
   * Registers (or replaces) a gauge whose metric name is taken from series names (a key prefix, for
   * example). Such a figure tells about every tenant's series, so its whole category is left out of
   * {@link #snapshot(boolean)} for callers who do not see every tenant.
   */
  public void seriesNamingGauge(
      String category, String metric, String help, DoubleSupplier supplier) {
    seriesNamingCategories.add(category);
    gauge(category, metric, help, supplier);
  }

  /** Current value of one counter or gauge, or null when neither exists. */
  public Number value(String category, String metric) {
    Map<String, Counter> byMetric = counters.get(category);
    if (byMetric != null && byMetric.containsKey(metric)) {
      return byMetric.get(metric).value();
    }
    Map<String, Gauge> g = gauges.get(category);
    if (g != null && g.containsKey(metric)) {
      return readGauge(g.get(metric));
    }
    return null;
  }

  /** Current value of the counter or gauge {@code name}, or null when neither exists. */
  public Number value(StatName name) {
    return value(name.category(), name.metric());
  }

  /**
   * Every counter and gauge, by category then metric, both sorted by name. Whole-number values are
   * {@code Long}s, others {@code Double}s.
   */
  public Map<String, Map<String, Number>> snapshot() {
    return snapshot(true);
  }

  /**
   * Like {@link #snapshot()}; without the categories of {@link #seriesNamingGauge series-naming
   * gauges} unless {@code includeSeriesNames}.
   */
  public Map<String, Map<String, Number>> snapshot(boolean includeSeriesNames) {
    Map<String, Map<String, Number>> out = new TreeMap<>();
    counters.forEach(
        (category, byMetric) ->
            byMetric.forEach(
                (metric, counter) ->
                    out.computeIfAbsent(category, c -> new TreeMap<>())
                        .put(metric, counter.value())));
    gauges.forEach(
        (category, byMetric) ->
            byMetric.forEach(
                (metric, gauge) ->
                    out.computeIfAbsent(category, c -> new TreeMap<>())
                        .put(metric, readGauge(gauge))));
    if (!includeSeriesNames) {
      out.keySet().removeAll(seriesNamingCategories);
    }
    Map<String, Map<String, Number>> frozen = new LinkedHashMap<>();
    out.forEach((category, metrics) -> frozen.put(category, Collections.unmodifiableMap(metrics)));
    return Collections.unmodifiableMap(frozen);
  }

  /** Help text for {@code category.metric}, or null. */
  public String help(String category, String metric) {
    Map<String, Counter> byMetric = counters.get(category);
    if (byMetric != null && byMetric.containsKey(metric)) {
      return byMetric.get(metric).help();
    }
    Map<String, Gauge> g = gauges.get(category);
    return g != null && g.containsKey(metric) ? g.get(metric).help() : null;
  }

  /** True for metrics registered as gauges (the rest are counters). */
  public boolean isGauge(String category, String metric) {
    Map<String, Gauge> g = gauges.get(category);
    return g != null && g.containsKey(metric);
  }

  private static Number readGauge(Gauge gauge) {
    double v;
    try {
      v = gauge.supplier().getAsDouble();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
    if (v == Math.rint(v) && Math.abs(v) < 9.0e15) {
      return (long) v;
    }
    return v;
  }
}
