package io.hollerith.server.aggregate;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.TimerStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Small helpers shared by the aggregation tests: configs and snapshot lookups by key. */
final class AggregatorTestSupport {

  /** 2023-11-14T22:13:20Z, a multiple of 10 s. */
  static final long T0 = 1_700_000_000_000L;

  private AggregatorTestSupport() {}

  /**
   * Runs a race: starts the flusher, then the writers; when every writer has finished, sets {@code
   * done} (the flusher's signal to do its last pass) and waits for the flusher.
   */
  static void race(List<Thread> writers, Thread flusher, AtomicBoolean done)
      throws InterruptedException {
    flusher.start();
    writers.forEach(Thread::start);
    for (Thread w : writers) {
      w.join();
    }
    done.set(true);
    flusher.join();
  }

  static AggregationConfig config(List<Double> thresholds, Boolean deleteIdle, Integer maxMetrics) {
    return AggregationConfig.builder()
        .percentThresholds(thresholds)
        .deleteIdleStats(deleteIdle)
        .maxMetrics(maxMetrics)
        .build();
  }

  static StatsConfig unbuffered() {
    return StatsConfig.defaults();
  }

  static StatsConfig buffered(int bufferSize) {
    return StatsConfig.buffered(bufferSize, 1000);
  }

  static Map<String, Double> counts(FlushSnapshot s) {
    Map<String, Double> m = new TreeMap<>();
    s.counters().forEach(c -> m.put(c.key().toString(), c.count()));
    return m;
  }

  static Map<String, Double> rates(FlushSnapshot s) {
    Map<String, Double> m = new TreeMap<>();
    s.counters().forEach(c -> m.put(c.key().toString(), c.ratePerSecond()));
    return m;
  }

  static Map<String, Double> gauges(FlushSnapshot s) {
    Map<String, Double> m = new TreeMap<>();
    s.gauges().forEach(g -> m.put(g.key().toString(), g.value()));
    return m;
  }

  static Map<String, Long> sets(FlushSnapshot s) {
    Map<String, Long> m = new TreeMap<>();
    s.sets().forEach(p -> m.put(p.key().toString(), p.unique()));
    return m;
  }

  static Map<String, TimerStats> timers(FlushSnapshot s) {
    Map<String, TimerStats> m = new TreeMap<>();
    s.timers().forEach(t -> m.put(t.key().toString(), t.stats()));
    return m;
  }

  static FlushSnapshot.TimerPoint timer(FlushSnapshot s, String key) {
    return s.timers().stream()
        .filter(t -> t.key().toString().equals(key))
        .findFirst()
        .orElseThrow();
  }

  static FlushSnapshot.SetPoint set(FlushSnapshot s, String key) {
    return s.sets().stream().filter(t -> t.key().toString().equals(key)).findFirst().orElseThrow();
  }
}
