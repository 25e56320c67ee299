package io.hollerith.server.ops;

import io.hollerith.server.flush.FlushSink;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records the node's own key figures as ordinary series: wraps a sink (the store's) and adds to every
 * live snapshot, under the configured prefix ({@code hollerith.}), counters for what happened during
 * the interval (packets, metrics, bad lines, drops by cause, HTTP requests, GC time) and gauges for
 * the state at its end (live series, flush duration, store write time and backlog, heap). They are
 * added after aggregation, so they never count against {@code max_metrics}. A figure whose series a
 * client already sent in the same snapshot is left out for that interval (the client's point wins)
 * and counted ({@code stats.self_series_collisions}). Backfill snapshots pass unchanged.
 *
 * <p>Called by the flusher's one thread, like every sink; not for concurrent use.
 */
public final class SelfSeriesSink implements FlushSink {

  /** One figure: a series name (after the prefix) and the registry value it comes from. */
  private record Figure(String name, String category, String metric, boolean counter) {}

  private static final List<Figure> FIGURES = List.of(
      new Figure("packets_received", "messages", "packets_received", true),
      new Figure("metrics_received", "messages", "metrics_received", true),
      new Figure("bad_lines", "messages", "bad_lines_seen", true),
      new Figure("drops.max_metrics", "drops", "max_metrics", true),
      new Figure("drops.backfill_too_old", "drops", "backfill_too_old", true),
      new Figure("drops.backfill_too_new", "drops", "backfill_too_new", true),
      new Figure("drops.store_backlog", "storage", "snapshots_dropped", true),
      new Figure("drops.kernel_udp", "udp", "kernel_drops", true),
      new Figure("http.requests", "http", "requests", true),
      new Figure("jvm.gc_time_seconds", "system", "gc_time_seconds", true),
      new Figure("live_series", "aggregate", "live_series", false),
      new Figure("flush.duration_ms", "flush", "last_duration_ms", false),
      new Figure("store.write_ms", "storage", "last_write_millis", false),
      new Figure("store.backlog", "storage", "backlog_snapshots", false),
      new Figure("jvm.heap_used_bytes", "system", "heap_used_bytes", false));

  private final FlushSink target;
  private final String prefix;
  private final StatsRegistry stats;
  private final StatsRegistry.Counter collisions;
  /** The cumulative value of each counter figure at the previous live snapshot. */
  private final Map<String, Double> previous = new HashMap<>();

  public SelfSeriesSink(FlushSink target, String prefix, StatsRegistry stats) {
    this.target = target;
    this.prefix = prefix;
    this.stats = stats;
    this.collisions = stats.counter("stats", "self_series_collisions",
        "Self-series points left out because a client sent a series of the same name and type");
  }

  @Override
  public String name() {
    return target.name();
  }

  @Override
  public void publish(FlushSnapshot snapshot) throws Exception {
    target.publish(snapshot.backfill() ? snapshot : withFigures(snapshot));
  }

  private FlushSnapshot withFigures(FlushSnapshot s) {
    Set<MetricKey> counterKeys = new HashSet<>();
    s.counters().forEach(c -> counterKeys.add(c.key()));
    Set<MetricKey> gaugeKeys = new HashSet<>();
    s.gauges().forEach(g -> gaugeKeys.add(g.key()));
    List<FlushSnapshot.CounterPoint> counters = new ArrayList<>(s.counters());
    List<FlushSnapshot.GaugePoint> gauges = new ArrayList<>(s.gauges());
    double seconds = s.intervalMillis() / 1000.0;
    for (Figure f : FIGURES) {
      Number value = stats.value(f.category(), f.metric());
      if (value == null || Double.isNaN(value.doubleValue())) {
        continue;
      }
      MetricKey key = MetricKey.of(prefix + f.name());
      if (f.counter()) {
        double now = value.doubleValue();
        double delta = Math.max(0, now - previous.getOrDefault(f.name(), 0.0));
        previous.put(f.name(), now);
        if (!counterKeys.add(key)) {
          collisions.incr();
          continue;
        }
        counters.add(new FlushSnapshot.CounterPoint(key, delta, delta / seconds));
      } else if (gaugeKeys.add(key)) {
        gauges.add(new FlushSnapshot.GaugePoint(key, value.doubleValue(), true, s.intervalEndMillis()));
      } else {
        collisions.incr();
      }
    }
    return new FlushSnapshot(s.intervalStartMillis(), s.intervalMillis(), false, counters, gauges, s.timers(), s.sets(),
        s.processingStats());
  }

  @Override
  public void close() throws Exception {
    target.close();
  }
}
