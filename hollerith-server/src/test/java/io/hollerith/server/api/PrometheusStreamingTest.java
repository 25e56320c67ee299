package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.stats.StatsRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus exposition written in pieces: the same bytes as whole, every series, bounded pieces. */
class PrometheusStreamingTest {

  /**
   * A small set touching every rule: internal statistics (milliseconds, storage tables), every
   * StatsD type, tags (escaping, a tag without value, {@code le} on a histogram), names that
   * sanitise alike, a gauge and a set sharing a family, and names colliding across types.
   */
  static LatestValues.Snapshot smallSet() {
    List<LatestValues.CounterTotal> counters = new ArrayList<>(List.of(
        new LatestValues.CounterTotal(MetricKey.of("a.b"), 1),
        new LatestValues.CounterTotal(MetricKey.of("a_b"), 2),
        new LatestValues.CounterTotal(MetricKey.of("dup"), 3),
        new LatestValues.CounterTotal(MetricKey.of("hollerith.prometheus.name_collisions"), 4),
        new LatestValues.CounterTotal(MetricKey.of("http.requests", List.of(new Tag("code", "200"), new Tag("path", "/a\"b"))),
            5),
        new LatestValues.CounterTotal(MetricKey.of("http.requests", List.of(new Tag("code", "500"))), 6.5),
        new LatestValues.CounterTotal(MetricKey.of("http.requests", List.of(new Tag("canary", null))), 7),
        new LatestValues.CounterTotal(MetricKey.of("jobs.done_total"), 8),
        new LatestValues.CounterTotal(MetricKey.of("5xx.errors"), 9),
        new LatestValues.CounterTotal(MetricKey.of("x"), 1e20)));
    List<LatestValues.GaugeValue> gauges = new ArrayList<>(List.of(
        new LatestValues.GaugeValue(MetricKey.of("dup_total"), 10),
        new LatestValues.GaugeValue(MetricKey.of("lat_count"), 11),
        new LatestValues.GaugeValue(MetricKey.of("queue", List.of(new Tag("q", "a"))), -1.25),
        new LatestValues.GaugeValue(MetricKey.of("temp"), Double.NaN),
        new LatestValues.GaugeValue(MetricKey.of("x"), 12)));
    List<LatestValues.TimerHistogram> timers = new ArrayList<>(List.of(
        new LatestValues.TimerHistogram(MetricKey.of("lat"), List.of(0.01, 0.1), List.of(1.0, 2.0), 0.15, 3),
        new LatestValues.TimerHistogram(MetricKey.of("rpc.time", List.of(new Tag("le", "x"))), List.of(0.01, 0.1),
            List.of(0.0, 4.0), 0.3, 4),
        new LatestValues.TimerHistogram(MetricKey.of("rpc.time"), List.of(0.01, 0.1), List.of(2.0, 2.0), 0.02, 2.5)));
    List<LatestValues.SetValue> sets = new ArrayList<>(List.of(
        new LatestValues.SetValue(MetricKey.of("queue", List.of(new Tag("q", "a"))), 99),
        new LatestValues.SetValue(MetricKey.of("queue", List.of(new Tag("q", "b"))), 2),
        new LatestValues.SetValue(MetricKey.of("users"), 13),
        new LatestValues.SetValue(MetricKey.of("x"), 14)));
    counters.sort(Comparator.comparing(LatestValues.CounterTotal::key));
    gauges.sort(Comparator.comparing(LatestValues.GaugeValue::key));
    timers.sort(Comparator.comparing(LatestValues.TimerHistogram::key));
    sets.sort(Comparator.comparing(LatestValues.SetValue::key));
    return new LatestValues.Snapshot(counters, gauges, timers, sets);
  }

  static StatsRegistry smallRegistry() {
    StatsRegistry stats = new StatsRegistry();
    stats.counter("http", "requests", "HTTP requests").incr(3);
    stats.gauge("flush", "last_duration_ms", "Duration of the last flush", () -> 1500);
    return stats;
  }

  static Map<String, Map.Entry<Double, String>> smallSystem() {
    Map<String, Map.Entry<Double, String>> system = new LinkedHashMap<>();
    system.put("storage_counter_points_bytes", new AbstractMap.SimpleImmutableEntry<>(4096.0, "Storage counter points bytes"));
    system.put("storage_total_bytes", new AbstractMap.SimpleImmutableEntry<>(8192.0, "Storage total bytes"));
    system.put("heap_used_bytes", new AbstractMap.SimpleImmutableEntry<>(1.5e6, "Heap in use"));
    return system;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PrometheusStreamingTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String render(boolean openMetrics, StatsRegistry stats) {
    return new PrometheusWriter(stats).render(stats, smallSystem(), smallSet(), n -> !n.equals("users"), true, openMetrics);
  }

  @Test
  void theSmallSetIsWrittenByteForByteAsPinned() throws Exception {
    StatsRegistry stats = smallRegistry();
    assertThat(render(false, stats)).isEqualTo(resource("prometheus-small.txt"));
    // left out: gauge dup_total (counter dup), the counter named like an internal family, timer lat
    // (gauge lat_count), gauge x and set x (counter x)
    assertThat(stats.value("prometheus", "name_collisions")).isEqualTo(5L);
    assertThat(render(true, smallRegistry())).isEqualTo(resource("prometheus-small.om"));
  }

  @Test
  void piecesOfAnySizeJoinToTheWholeText() {
    String whole = render(false, smallRegistry());
    for (int target : new int[] {1, 7, 100, 4096}) {
      StatsRegistry stats = smallRegistry();
      TextBody body = new PrometheusWriter(stats).open(stats, smallSystem(), smallSet(), n -> !n.equals("users"), true, false);
      StringBuilder joined = new StringBuilder();
      StringBuilder piece = new StringBuilder();
      int pieces = 0;
      boolean more = true;
      while (more && pieces < 100_000) {
        piece.setLength(0);
        more = body.writeNext(piece, target);
        joined.append(piece);
        pieces++;
      }
      assertThat(joined.toString()).as("pieces of %d", target).isEqualTo(whole);
    }
  }
}
