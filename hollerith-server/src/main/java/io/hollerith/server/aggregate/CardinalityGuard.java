package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cardinality guard ({@code aggregation.max_metrics}): at most that many series, live plus
 * pending backfill, exist at once, and with {@code aggregation.max_metrics_per_namespace} at most
 * that many under one namespace (the name up to its first dot), so one namespace cannot starve the
 * others. A series is {@link #reserve reserved} before it is created and {@link #release released}
 * when it is removed; a sample whose new series is refused is dropped and counted ({@code
 * drops.max_metrics}; a refusal by the namespace cap also in {@code
 * drops.max_metrics_per_namespace}), and its key prefix (the name up to the first dot) is tallied
 * so the noisiest prefixes can be reported: in {@link #topDroppedPrefixes}, as gauges {@code
 * drops_by_prefix.<prefix>}, and in a WARN logged at most once a minute while drops go on.
 *
 * <p>Thread-safe. The series count is one shared atomic and the namespace counts one concurrent map
 * holding only namespaces with series (so never more entries than series), touched only when a
 * series is created or removed, never per sample. Each ingest writer tallies into its own {@link
 * Tally}, so drops on different threads never share a lock; {@link #afterFlush()} is called by the
 * flusher only.
 */
final class CardinalityGuard {

  private static final Logger LOG = LoggerFactory.getLogger(CardinalityGuard.class);

  /** Distinct prefixes one tally keeps; further ones count under {@link #OTHER_PREFIX}. */
  private static final int MAX_TALLIED_PREFIXES = 100;

  private static final String OTHER_PREFIX = "(other)";
  private static final long WARN_INTERVAL_MILLIS = 60_000;

  private final int maxSeries;
  private final AtomicInteger seriesCount = new AtomicInteger();

  /** 0 when there is no per-namespace cap. */
  private final int maxSeriesPerNamespace;

  private final ConcurrentHashMap<String, Integer> seriesPerNamespace = new ConcurrentHashMap<>();
  private final StatsRegistry.Counter dropped;
  private final StatsRegistry.Counter refusedByNamespace;
  private final StatsRegistry stats;
  private final Clock clock;

  /** The tallies of open writers; copy-on-write because it changes only when threads start. */
  private final CopyOnWriteArrayList<Tally> tallies = new CopyOnWriteArrayList<>();

  /** Drops outside a writer, and the tallies of closed writers. */
  private final Tally shared = new Tally();

  // Written by the flusher only (afterFlush).
  /** Replaced whole, never mutated: read by the drops_by_prefix gauges. */
  private volatile Map<String, Long> reportedPrefixDrops = Map.of();

  private final Set<String> registeredPrefixGauges = new HashSet<>();
  private long lastWarnMillis = Long.MIN_VALUE;
  private long droppedAtLastWarn;

  /**
   * @param maxSeriesPerNamespace 0 for no per-namespace cap
   */
  CardinalityGuard(int maxSeries, int maxSeriesPerNamespace, StatsRegistry stats, Clock clock) {
    this.maxSeries = maxSeries;
    this.maxSeriesPerNamespace = maxSeriesPerNamespace;
    this.stats = stats;
    this.clock = clock;
    this.dropped =
        stats.counter(
            StatName.DROPS_MAX_METRICS,
            "samples for new series dropped because max_metrics (or max_metrics_per_namespace) series exist");
    this.refusedByNamespace =
        stats.counter(
            "drops",
            "max_metrics_per_namespace",
            "new series refused because their namespace (name up to the first dot) had max_metrics_per_namespace series");
  }

  /** One writer's tally of dropped samples by prefix. */
  static final class Tally {
    /** Guarded by this. */
    private final Map<String, long[]> counts = new HashMap<>();

    synchronized void add(String prefix, long n) {
      long[] c = counts.get(prefix);
      if (c == null) {
        c =
            counts.computeIfAbsent(
                counts.size() < MAX_TALLIED_PREFIXES ? prefix : OTHER_PREFIX, p -> new long[1]);
      }
      c[0] += n;
    }

    private synchronized void addTo(Map<String, Long> merged) {
      counts.forEach((p, n) -> merged.merge(p, n[0], Long::sum));
    }

    private synchronized void moveTo(Tally other) {
      counts.forEach((p, n) -> other.add(p, n[0]));
      counts.clear();
    }
  }

  /**
   * Claims room for one new series of {@code key}; false (nothing claimed) when {@code max_metrics}
   * series exist, or {@code max_metrics_per_namespace} under its namespace.
   */
  boolean reserve(MetricKey key) {
    if (seriesCount.incrementAndGet() > maxSeries) {
      seriesCount.decrementAndGet();
      return false;
    }
    if (maxSeriesPerNamespace > 0) {
      boolean[] admitted = {false};
      seriesPerNamespace.compute(
          namespaceOf(key),
          (namespace, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxSeriesPerNamespace) {
              return count;
            }
            admitted[0] = true;
            return current + 1;
          });
      if (!admitted[0]) {
        seriesCount.decrementAndGet();
        refusedByNamespace.incr();
        return false;
      }
    }
    return true;
  }

  /** Gives back the room of one series of {@code key} that was removed (or never created). */
  void release(MetricKey key) {
    seriesCount.decrementAndGet();
    if (maxSeriesPerNamespace > 0) {
      seriesPerNamespace.computeIfPresent(
          namespaceOf(key), (namespace, count) -> count <= 1 ? null : count - 1);
    }
  }

  /**
   * The name up to its first dot: the unit of {@code max_metrics_per_namespace} and of the drop
   * tallies.
   */
  static String namespaceOf(MetricKey key) {
    String name = key.name();
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  /** Series in existence. */
  int seriesCount() {
    return seriesCount.get();
  }

  /** Samples dropped so far. */
  long droppedTotal() {
    return dropped.value();
  }

  /** A tally for a new writer; {@link #retire} it when the writer closes. */
  Tally newTally() {
    Tally t = new Tally();
    tallies.add(t);
    return t;
  }

  /** Folds a closing writer's tally into the shared one. */
  void retire(Tally t) {
    tallies.remove(t);
    t.moveTo(shared);
  }

  /**
   * Counts {@code n} dropped samples of {@code prefix} in a writer's tally, or the shared one if
   * null.
   */
  void dropped(Tally t, String prefix, int n) {
    dropped.incr(n);
    (t != null ? t : shared).add(prefix, n);
  }

  /** The prefixes with the most dropped samples since start, most first (ties by name). */
  List<Aggregator.PrefixDrops> topDroppedPrefixes(int limit) {
    Map<String, Long> merged = new HashMap<>();
    for (Tally t : tallies) {
      t.addTo(merged);
    }
    shared.addTo(merged);
    return merged.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(limit)
        .map(e -> new Aggregator.PrefixDrops(e.getKey(), e.getValue()))
        .toList();
  }

  /**
   * After each flush: warns (at most once a minute) while samples are being dropped, and publishes
   * the noisiest 10 prefixes as gauges {@code drops_by_prefix.<prefix>}. The set of gauges stays
   * bounded because each tally keeps at most {@value #MAX_TALLIED_PREFIXES} prefixes.
   */
  void afterFlush() {
    long total = dropped.value();
    if (total == 0) {
      return;
    }
    long now = clock.millis();
    if (total > droppedAtLastWarn
        && (lastWarnMillis == Long.MIN_VALUE || now - lastWarnMillis >= WARN_INTERVAL_MILLIS)) {
      LOG.warn(
          "max_metrics={} series reached: {} samples for new series dropped since the last warning; "
              + "noisiest key prefixes: {}",
          maxSeries,
          total - droppedAtLastWarn,
          topDroppedPrefixes(10));
      lastWarnMillis = now;
      droppedAtLastWarn = total;
    }
    Map<String, Long> top = new LinkedHashMap<>();
    for (Aggregator.PrefixDrops p : topDroppedPrefixes(10)) {
      top.put(p.prefix(), p.droppedSamples());
    }
    reportedPrefixDrops = top;
    for (String prefix : top.keySet()) {
      if (registeredPrefixGauges.add(prefix)) {
        stats.seriesNamingGauge(
            "drops_by_prefix",
            prefix,
            "samples dropped by the max_metrics guard for new series under this name prefix (noisiest 10)",
            () -> reportedPrefixDrops.getOrDefault(prefix, 0L));
      }
    }
  }
}
