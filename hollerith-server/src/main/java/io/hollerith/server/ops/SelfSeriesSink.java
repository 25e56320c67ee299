package io.hollerith.server.ops;

import io.hollerith.server.flush.FlushSink;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.LiveSetChanges;
import io.hollerith.server.snapshot.LiveSetChanges.SeriesRef;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records the node's own key figures as ordinary series: wraps a sink (the store's) and adds to
 * every live snapshot, under the configured prefix ({@code hollerith.}), counters for what happened
 * during the interval (packets, metrics, bad lines, drops by cause, HTTP requests, GC time) and
 * gauges for the state at its end (live series, flush duration, store write time and backlog,
 * heap). They are added after aggregation, so they never count against {@code max_metrics}. A
 * figure whose series a client already sent in the same snapshot is left out for that interval (the
 * client's point wins) and counted ({@code stats.self_series_collisions}). Backfill snapshots pass
 * unchanged. The figures that joined or left since the previous live snapshot are added to its
 * {@link LiveSetChanges}, so the store can still update its live spans by the changes alone.
 *
 * <p>Called by the flusher's one thread, like every sink; not for concurrent use.
 */
public final class SelfSeriesSink implements FlushSink {

  /** One figure: a series name (after the prefix) and the registry value it comes from. */
  private record Figure(String name, StatName stat, boolean counter) {}

  private static final List<Figure> FIGURES =
      List.of(
          new Figure("packets_received", StatName.PACKETS_RECEIVED, true),
          new Figure("metrics_received", StatName.METRICS_RECEIVED, true),
          new Figure("bad_lines", StatName.BAD_LINES_SEEN, true),
          new Figure("drops.max_metrics", StatName.DROPS_MAX_METRICS, true),
          new Figure("drops.backfill_too_old", StatName.DROPS_BACKFILL_TOO_OLD, true),
          new Figure("drops.backfill_too_new", StatName.DROPS_BACKFILL_TOO_NEW, true),
          new Figure("drops.store_backlog", StatName.STORE_SNAPSHOTS_DROPPED, true),
          new Figure("drops.kernel_udp", StatName.UDP_KERNEL_DROPS, true),
          new Figure("http.requests", StatName.HTTP_REQUESTS, true),
          new Figure("jvm.gc_time_seconds", StatName.GC_TIME_SECONDS, true),
          new Figure("live_series", StatName.LIVE_SERIES, false),
          new Figure("flush.duration_ms", StatName.FLUSH_LAST_DURATION_MS, false),
          new Figure("store.write_ms", StatName.STORE_LAST_WRITE_MILLIS, false),
          new Figure("store.backlog", StatName.STORE_BACKLOG_SNAPSHOTS, false),
          new Figure("jvm.heap_used_bytes", StatName.HEAP_USED_BYTES, false));

  private final FlushSink target;
  private final String prefix;
  private final StatsRegistry stats;
  private final StatsRegistry.Counter collisions;

  /** The cumulative value of each counter figure at the previous live snapshot. */
  private final Map<String, Double> previous = new HashMap<>();

  /**
   * The figures added to the previous live snapshot, and that snapshot's place in its source's
   * numbering.
   */
  private Set<SeriesRef> listedBefore = Set.of();

  private long listedSource;
  private long listedSequence = -1;

  public SelfSeriesSink(FlushSink target, String prefix, StatsRegistry stats) {
    this.target = target;
    this.prefix = prefix;
    this.stats = stats;
    this.collisions =
        stats.counter(
            "stats",
            "self_series_collisions",
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
    // Only a client series under the prefix can collide with a figure.
    Set<MetricKey> counterKeys = new HashSet<>();
    s.counters().forEach(c -> addIfPrefixed(counterKeys, c.key()));
    Set<MetricKey> gaugeKeys = new HashSet<>();
    s.gauges().forEach(g -> addIfPrefixed(gaugeKeys, g.key()));
    Set<SeriesRef> listed = new HashSet<>();
    List<FlushSnapshot.CounterPoint> counters = new ArrayList<>(s.counters());
    List<FlushSnapshot.GaugePoint> gauges = new ArrayList<>(s.gauges());
    double seconds = s.intervalMillis() / 1000.0;
    for (Figure f : FIGURES) {
      Number value = stats.value(f.stat());
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
        listed.add(new SeriesRef(MetricType.COUNTER, key));
      } else if (gaugeKeys.add(key)) {
        gauges.add(
            new FlushSnapshot.GaugePoint(key, value.doubleValue(), true, s.intervalEndMillis()));
        listed.add(new SeriesRef(MetricType.GAUGE, key));
      } else {
        collisions.incr();
      }
    }
    return new FlushSnapshot(
        s.intervalStartMillis(),
        s.intervalMillis(),
        false,
        counters,
        gauges,
        s.timers(),
        s.sets(),
        s.processingStats(),
        changesWith(s.liveChanges(), listed));
  }

  private void addIfPrefixed(Set<MetricKey> keys, MetricKey key) {
    if (key.name().startsWith(prefix)) {
      keys.add(key);
    }
  }

  /**
   * The snapshot's changes plus those of the figures; null (the store then compares full lists)
   * when this sink did not see the source's previous snapshot. Before a source's first snapshot
   * nothing was listed.
   */
  private LiveSetChanges changesWith(LiveSetChanges changes, Set<SeriesRef> listed) {
    LiveSetChanges out = null;
    boolean first = changes != null && changes.sequence() == 1;
    if (first
        || (changes != null
            && changes.source() == listedSource
            && changes.sequence() == listedSequence + 1)) {
      Set<SeriesRef> before = first ? Set.of() : listedBefore;
      List<SeriesRef> joined = listed.stream().filter(r -> !before.contains(r)).toList();
      List<SeriesRef> left = before.stream().filter(r -> !listed.contains(r)).toList();
      out = changes.plus(joined, left);
    }
    if (changes != null) {
      listedSource = changes.source();
      listedSequence = changes.sequence();
    }
    listedBefore = listed;
    return out;
  }

  @Override
  public void close() {
    target.close();
  }
}
