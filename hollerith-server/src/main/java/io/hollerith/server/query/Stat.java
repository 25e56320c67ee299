package io.hollerith.server.query;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.storage.StoredPoint;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which per-interval value a series query returns, and how it is computed from a stored point (one
 * stored interval, or a bucket of them merged by the store). Immutable.
 *
 * <ul>
 *   <li>{@code count}: counters and timers, the sample-rate scaled count;
 *   <li>{@code rate}: the count divided by the length of the bucket (or stored interval) in
 *       seconds;
 *   <li>{@code sum}: a counter's count, a timer's sum of values;
 *   <li>{@code mean}: a timer's sum over its number of values;
 *   <li>{@code min}, {@code max}: timers and gauges;
 *   <li>{@code last}: a gauge's latest value;
 *   <li>{@code unique}: a set's distinct members (from the united HyperLogLogs);
 *   <li>{@code p50} … {@code p999}: a timer's nearest-rank percentiles from the merged quantile
 *       sketches, each value weighted by {@code 1/sampleRate}: exact up to {@value
 *       io.hollerith.server.sketch.QuantileSketch#MAX_EXACT_VALUES} values, within the sketch's
 *       relative accuracy beyond.
 * </ul>
 */
public enum Stat {
  COUNT("count", EnumSet.of(MetricType.COUNTER, MetricType.TIMER), Double.NaN),
  RATE("rate", EnumSet.of(MetricType.COUNTER, MetricType.TIMER), Double.NaN),
  SUM("sum", EnumSet.of(MetricType.COUNTER, MetricType.TIMER), Double.NaN),
  MEAN("mean", EnumSet.of(MetricType.TIMER), Double.NaN),
  MIN("min", EnumSet.of(MetricType.TIMER, MetricType.GAUGE), Double.NaN),
  MAX("max", EnumSet.of(MetricType.TIMER, MetricType.GAUGE), Double.NaN),
  LAST("last", EnumSet.of(MetricType.GAUGE), Double.NaN),
  UNIQUE("unique", EnumSet.of(MetricType.SET), Double.NaN),
  P50("p50", EnumSet.of(MetricType.TIMER), 0.50),
  P90("p90", EnumSet.of(MetricType.TIMER), 0.90),
  P95("p95", EnumSet.of(MetricType.TIMER), 0.95),
  P99("p99", EnumSet.of(MetricType.TIMER), 0.99),
  P999("p999", EnumSet.of(MetricType.TIMER), 0.999);

  private final String label;
  private final Set<MetricType> types;
  private final double quantile;

  Stat(String label, Set<MetricType> types, double quantile) {
    this.label = label;
    this.types = Set.copyOf(types);
    this.quantile = quantile;
  }

  /** The parameter value and column name, e.g. {@code p99}. */
  public String label() {
    return label;
  }

  public boolean appliesTo(MetricType type) {
    return types.contains(type);
  }

  /** Counters {@code count}, gauges {@code last}, timers {@code mean}, sets {@code unique}. */
  public static Stat defaultFor(MetricType type) {
    return switch (type) {
      case COUNTER -> COUNT;
      case GAUGE -> LAST;
      case TIMER -> MEAN;
      case SET -> UNIQUE;
    };
  }

  /** The stats that apply to {@code type}, in declaration order, as labels. */
  public static List<String> labelsFor(MetricType type) {
    List<String> out = new ArrayList<>();
    for (Stat s : values()) {
      if (s.appliesTo(type)) {
        out.add(s.label);
      }
    }
    return out;
  }

  /** All labels, comma-separated, for error messages. */
  public static String allLabels() {
    StringBuilder sb = new StringBuilder();
    for (Stat s : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(s.label);
    }
    return sb.toString();
  }

  /** Parses a label, case-insensitively; null when unknown. */
  public static Stat parse(String text) {
    for (Stat s : values()) {
      if (s.label.equals(text.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    return null;
  }

  /**
   * This stat of one point, or null when the point holds nothing for it (no values, an empty
   * sketch, a NaN field).
   *
   * @param lengthMillis the length of time the point covers (bucket or stored interval), for {@code
   *     rate}
   */
  public Double of(StoredPoint p, long lengthMillis) {
    double v =
        switch (this) {
          case COUNT -> p.count();
          case RATE -> lengthMillis > 0 ? p.count() / (lengthMillis / 1000.0) : Double.NaN;
          case SUM -> p.type() == MetricType.TIMER ? p.sum() : p.count();
          case MEAN -> p.sampleCount() > 0 ? p.sum() / p.sampleCount() : Double.NaN;
          case MIN -> p.min();
          case MAX -> p.max();
          case LAST -> p.last();
          case UNIQUE -> p.unique();
          case P50, P90, P95, P99, P999 ->
              p.sketch() != null && !p.sketch().isEmpty()
                  ? p.sketch().quantile(quantile)
                  : Double.NaN;
        };
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }
}
