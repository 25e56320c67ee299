package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.TimerStats;
import io.hollerith.server.stats.StatsRegistry;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus sink and exposition: format, naming, cumulative totals, and promtool on real
 * output.
 */
class PrometheusTest {

  static PrometheusSink sink(StatsRegistry stats) {
    return new PrometheusSink(List.of(0.01, 0.05, 0.1), 1000, stats);
  }

  static String render(StatsRegistry stats, LatestValues.Snapshot live, boolean openMetrics) {
    return new PrometheusWriter(stats).render(stats, Map.of(), live, n -> true, true, openMetrics);
  }

  static FlushSnapshot counters(boolean backfill, FlushSnapshot.CounterPoint... points) {
    return new FlushSnapshot(
        0, 10_000, backfill, List.of(points), List.of(), List.of(), List.of(), Map.of());
  }

  @Test
  void countersAreCumulativeAndEverythingHasHelpAndType() {
    StatsRegistry stats = new StatsRegistry();
    PrometheusSink sink = sink(stats);
    sink.publish(ApiFixture.snapshot());
    sink.publish(ApiFixture.snapshot());
    String text = render(stats, sink.latest(), false);
    assertThat(text)
        .contains(
            "# HELP shop_orders_total StatsD counter shop.orders\n# TYPE shop_orders_total counter\nshop_orders_total 10\n",
            "# TYPE blog_posts_total counter\nblog_posts_total{lang=\"en\"} 6\n",
            "# HELP shop_queue_depth StatsD gauge shop.queue_depth\n# TYPE shop_queue_depth gauge\nshop_queue_depth 7\n",
            "# TYPE blog_visitors gauge\nblog_visitors 2\n",
            "# HELP shop_checkout_duration StatsD timer shop.checkout_duration (seconds)\n"
                + "# TYPE shop_checkout_duration histogram\n",
            // Values 1 to 100 ms, twice: 10 of each at most 10 ms, 50 at most 50 ms, all at most
            // 100 ms.
            "shop_checkout_duration_bucket{le=\"0.01\"} 20\nshop_checkout_duration_bucket{le=\"0.05\"} 100\n"
                + "shop_checkout_duration_bucket{le=\"0.1\"} 200\nshop_checkout_duration_bucket{le=\"+Inf\"} 200\n"
                + "shop_checkout_duration_sum 10.1\nshop_checkout_duration_count 200\n",
            "# TYPE hollerith_prometheus_series_dropped_total counter\nhollerith_prometheus_series_dropped_total 0\n");
    // Deterministic: internal families first, then StatsD families by name.
    List<String> families =
        text.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2]).toList();
    List<String> statsd = families.stream().filter(f -> !f.startsWith("hollerith_")).toList();
    assertThat(statsd)
        .containsExactly(
            "blog_posts_total",
            "blog_visitors",
            "shop_checkout_duration",
            "shop_orders_total",
            "shop_queue_depth");
    assertThat(families.indexOf("blog_posts_total"))
        .isGreaterThan(families.indexOf("hollerith_prometheus_series_dropped_total"));
    assertThat(render(stats, sink.latest(), false)).isEqualTo(text);
  }

  @Test
  void openMetricsNamesCounterFamiliesWithoutTotalAndEnds() {
    StatsRegistry stats = new StatsRegistry();
    PrometheusSink sink = sink(stats);
    sink.publish(ApiFixture.snapshot());
    String om = render(stats, sink.latest(), true);
    assertThat(om)
        .contains("# TYPE shop_orders counter\nshop_orders_total 5\n")
        .endsWith("# EOF\n");
    assertThat(om).doesNotContain("# TYPE shop_orders_total");
  }

  @Test
  void namesAndLabelsAreSanitisedAndEscaped() {
    assertThat(PrometheusWriter.sanitizeName("web-api.requests/sec"))
        .isEqualTo("web_api_requests_sec");
    assertThat(PrometheusWriter.sanitizeName("5xx.errors")).isEqualTo("_5xx_errors");
    assertThat(PrometheusWriter.sanitizeName("ns:sub.name")).isEqualTo("ns:sub_name");
    assertThat(PrometheusWriter.sanitizeLabel("__meta")).isEqualTo("tag__meta");
    assertThat(PrometheusWriter.sanitizeLabel("host.name")).isEqualTo("host_name");
    assertThat(PrometheusWriter.sanitizeLabel("9lives")).isEqualTo("_9lives");
    MetricKey key =
        MetricKey.of(
            "x",
            List.of(
                new Tag("path", "/a\"b\\c\nd"), new Tag("canary", null), new Tag("quantile", "q")));
    assertThat(PrometheusWriter.labels(key, false))
        .isEqualTo("canary=\"true\",path=\"/a\\\"b\\\\c\\nd\",quantile=\"q\"");
    MetricKey withLe = MetricKey.of("x", List.of(new Tag("le", "q")));
    assertThat(PrometheusWriter.labels(withLe, false)).isEqualTo("le=\"q\"");
    assertThat(PrometheusWriter.labels(withLe, true)).isEqualTo("tag_le=\"q\"");
    assertThat(PrometheusWriter.formatValue(1e20)).isEqualTo("1.0E20");
    assertThat(PrometheusWriter.formatValue(Double.NaN)).isEqualTo("NaN");
    assertThat(PrometheusWriter.formatValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(PrometheusWriter.formatValue(-3)).isEqualTo("-3");
  }

  @Test
  void collidingNamesKeepTheFirstFamilyAndAreCounted() {
    StatsRegistry stats = new StatsRegistry();
    PrometheusSink sink = sink(stats);
    QuantileSketch sketch = QuantileSketch.create();
    sketch.accept(1);
    TimerStats ts = new TimerStats(1, 1, 0.1, 1, 1, 1, 1, 1, 1, 0, List.of(), Map.of());
    sink.publish(
        new FlushSnapshot(
            0,
            10_000,
            false,
            List.of(
                new FlushSnapshot.CounterPoint(MetricKey.of("dup"), 1, 0.1),
                new FlushSnapshot.CounterPoint(MetricKey.of("a.b"), 1, 0.1),
                new FlushSnapshot.CounterPoint(MetricKey.of("a_b"), 2, 0.2)),
            List.of(
                new FlushSnapshot.GaugePoint(MetricKey.of("dup_total"), 5, true, 0),
                new FlushSnapshot.GaugePoint(MetricKey.of("lat_count"), 5, true, 0)),
            List.of(new FlushSnapshot.TimerPoint(MetricKey.of("lat"), ts, sketch)),
            List.of(),
            Map.of()));
    String text = render(stats, sink.latest(), false);
    assertThat(text).contains("dup_total 1\n").doesNotContain("dup_total 5");
    // a.b and a_b sanitise to one name and one label set: the first wins.
    assertThat(text).contains("a_b_total 1\n").doesNotContain("a_b_total 2");
    // The gauge lat_count claims the name first (gauges before timers), so the histogram lat is
    // left out.
    assertThat(text).contains("lat_count 5\n").doesNotContain("# TYPE lat histogram");
    assertThat(stats.value("prometheus", "name_collisions")).isEqualTo(2L);
  }

  @Test
  void totalsContinueFromTheStoredTotalsAfterARestartAndBackfillsOnlyAdd() {
    StatsRegistry stats = new StatsRegistry();
    PrometheusSink first = sink(stats);
    first.publish(counters(false, new FlushSnapshot.CounterPoint(MetricKey.of("jobs"), 4, 0.4)));
    first.publish(
        new FlushSnapshot(
            0,
            10_000,
            false,
            List.of(),
            List.of(new FlushSnapshot.GaugePoint(MetricKey.of("temp"), 20, true, 0)),
            List.of(),
            List.of(),
            Map.of()));
    first.publish(counters(true, new FlushSnapshot.CounterPoint(MetricKey.of("jobs"), 1, 0.1)));
    assertThat(first.latest().gauges())
        .containsExactly(new LatestValues.GaugeValue(MetricKey.of("temp"), 20));
    assertThat(first.latest().counters())
        .containsExactly(new LatestValues.CounterTotal(MetricKey.of("jobs"), 5));
    // A restart: the server hands the new sink the totals the store kept (restoreCounterTotals).
    PrometheusSink second = sink(new StatsRegistry());
    assertThat(second.latest().counters()).isEmpty();
    second.restoreCounterTotals(Map.of(MetricKey.of("jobs"), 5.0));
    assertThat(second.latest().counters())
        .containsExactly(new LatestValues.CounterTotal(MetricKey.of("jobs"), 5));
    second.publish(counters(false, new FlushSnapshot.CounterPoint(MetricKey.of("jobs"), 2, 0.2)));
    assertThat(second.latest().counters())
        .containsExactly(new LatestValues.CounterTotal(MetricKey.of("jobs"), 7));
  }

  @Test
  void aNegativeCounterIntervalAddsNothingAndIsCounted() {
    StatsRegistry stats = new StatsRegistry();
    PrometheusSink sink = sink(stats);
    sink.publish(counters(false, new FlushSnapshot.CounterPoint(MetricKey.of("debt"), -3, -0.3)));
    assertThat(sink.latest().counters())
        .containsExactly(new LatestValues.CounterTotal(MetricKey.of("debt"), 0));
    sink.publish(counters(false, new FlushSnapshot.CounterPoint(MetricKey.of("debt"), 2, 0.2)));
    sink.publish(counters(false, new FlushSnapshot.CounterPoint(MetricKey.of("debt"), -1, -0.1)));
    assertThat(sink.latest().counters())
        .containsExactly(new LatestValues.CounterTotal(MetricKey.of("debt"), 2));
    assertThat(stats.value("prometheus", "negative_intervals_dropped")).isEqualTo(2L);
    sink.restoreCounterTotals(Map.of(MetricKey.of("old"), -5.0));
    assertThat(sink.latest().counters())
        .contains(new LatestValues.CounterTotal(MetricKey.of("old"), 0));
    assertThat(render(stats, sink.latest(), false))
        .contains("debt_total 2\n", "old_total 0\n")
        .contains("hollerith_prometheus_negative_intervals_dropped_total 2\n");
  }

  @Test
  void timersAreCumulativeHistogramsInSecondsWeightedBySampleRate() throws Exception {
    StatsRegistry stats = new StatsRegistry();
    PrometheusSink sink = sink(stats);
    QuantileSketch sketch = QuantileSketch.create();
    sketch.accept(5, 1 / 0.5); // 5 ms sent at @0.5: counts twice
    sketch.accept(70);
    TimerStats sampled =
        new TimerStats(2, 3, 0.3, 5, 70, 75, 4925, 37.5, 37.5, 32.5, List.of(), Map.of());
    TimerStats idle =
        new TimerStats(
            0,
            0,
            0,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            List.of(),
            Map.of());
    MetricKey key = MetricKey.of("api.latency");
    sink.publish(
        new FlushSnapshot(
            0,
            10_000,
            false,
            List.of(),
            List.of(),
            List.of(new FlushSnapshot.TimerPoint(key, sampled, sketch)),
            List.of(),
            Map.of()));
    sink.publish(
        new FlushSnapshot(
            10_000,
            10_000,
            false,
            List.of(),
            List.of(),
            List.of(new FlushSnapshot.TimerPoint(key, idle, QuantileSketch.create())),
            List.of(),
            Map.of()));
    LatestValues.TimerHistogram expected =
        new LatestValues.TimerHistogram(
            key, List.of(0.01, 0.05, 0.1), List.of(2.0, 2.0, 3.0), (5 * 2 + 70) / 1000.0, 3);
    assertThat(sink.latest().timers()).containsExactly(expected);
    String text = render(stats, sink.latest(), false);
    assertThat(text)
        .contains(
            "# TYPE api_latency histogram\n"
                + "api_latency_bucket{le=\"0.01\"} 2\napi_latency_bucket{le=\"0.05\"} 2\napi_latency_bucket{le=\"0.1\"} 3\n"
                + "api_latency_bucket{le=\"+Inf\"} 3\napi_latency_sum 0.08\napi_latency_count 3\n")
        .doesNotContain("NaN");
  }

  @Test
  void totalsRestoredFromTheStoreContinue() {
    PrometheusSink sink = sink(new StatsRegistry());
    sink.restoreCounterTotals(Map.of(MetricKey.of("jobs"), 40.0));
    assertThat(sink.latest().counters())
        .containsExactly(new LatestValues.CounterTotal(MetricKey.of("jobs"), 40));
    sink.publish(counters(false, new FlushSnapshot.CounterPoint(MetricKey.of("jobs"), 2, 0.2)));
    assertThat(sink.latest().counters())
        .containsExactly(new LatestValues.CounterTotal(MetricKey.of("jobs"), 42));
  }

  @Test
  void seriesBeyondTheLimitAreDroppedAndCounted() {
    StatsRegistry stats = new StatsRegistry();
    PrometheusSink sink = new PrometheusSink(List.of(), 2, stats);
    sink.publish(
        counters(
            false,
            new FlushSnapshot.CounterPoint(MetricKey.of("a"), 1, 0.1),
            new FlushSnapshot.CounterPoint(MetricKey.of("b"), 1, 0.1),
            new FlushSnapshot.CounterPoint(MetricKey.of("c"), 1, 0.1)));
    assertThat(sink.latest().counters()).hasSize(2);
    assertThat(stats.value("prometheus", "series_dropped")).isEqualTo(1L);
  }

  @Test
  void openMetricsByContentNegotiation(@TempDir Path fixtureDir) throws Exception {
    try (ApiFixture fx = new ApiFixture(fixtureDir, ApiFixture.config())) {
      HttpResponse<String> om =
          fx.get(
              "/metrics",
              "admin@root",
              Map.of(
                  "Accept",
                  "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
      assertThat(om.headers().firstValue("Content-Type"))
          .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(om.body()).endsWith("# EOF\n");
      HttpResponse<String> text =
          fx.get("/stats/prometheus", "admin@root", Map.of("Accept", "text/plain"));
      assertThat(text.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(text.body()).doesNotContain("# EOF");
    }
  }

  /**
   * promtool from the Debian package {@code prometheus}; CI must install it for this test to run.
   */
  static String promtool() {
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dirName, "promtool");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  @Test
  void promtoolAcceptsRealOutput(@TempDir Path fixtureDir) throws Exception {
    String promtool = promtool();
    Assumptions.assumeTrue(promtool != null, "promtool not installed (apt-get install prometheus)");
    try (ApiFixture fx = new ApiFixture(fixtureDir, ApiFixture.config())) {
      fx.get("/api/v1/whoami", null, Map.of("Authorization", "Token wrong"));
      HttpResponse<String> r = fx.get("/metrics", "support@root");
      assertThat(r.statusCode()).isEqualTo(200);
      Process p =
          new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
      p.getOutputStream().write(r.body().getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out + "\n---\n" + r.body()).isZero();
      assertThat(out.strip()).as(out).isEmpty();
      assertThat(Arrays.asList(r.body().split("\n")))
          .contains("hollerith_auth_failures_total 1", "shop_orders_total 5");
    }
  }
}
