package io.hollerith.server.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hollerith.server.flush.FlushSink;
import io.hollerith.server.flush.FlushSnapshot;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.stats.StatsRegistry;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flush sink that keeps what Prometheus scrapes: cumulative counter totals, the latest gauges
 * and set sizes, and timer summaries (the configured quantiles of the latest interval, from its
 * sketch, plus cumulative sum and count). Counters and timer sums/counts only ever grow, as
 * Prometheus requires; with a state file they survive restarts (saved at most once per
 * {@code saveEvery} and at close, loaded at construction).
 *
 * <p>Memory is bounded by {@code maxSeries} per type; a new series beyond it is not exposed and is
 * counted as {@code prometheus.series_dropped}.
 *
 * <p>Thread-safe: {@link #publish} runs on the flusher thread and builds a new immutable
 * {@link LatestValues.Snapshot} that it publishes through a volatile field, so scrapes never block
 * the flusher or each other.
 */
public final class PrometheusSink implements FlushSink, LatestValues {

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusSink.class);

  private final List<Double> quantiles;
  private final int maxSeries;
  private final Path stateFile;
  private final Duration saveEvery;
  private final Clock clock;
  private final StatsRegistry.Counter dropped;

  // Confined to the flusher thread (publish/close), which the FlushSink contract makes single.
  private final TreeMap<MetricKey, Double> counterTotals = new TreeMap<>();
  private final TreeMap<MetricKey, double[]> timerTotals = new TreeMap<>();
  private long lastSaveMillis;

  private volatile Snapshot latest = Snapshot.empty();

  /**
   * @param percentThresholds the aggregation's {@code percentThreshold} list; positive entries
   *     become quantiles ({@code 90} → 0.9), and the median (0.5) is always exposed
   * @param maxSeries most series exposed per type
   * @param stateFile where counter totals persist, or null to keep them in memory only
   * @param saveEvery how often the state file is written during operation
   * @param clock time source for the save cadence
   * @param stats where drops are counted
   */
  public PrometheusSink(List<Double> percentThresholds, int maxSeries, Path stateFile, Duration saveEvery,
      Clock clock, StatsRegistry stats) {
    TreeSet<Double> q = new TreeSet<>();
    q.add(0.5);
    for (Double t : percentThresholds) {
      if (t != null && t > 0 && t < 100) {
        // Decimal arithmetic: 99.9 / 100.0 is 0.9990000000000001 in binary floating point.
        q.add(new java.math.BigDecimal(Double.toString(t)).movePointLeft(2).doubleValue());
      }
    }
    this.quantiles = List.copyOf(q);
    this.maxSeries = maxSeries;
    this.stateFile = stateFile;
    this.saveEvery = saveEvery;
    this.clock = clock;
    this.dropped = stats.counter("prometheus", "series_dropped",
        "StatsD series not exposed to Prometheus because the series limit was reached");
    this.lastSaveMillis = clock.millis();
    load();
  }

  /**
   * Continues counter totals kept elsewhere (the store's {@code loadCounterTotals(nodeId)}), so
   * {@code _total} series do not restart at 0 after a restart. Replaces the totals of the given
   * counters. Call before the flusher starts (the sink's state is confined to the flusher thread
   * afterwards).
   */
  public void restoreCounterTotals(Map<MetricKey, Double> totals) {
    totals.forEach((k, v) -> {
      if (v != null && (counterTotals.containsKey(k) || counterTotals.size() < maxSeries)) {
        counterTotals.put(k, v);
      }
    });
    Snapshot previous = latest;
    latest = new Snapshot(counterTotals.entrySet().stream().map(e -> new CounterTotal(e.getKey(), e.getValue())).toList(),
        previous.gauges(), previous.timers(), previous.sets());
  }

  @Override
  public String name() {
    return "prometheus";
  }

  @Override
  public Snapshot latest() {
    return latest;
  }

  @Override
  public void publish(FlushSnapshot snapshot) {
    for (FlushSnapshot.CounterPoint c : snapshot.counters()) {
      if (counterTotals.containsKey(c.key()) || admit(counterTotals.size())) {
        counterTotals.merge(c.key(), c.count(), Double::sum);
      }
    }
    for (FlushSnapshot.TimerPoint t : snapshot.timers()) {
      double[] totals = timerTotals.get(t.key());
      if (totals == null && admit(timerTotals.size())) {
        totals = new double[2];
        timerTotals.put(t.key(), totals);
      }
      // An idle timer (Etsy flushes it with count 0 and no sum) adds nothing; its NaN sum would
      // poison the cumulative _sum for good.
      if (totals != null && t.stats().sampleCount() > 0) {
        totals[0] += t.stats().sum();
        totals[1] += t.stats().sampleCount();
      }
    }
    Snapshot previous = latest;
    List<GaugeValue> gauges;
    List<SetValue> sets;
    Map<MetricKey, List<Quantile>> timerQuantiles = new TreeMap<>();
    if (snapshot.backfill()) {
      // A backfill carries an earlier interval: it adds to totals but is not "the latest".
      gauges = previous.gauges();
      sets = previous.sets();
      for (TimerSummary t : previous.timers()) {
        timerQuantiles.put(t.key(), t.quantiles());
      }
    } else {
      TreeMap<MetricKey, Double> g = new TreeMap<>();
      for (FlushSnapshot.GaugePoint p : snapshot.gauges()) {
        if (g.size() < maxSeries || dropOne()) {
          g.put(p.key(), p.value());
        }
      }
      gauges = g.entrySet().stream().map(e -> new GaugeValue(e.getKey(), e.getValue())).toList();
      TreeMap<MetricKey, Long> s = new TreeMap<>();
      for (FlushSnapshot.SetPoint p : snapshot.sets()) {
        if (s.size() < maxSeries || dropOne()) {
          s.put(p.key(), p.unique());
        }
      }
      sets = s.entrySet().stream().map(e -> new SetValue(e.getKey(), e.getValue())).toList();
      for (FlushSnapshot.TimerPoint t : snapshot.timers()) {
        List<Quantile> qs = new ArrayList<>(quantiles.size());
        for (double q : quantiles) {
          qs.add(new Quantile(q, t.sketch() == null || t.sketch().isEmpty() ? Double.NaN : t.sketch().quantile(q)));
        }
        timerQuantiles.put(t.key(), qs);
      }
    }
    List<CounterTotal> counters = counterTotals.entrySet().stream()
        .map(e -> new CounterTotal(e.getKey(), e.getValue())).toList();
    List<TimerSummary> timers = new ArrayList<>(timerTotals.size());
    for (Map.Entry<MetricKey, double[]> e : timerTotals.entrySet()) {
      List<Quantile> qs = timerQuantiles.get(e.getKey());
      if (qs == null) {
        qs = quantiles.stream().map(q -> new Quantile(q, Double.NaN)).toList();
      }
      timers.add(new TimerSummary(e.getKey(), qs, e.getValue()[0], e.getValue()[1]));
    }
    latest = new Snapshot(counters, gauges, timers, sets);
    if (stateFile != null && clock.millis() - lastSaveMillis >= saveEvery.toMillis()) {
      save();
    }
  }

  private boolean admit(int size) {
    return size < maxSeries || dropOne();
  }

  private boolean dropOne() {
    dropped.incr();
    return false;
  }

  @Override
  public void close() {
    if (stateFile != null) {
      save();
    }
  }

  private void save() {
    lastSaveMillis = clock.millis();
    Map<String, Object> state = new LinkedHashMap<>();
    Map<String, Double> counters = new LinkedHashMap<>();
    counterTotals.forEach((k, v) -> counters.put(k.canonical(), v));
    Map<String, double[]> timers = new LinkedHashMap<>();
    timerTotals.forEach((k, v) -> timers.put(k.canonical(), v.clone()));
    state.put("counters", counters);
    state.put("timers", timers);
    try {
      Path dir = stateFile.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".prometheus-state", ".tmp");
      try {
        Files.write(tmp, Json.bytes(state));
        try {
          Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      LOG.warn("cannot save Prometheus counter totals to {}: {}", stateFile, e.getMessage());
    }
  }

  private void load() {
    if (stateFile == null || !Files.exists(stateFile)) {
      return;
    }
    try {
      Map<String, Map<String, Object>> state = Json.MAPPER.readValue(stateFile.toFile(),
          new TypeReference<Map<String, Map<String, Object>>>() {});
      state.getOrDefault("counters", Map.of()).forEach((k, v) -> {
        if (v instanceof Number n && counterTotals.size() < maxSeries) {
          counterTotals.put(MetricKey.fromCanonical(k), n.doubleValue());
        }
      });
      state.getOrDefault("timers", Map.of()).forEach((k, v) -> {
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number s && l.get(1) instanceof Number c
            && timerTotals.size() < maxSeries) {
          timerTotals.put(MetricKey.fromCanonical(k), new double[] {s.doubleValue(), c.doubleValue()});
        }
      });
      latest = new Snapshot(
          counterTotals.entrySet().stream().map(e -> new CounterTotal(e.getKey(), e.getValue())).toList(),
          List.of(),
          timerTotals.entrySet().stream().map(e -> new TimerSummary(e.getKey(),
              quantiles.stream().map(q -> new Quantile(q, Double.NaN)).toList(), e.getValue()[0], e.getValue()[1])).toList(),
          List.of());
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring unreadable Prometheus state file {}: {}; counter totals restart from 0", stateFile, e.getMessage());
      counterTotals.clear();
      timerTotals.clear();
    }
  }
}
