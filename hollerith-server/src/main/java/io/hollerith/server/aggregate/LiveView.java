package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the current, not yet flushed interval holds, for Etsy's management interface ({@code
 * counters}, {@code timers}, {@code gauges}, {@code sets}, {@code del*}). Keys are {@link
 * io.hollerith.server.model.MetricKey#toString()}. Reads are copies; implementations are
 * thread-safe.
 */
public interface LiveView {

  /**
   * Etsy's own counters of the current interval, in Etsy's order: {@code statsd.bad_lines_seen},
   * {@code statsd.packets_received}, {@code statsd.metrics_received}.
   */
  Map<String, Double> etsyCounters();

  /** Counter values of the current interval (already divided by sample rates). */
  Map<String, Double> counters();

  /**
   * The counters of {@link #counters()} in the same order, for a reader that writes them out one at
   * a time: each iteration reads every value as it reaches it. An implementation holding many
   * series lists one reference per counter instead of copying every name and value first.
   */
  default Iterable<Map.Entry<String, Double>> counterEntries() {
    return counters().entrySet();
  }

  /** Timer values of the current interval, in arrival order. */
  Map<String, List<Double>> timers();

  /** Current gauge values. */
  Map<String, Double> gauges();

  /** Set members of the current interval. */
  Map<String, Set<String>> sets();

  /**
   * Deletes the named series of one type from the live aggregates (Etsy's {@code delcounters}
   * etc.).
   *
   * @return true if such a series existed
   */
  boolean delete(MetricType type, String name);
}
