package io.hollerith.server.aggregate;

import static io.hollerith.server.aggregate.AggregatorTestSupport.T0;
import static io.hollerith.server.aggregate.AggregatorTestSupport.config;
import static io.hollerith.server.aggregate.AggregatorTestSupport.counts;
import static io.hollerith.server.aggregate.AggregatorTestSupport.gauges;
import static io.hollerith.server.aggregate.AggregatorTestSupport.rates;
import static io.hollerith.server.aggregate.AggregatorTestSupport.sets;
import static io.hollerith.server.aggregate.AggregatorTestSupport.timers;
import static io.hollerith.server.aggregate.AggregatorTestSupport.unbuffered;
import static io.hollerith.server.config.AggregationConfig.defaults;
import static io.hollerith.server.protocol.TestSamples.at;
import static io.hollerith.server.protocol.TestSamples.counter;
import static io.hollerith.server.protocol.TestSamples.gauge;
import static io.hollerith.server.protocol.TestSamples.set;
import static io.hollerith.server.protocol.TestSamples.timer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.AggregationConfig.Histogram;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.TimerStats;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class AggregatorTest {

  private final StatsRegistry stats = new StatsRegistry();
  private final StepClock clock = new StepClock(T0 + 3_000);

  private Aggregator aggregator(AggregationConfig config) {
    return new Aggregator(config, unbuffered(), stats, clock);
  }

  private FlushSnapshot flushOnly(Aggregator a, long start) {
    List<FlushSnapshot> out = a.flush(start);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  @Test
  void countersSumValuesDividedBySampleRateAndReportRatePerSecond() {
    Aggregator a = aggregator(defaults());
    var w = a.newWriter();
    w.accept(counter("hits", 1));
    w.accept(counter("hits", 1));
    w.accept(counter("hits", 1));
    w.accept(counter("hits", 2, 0.1));
    w.accept(counter("refunds", -5));
    w.accept(counter("fractional", 1, 0.3));

    FlushSnapshot s = flushOnly(a, T0);
    assertThat(s.intervalStartMillis()).isEqualTo(T0);
    assertThat(s.intervalMillis()).isEqualTo(10_000);
    assertThat(s.backfill()).isFalse();
    // Etsy: value * (1 / rate): 2 * (1 / 0.1) = 20; 1 * (1 / 0.3) = 3.3333333333333335.
    assertThat(counts(s))
        .containsExactly(
            entry("fractional", 1 * (1 / 0.3)), entry("hits", 23.0), entry("refunds", -5.0));
    assertThat(rates(s))
        .containsExactly(
            entry("fractional", (1 * (1 / 0.3)) / 10.0),
            entry("hits", 2.3),
            entry("refunds", -0.5));

    // Without deleteCounters, idle counters flush as 0.
    FlushSnapshot next = flushOnly(a, T0 + 10_000);
    assertThat(counts(next))
        .containsExactly(entry("fractional", 0.0), entry("hits", 0.0), entry("refunds", 0.0));
    assertThat(rates(next))
        .containsOnlyKeys("fractional", "hits", "refunds")
        .allSatisfy((k, v) -> assertThat(v).isZero());
  }

  @Test
  void gaugesPersistAndSignedValuesAreDeltas() {
    Aggregator a = aggregator(defaults());
    var w = a.newWriter();
    w.accept(gauge("temp", "10"));
    w.accept(gauge("temp", "+5"));
    w.accept(gauge("temp", "-3"));
    w.accept(gauge("fresh_up", "+4")); // delta on a missing gauge starts from 0
    w.accept(gauge("fresh_down", "-4"));
    w.accept(gauge("sampled", "7", 0.1)); // Etsy ignores a gauge's sample rate
    assertThat(gauges(flushOnly(a, T0)))
        .containsExactly(
            entry("fresh_down", -4.0),
            entry("fresh_up", 4.0),
            entry("sampled", 7.0),
            entry("temp", 12.0));

    // Gauges persist across idle intervals.
    assertThat(gauges(flushOnly(a, T0 + 10_000))).containsEntry("temp", 12.0);

    // "-5" on an existing gauge is a delta; the Etsy idiom "0" then "-5" sets a negative value.
    w.accept(gauge("temp", "-5"));
    assertThat(gauges(flushOnly(a, T0 + 20_000))).containsEntry("temp", 7.0);
    w.accept(gauge("temp", "0"));
    w.accept(gauge("temp", "-5"));
    assertThat(gauges(flushOnly(a, T0 + 30_000))).containsEntry("temp", -5.0);
    // A plain value sets, whatever came before.
    w.accept(gauge("temp", "3"));
    assertThat(a.liveView().gauges()).containsEntry("temp", 3.0);
  }

  /**
   * Found by EtsyParityTest: Etsy tests {@code gauges[key]} for truthiness, so a delta on a gauge
   * at 0 sets it.
   */
  @Test
  void aDeltaOnAGaugeAtZeroSetsItAsEtsyDoesSoMinusZeroStays() {
    Aggregator a = aggregator(defaults());
    var w = a.newWriter();
    w.accept(gauge("negzero", "0"));
    w.accept(gauge("negzero", "-0")); // Etsy: -0 (0 + -0 would be 0)
    w.accept(gauge("zeroneg", "-0"));
    w.accept(gauge("zeroneg", "+0")); // Etsy: 0
    w.accept(gauge("up", "0"));
    w.accept(gauge("up", "+2.5"));
    Map<String, Double> g = gauges(flushOnly(a, T0));
    assertThat(bits(g.get("negzero"))).isEqualTo(bits(-0.0));
    assertThat(bits(g.get("zeroneg"))).isEqualTo(bits(0.0));
    assertThat(g.get("up")).isEqualTo(2.5);
  }

  /**
   * Found by EtsyParityTest: Etsy's {@code sort((a, b) => a - b)} is stable and sees {@code -0} and
   * {@code 0} as equal, so zeros keep their arrival order; {@link java.util.Arrays#sort} would put
   * every {@code -0} first.
   */
  @Test
  void timerZerosKeepTheirArrivalOrderAsInEtsysStableSort() {
    Aggregator a = aggregator(config(List.of(50.0), null, null));
    var w = a.newWriter();
    for (double v : new double[] {0.0, -0.0, 5, -0.0}) {
      w.accept(timer("mixed", v));
    }
    for (double v : new double[] {-0.0, 0.0, 0.0, -0.0}) {
      w.accept(timer("zeros", v));
    }
    Map<String, TimerStats> t = timers(flushOnly(a, T0));
    // Etsy's order [0, -0, -0, 5]: lower 0, median (-0 + -0) / 2 = -0, upper_50 = values[1] = -0.
    var mixed = t.get("mixed");
    assertThat(bits(mixed.lower())).isEqualTo(bits(0.0));
    assertThat(bits(mixed.median())).isEqualTo(bits(-0.0));
    assertThat(bits(mixed.percentiles().get(0).bound())).isEqualTo(bits(-0.0));
    assertThat(mixed.sum()).isEqualTo(5.0);
    // [-0, 0, 0, -0] stays as it came: lower -0, upper -0, median (0 + 0) / 2 = 0.
    var zeros = t.get("zeros");
    assertThat(bits(zeros.lower())).isEqualTo(bits(-0.0));
    assertThat(bits(zeros.upper())).isEqualTo(bits(-0.0));
    assertThat(bits(zeros.median())).isEqualTo(bits(0.0));
  }

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  @Test
  void setsCountUniqueMembersPerIntervalWithASketch() {
    Aggregator a = aggregator(defaults());
    var w = a.newWriter();
    for (String m : List.of("alice", "bob", "alice", "carol", "bob")) {
      w.accept(set("users", m));
    }
    FlushSnapshot s = flushOnly(a, T0);
    assertThat(sets(s)).containsExactly(entry("users", 3L));
    assertThat(AggregatorTestSupport.set(s, "users").sketch().uniqueCount()).isEqualTo(3);
    assertThat(a.liveView().sets()).containsEntry("users", Set.of());

    // Reset per interval; idle sets flush 0 unless deleteSets.
    w.accept(set("users", "alice"));
    assertThat(sets(flushOnly(a, T0 + 10_000))).containsExactly(entry("users", 1L));
    FlushSnapshot idle = flushOnly(a, T0 + 20_000);
    assertThat(sets(idle)).containsExactly(entry("users", 0L));
    // An idle interval carries no sketch (the store writes an empty one): nothing is allocated.
    assertThat(AggregatorTestSupport.set(idle, "users").sketch()).isNull();
  }

  @Test
  void timerStatisticsFollowEtsyForSeveralThresholdsAndHistogramBins() {
    var config =
        AggregationConfig.builder()
            .percentThresholds(List.of(90.0, -10.0, 99.9, 50.5, -99.0, 1.0))
            .histograms(
                List.of(
                    new Histogram("glork", List.of(2.0, 5.5, Double.POSITIVE_INFINITY)),
                    new Histogram("other_no_match", List.of(1.0))))
            .build();
    Aggregator a = aggregator(config);
    var w = a.newWriter();
    for (int v = 10; v >= 2; v--) {
      w.accept(timer("glork", v));
    }
    w.accept(timer("glork", 1, 0.5));
    w.accept(timer("single", 42));

    FlushSnapshot s = flushOnly(a, T0);
    var glork = timers(s).get("glork");
    assertThat(glork.sampleCount()).isEqualTo(10);
    assertThat(glork.count()).isEqualTo(11.0); // nine at rate 1 plus one at rate 0.5
    assertThat(glork.countPerSecond()).isEqualTo(1.1);
    assertThat(glork.lower()).isEqualTo(1.0);
    assertThat(glork.upper()).isEqualTo(10.0);
    assertThat(glork.sum()).isEqualTo(55.0);
    assertThat(glork.sumSquares()).isEqualTo(385.0);
    assertThat(glork.mean()).isEqualTo(5.5);
    assertThat(glork.median()).isEqualTo(5.5);
    assertThat(glork.std()).isEqualTo(Math.sqrt(8.25));
    // 1.0 rounds to 0 values in threshold and is skipped, as in Etsy.
    assertThat(glork.percentiles())
        .extracting(p -> p.suffix())
        .containsExactly("90", "top10", "99_9", "50_5", "top99");
    var p90 = glork.percentiles().get(0);
    assertThat(p90.boundName()).isEqualTo("upper_90");
    assertThat(List.of(p90.count(), p90.bound(), p90.sum(), p90.sumSquares(), p90.mean()))
        .containsExactly(9L, 9.0, 45.0, 285.0, 5.0);
    var top10 = glork.percentiles().get(1);
    assertThat(top10.boundName()).isEqualTo("lower_top10");
    assertThat(List.of(top10.count(), top10.bound(), top10.sum(), top10.sumSquares(), top10.mean()))
        .containsExactly(1L, 10.0, 10.0, 100.0, 10.0);
    var p999 = glork.percentiles().get(2);
    assertThat(List.of(p999.count(), p999.bound(), p999.sum(), p999.sumSquares(), p999.mean()))
        .containsExactly(10L, 10.0, 55.0, 385.0, 5.5);
    var p505 = glork.percentiles().get(3);
    assertThat(List.of(p505.count(), p505.bound(), p505.sum(), p505.sumSquares(), p505.mean()))
        .containsExactly(5L, 5.0, 15.0, 55.0, 3.0);
    // -99 of 10 values covers all of them: Etsy reads its cumulative array at -1 and reports NaN
    // sums.
    var top99 = glork.percentiles().get(4);
    assertThat(top99.count()).isEqualTo(10L);
    assertThat(top99.bound()).isEqualTo(1.0);
    assertThat(top99.sum()).isNaN();
    assertThat(top99.sumSquares()).isNaN();
    assertThat(top99.mean()).isNaN();
    assertThat(glork.histogram())
        .containsOnly(entry("bin_2", 1L), entry("bin_5_5", 4L), entry("bin_inf", 5L));

    // One value: every threshold (even 1) reports it with count 1.
    var single = timers(s).get("single");
    assertThat(single.percentiles())
        .extracting(p -> p.suffix())
        .containsExactly("90", "top10", "99_9", "50_5", "top99", "1");
    assertThat(single.percentiles())
        .allSatisfy(
            p -> {
              assertThat(p.count()).isEqualTo(1);
              assertThat(p.bound()).isEqualTo(42.0);
              assertThat(p.sum()).isEqualTo(42.0);
              assertThat(p.sumSquares()).isEqualTo(1764.0);
              assertThat(p.mean()).isEqualTo(42.0);
            });
    assertThat(single.std()).isZero();
    assertThat(single.histogram()).isEmpty();

    // The sketch saw every value, weighted by 1 / sampleRate.
    var sketch = AggregatorTestSupport.timer(s, "glork").sketch();
    assertThat(sketch.count()).isEqualTo(11.0);
    assertThat(sketch.quantile(1.0)).isCloseTo(10.0, Percentage.withPercentage(1));

    // Idle timers flush with count 0 when not deleted.
    FlushSnapshot idleFlush = flushOnly(a, T0 + 10_000);
    var idle = timers(idleFlush).get("glork");
    assertThat(idle.sampleCount()).isZero();
    assertThat(idle.count()).isZero();
    assertThat(idle.countPerSecond()).isZero();
    assertThat(idle.percentiles()).isEmpty();
    // ... and without a sketch (the store writes an empty one): nothing is allocated for it.
    assertThat(AggregatorTestSupport.timer(idleFlush, "glork").sketch()).isNull();
  }

  /**
   * A timer with more values in one interval than one block of its value store holds, one of them
   * weighted: every value and weight reaches the interval's statistics and sketch, and the next
   * interval starts empty.
   */
  @Test
  void aTimerWithMoreValuesThanOneBlockKeepsEveryValueAndWeight() {
    Aggregator a = aggregator(defaults());
    var w = a.newWriter();
    int n = 3 * DoubleBlocks.BLOCK + 11;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      w.accept(timer("big", i, i == 20_000 ? 0.5 : 1));
      sum += i;
    }
    var s = flushOnly(a, T0);
    var stats = timers(s).get("big");
    assertThat(stats.sampleCount()).isEqualTo(n);
    assertThat(stats.count()).isEqualTo(n + 1.0);
    assertThat(stats.lower()).isZero();
    assertThat(stats.upper()).isEqualTo(n - 1.0);
    assertThat(stats.sum()).isEqualTo(sum);
    var sketch = AggregatorTestSupport.timer(s, "big").sketch();
    assertThat(sketch.count()).isEqualTo(n + 1.0);
    assertThat(sketch.sum()).isEqualTo(sum + 20_000);

    w.accept(timer("big", 7));
    var next = timers(flushOnly(a, T0 + 10_000)).get("big");
    assertThat(next.sampleCount()).isEqualTo(1);
    assertThat(next.count()).isEqualTo(1.0);
    assertThat(next.upper()).isEqualTo(7.0);
  }

  @Test
  void deleteCountersDropsIdleCountersButKeepsEtsyInternalNames() {
    var config = AggregationConfig.builder().deleteCounters(true).build();
    Aggregator a = aggregator(config);
    var w = a.newWriter();
    w.accept(counter("hits", 1));
    w.accept(counter("app.bad_lines_seen", 2));
    assertThat(counts(flushOnly(a, T0)))
        .containsExactly(entry("app.bad_lines_seen", 2.0), entry("hits", 1.0));
    assertThat(a.liveView().counters()).containsOnlyKeys("app.bad_lines_seen");
    // Etsy resets rather than deletes counters named like its own statistics.
    assertThat(counts(flushOnly(a, T0 + 10_000))).containsExactly(entry("app.bad_lines_seen", 0.0));
    assertThat(a.seriesCount()).isEqualTo(1);
    w.accept(counter("hits", 4));
    assertThat(counts(flushOnly(a, T0 + 20_000)))
        .containsExactly(entry("app.bad_lines_seen", 0.0), entry("hits", 4.0));
  }

  /** The set time of each gauge in a snapshot, by key. */
  private static Map<String, Long> setTimes(FlushSnapshot s) {
    Map<String, Long> m = new TreeMap<>();
    s.gauges().forEach(g -> m.put(g.key().toString(), g.setAtMillis()));
    return m;
  }

  @Test
  void aGaugeCarriesTheTimeItWasLastSetNotTheFlushTimeInBothBufferModes() {
    for (var mode : List.of(unbuffered(), AggregatorTestSupport.buffered(64))) {
      clock.set(T0 + 3_000);
      Aggregator a = new Aggregator(defaults(), mode, stats, clock);
      var w = a.newWriter();
      w.accept(gauge("temp", "20"));
      clock.advance(4_000);
      w.accept(gauge("load", "1"));
      clock.advance(1_000);
      w.accept(gauge("load", "+2"));
      a.mergeBuffers();
      FlushSnapshot first = flushOnly(a, T0);
      assertThat(gauges(first)).containsExactly(entry("load", 3.0), entry("temp", 20.0));
      assertThat(setTimes(first))
          .containsExactly(entry("load", T0 + 8_000), entry("temp", T0 + 3_000));
      // Sent again on the next flush, unchanged: the set time stays that of the sample.
      clock.advance(10_000);
      w.accept(gauge("load", "4"));
      a.mergeBuffers();
      FlushSnapshot second = flushOnly(a, T0 + 10_000);
      assertThat(setTimes(second))
          .containsExactly(entry("load", T0 + 18_000), entry("temp", T0 + 3_000));
      w.close();
    }
  }

  @Test
  void aBackfilledGaugeIsSetAtItsTimestampAndARestoredOneKeepsItsStoredSetTime() {
    Aggregator a = aggregator(defaults());
    var restored =
        a.restoreGauges(
            List.of(new FlushSnapshot.GaugePoint(MetricKey.of("kept"), 7, false, T0 - 60_000)));
    assertThat(restored).extracting(p -> p.key().name()).containsExactly("kept");
    clock.set(T0 + 25_000);
    // Flushed again like any gauge, with the time its value was set before the restart.
    FlushSnapshot first = flushOnly(a, T0 + 10_000);
    assertThat(gauges(first)).containsEntry("kept", 7.0);
    assertThat(setTimes(first)).containsEntry("kept", T0 - 60_000);
    var w = a.newWriter();
    w.accept(at(gauge("late", "5"), (T0 + 4_000) / 1000));
    List<FlushSnapshot> out = a.flush(T0 + 20_000);
    FlushSnapshot backfill = out.stream().filter(FlushSnapshot::backfill).findFirst().orElseThrow();
    assertThat(setTimes(backfill)).containsExactly(entry("late", T0 + 4_000));
    w.accept(gauge("kept", "+1"));
    FlushSnapshot live = flushOnly(a, T0 + 30_000);
    assertThat(gauges(live)).containsEntry("kept", 8.0);
    assertThat(setTimes(live)).containsEntry("kept", T0 + 25_000);
  }

  @Test
  void deleteGaugesSendsAGaugeOnceAndForgetsItsValue() {
    var config = AggregationConfig.builder().deleteGauges(true).build();
    Aggregator a = aggregator(config);
    var w = a.newWriter();
    w.accept(gauge("temp", "10"));
    assertThat(gauges(flushOnly(a, T0))).containsExactly(entry("temp", 10.0));
    assertThat(gauges(flushOnly(a, T0 + 10_000))).isEmpty();
    assertThat(a.liveView().gauges()).isEmpty();
    // Deleted: a delta starts from 0 again.
    w.accept(gauge("temp", "+3"));
    assertThat(gauges(flushOnly(a, T0 + 20_000))).containsExactly(entry("temp", 3.0));
    // Updated in the interval right after a flush: deltas also start from 0 (Etsy deleted it at
    // that flush).
    w.accept(gauge("temp", "+2"));
    assertThat(gauges(flushOnly(a, T0 + 30_000))).containsExactly(entry("temp", 2.0));
  }

  @Test
  void deleteTimersAndDeleteSetsDropIdleSeries() {
    var config = AggregationConfig.builder().deleteTimers(true).deleteSets(true).build();
    Aggregator a = aggregator(config);
    var w = a.newWriter();
    w.accept(timer("t", 5));
    w.accept(set("s", "x"));
    w.accept(counter("c", 1));
    FlushSnapshot first = flushOnly(a, T0);
    assertThat(timers(first)).containsOnlyKeys("t");
    assertThat(sets(first)).containsExactly(entry("s", 1L));
    FlushSnapshot second = flushOnly(a, T0 + 10_000);
    assertThat(second.timers()).isEmpty();
    assertThat(second.sets()).isEmpty();
    assertThat(counts(second)).containsExactly(entry("c", 0.0)); // counters not deleted
    assertThat(a.seriesCount()).isEqualTo(1);
  }

  private static AggregationConfig withSeriesTtl(Duration ttl, Integer maxMetrics) {
    return withLimits(maxMetrics, ttl, null);
  }

  /** A 10 s interval with these live-series limits, every other setting at its default. */
  private static AggregationConfig withLimits(
      Integer maxMetrics, Duration seriesTtl, Integer maxMetricsPerNamespace) {
    return AggregationConfig.builder()
        .maxMetrics(maxMetrics)
        .seriesTtl(seriesTtl)
        .maxMetricsPerNamespace(maxMetricsPerNamespace)
        .build();
  }

  @Test
  void oneNamespaceCannotTakeMoreThanItsCapAndTheNoisiestPrefixesAreStillReported() {
    Aggregator a = aggregator(withLimits(100, null, 2));
    var w = a.newWriter();
    w.accept(counter("junk.a", 1));
    w.accept(counter("junk.b", 1));
    w.accept(counter("junk.c", 1));
    w.accept(gauge("junk.d", "1"));
    w.accept(counter("shop.orders", 1));
    w.accept(counter("junk.a", 1)); // an existing series still takes samples
    assertThat(counts(flushOnly(a, T0)))
        .containsExactly(entry("junk.a", 2.0), entry("junk.b", 1.0), entry("shop.orders", 1.0));
    assertThat(stats.value("drops", "max_metrics_per_namespace")).isEqualTo(2L);
    assertThat(a.droppedForMaxMetrics()).isEqualTo(2);
    assertThat(a.topDroppedPrefixes(10)).containsExactly(new Aggregator.PrefixDrops("junk", 2));
    assertThat(a.liveView().delete(MetricType.COUNTER, "junk.b")).isTrue();
    w.accept(counter("junk.c", 5));
    assertThat(counts(flushOnly(a, T0 + 10_000)))
        .containsEntry("junk.c", 5.0)
        .doesNotContainKey("junk.b");
    assertThat(a.seriesCount()).isEqualTo(3);
  }

  @Test
  void seriesWithoutSamplesForTheTtlLeaveTheLiveSetAndFreeTheirRoom() {
    Aggregator a = aggregator(withSeriesTtl(Duration.ofSeconds(30), 4));
    var w = a.newWriter();
    w.accept(counter("c", 1));
    w.accept(gauge("g", "7"));
    w.accept(timer("t", 1));
    w.accept(set("s", "m"));
    w.accept(counter("refused", 1));
    assertThat(a.droppedForMaxMetrics()).isEqualTo(1);
    assertThat(flushOnly(a, T0).size()).isEqualTo(4);
    w.accept(counter("c", 2)); // c stays busy; the others are idle from here on
    for (int idle = 1; idle <= 2; idle++) {
      w.accept(counter("c", 1));
      FlushSnapshot s = flushOnly(a, T0 + idle * 10_000L);
      assertThat(gauges(s)).containsExactly(entry("g", 7.0));
      assertThat(sets(s)).containsExactly(entry("s", 0L));
      assertThat(timers(s)).containsOnlyKeys("t");
    }
    FlushSnapshot third = flushOnly(a, T0 + 30_000);
    assertThat(third.gauges()).isEmpty();
    assertThat(third.timers()).isEmpty();
    assertThat(third.sets()).isEmpty();
    assertThat(counts(third)).containsExactly(entry("c", 0.0));
    assertThat(stats.value("aggregate", "series_expired")).isEqualTo(3L);
    assertThat(a.seriesCount()).isEqualTo(1);
    // Their room is free again, and a returning gauge starts over (a delta starts from 0).
    w.accept(gauge("g", "+2"));
    w.accept(counter("new", 1));
    FlushSnapshot fourth = flushOnly(a, T0 + 40_000);
    assertThat(gauges(fourth)).containsExactly(entry("g", 2.0));
    assertThat(counts(fourth)).containsExactly(entry("c", 0.0), entry("new", 1.0));
    for (int idle = 5; idle <= 7; idle++) {
      flushOnly(a, T0 + idle * 10_000L);
    }
    assertThat(a.seriesCount()).isZero();
    assertThat(stats.value("aggregate", "series_expired")).isEqualTo(6L);
  }

  @Test
  void aSeriesTtlOfZeroKeepsIdleSeriesAsEtsyDoes() {
    Aggregator a = aggregator(withSeriesTtl(Duration.ZERO, null));
    var w = a.newWriter();
    w.accept(gauge("g", "7"));
    w.accept(counter("c", 1));
    for (int i = 0; i < 50; i++) {
      flushOnly(a, T0 + i * 10_000L);
    }
    FlushSnapshot last = flushOnly(a, T0 + 500_000);
    assertThat(gauges(last)).containsExactly(entry("g", 7.0));
    assertThat(counts(last)).containsExactly(entry("c", 0.0));
    assertThat(stats.value("aggregate", "series_expired")).isEqualTo(0L);
  }

  @Test
  void deleteIdleStatsTurnsOnAllFour() {
    Aggregator a = aggregator(config(null, true, null));
    var w = a.newWriter();
    w.accept(counter("c", 1));
    w.accept(gauge("g", "1"));
    w.accept(timer("t", 1));
    w.accept(set("s", "m"));
    assertThat(flushOnly(a, T0).size()).isEqualTo(4);
    assertThat(flushOnly(a, T0 + 10_000).size()).isZero();
    assertThat(a.seriesCount()).isZero();
  }

  @Test
  void taggedSeriesAreDistinctFromUntaggedOnes() {
    Aggregator a = aggregator(defaults());
    var w = a.newWriter();
    String prod = MetricKey.of("req", List.of(new Tag("env", "prod"))).canonical();
    w.accept(counter("req", 1));
    w.accept(counter(prod, 2));
    w.accept(counter(prod, 3));
    assertThat(counts(flushOnly(a, T0)))
        .containsExactly(entry("req", 1.0), entry("req#env:prod", 5.0));
  }

  @Test
  void timestampedSamplesBackfillTheirOwnIntervalOrAreRejected() {
    Aggregator a = aggregator(defaults());
    var w = a.newWriter();
    long nowSeconds = (T0 + 3_000) / 1000;
    w.accept(at(counter("hits", 1), nowSeconds - 60)); // T0 - 57 s: interval T0 - 60 s
    w.accept(at(counter("hits", 2), nowSeconds - 64)); // T0 - 61 s: interval T0 - 70 s
    w.accept(at(counter("hits", 4), nowSeconds - 65)); // also T0 - 70 s
    w.accept(at(gauge("temp", "+7"), nowSeconds - 60));
    w.accept(at(timer("lat", 8), nowSeconds - 60));
    w.accept(at(set("users", "a"), nowSeconds - 60));
    w.accept(at(counter("hits", 16), nowSeconds)); // the open interval: live
    w.accept(at(counter("hits", 32), nowSeconds + 9)); // within one interval ahead: live
    w.accept(at(counter("hits", 64), nowSeconds + 11)); // too new
    w.accept(at(counter("hits", 128), nowSeconds - 8 * 86_400)); // older than 7 days
    w.accept(counter("hits", 256));

    List<FlushSnapshot> out = a.flush(T0);
    assertThat(out)
        .extracting(FlushSnapshot::intervalStartMillis)
        .containsExactly(T0 - 70_000, T0 - 60_000, T0);
    assertThat(out).extracting(FlushSnapshot::backfill).containsExactly(true, true, false);
    assertThat(counts(out.get(0))).containsExactly(entry("hits", 6.0));
    FlushSnapshot b = out.get(1);
    assertThat(counts(b)).containsExactly(entry("hits", 1.0));
    assertThat(gauges(b)).containsExactly(entry("temp", 7.0));
    assertThat(timers(b).get("lat").sum()).isEqualTo(8.0);
    assertThat(sets(b)).containsExactly(entry("users", 1L));
    assertThat(b.processingStats()).isEmpty();
    assertThat(counts(out.get(2))).containsExactly(entry("hits", 16.0 + 32 + 256));
    assertThat(stats.value("drops", "backfill_too_new")).isEqualTo(1L);
    assertThat(stats.value("drops", "backfill_too_old")).isEqualTo(1L);
    // Backfill series are released after their flush; only the live counter remains.
    assertThat(a.seriesCount()).isEqualTo(1);

    // After the flush, a sample stamped in the interval just closed becomes a backfill of it.
    w.accept(at(counter("hits", 1), T0 / 1000 + 5));
    List<FlushSnapshot> next = a.flush(T0 + 10_000);
    assertThat(next)
        .extracting(FlushSnapshot::intervalStartMillis)
        .containsExactly(T0, T0 + 10_000);
    assertThat(counts(next.get(0))).containsExactly(entry("hits", 1.0));
  }

  @Test
  void cardinalityGuardDropsNewSeriesAndReportsNoisiestPrefixes() {
    Aggregator a = aggregator(config(null, null, 3));
    var w = a.newWriter();
    w.accept(counter("api.a", 1));
    w.accept(counter("api.b", 1));
    w.accept(gauge("db.size", "1"));
    for (int i = 0; i < 5; i++) {
      w.accept(counter("spam.k" + i, 1));
    }
    w.accept(timer("lat.x", 1));
    w.accept(counter("api.a", 1)); // existing series still count
    assertThat(a.seriesCount()).isEqualTo(3);
    assertThat(stats.value("drops", "max_metrics")).isEqualTo(6L);
    assertThat(a.topDroppedPrefixes(10))
        .containsExactly(
            new Aggregator.PrefixDrops("spam", 5), new Aggregator.PrefixDrops("lat", 1));
    FlushSnapshot s = flushOnly(a, T0);
    assertThat(counts(s)).containsExactly(entry("api.a", 2.0), entry("api.b", 1.0));
    assertThat(s.timers()).isEmpty();
    // The flush publishes the noisiest prefixes for /stats.
    assertThat(stats.snapshot().get("drops_by_prefix"))
        .containsExactly(entry("lat", 1L), entry("spam", 5L));

    // Deleting a series frees its slot.
    assertThat(a.liveView().delete(MetricType.COUNTER, "api.b")).isTrue();
    assertThat(a.liveView().delete(MetricType.COUNTER, "api.b")).isFalse();
    w.accept(timer("lat.x", 1));
    assertThat(timers(flushOnly(a, T0 + 10_000))).containsOnlyKeys("lat.x");
  }

  @Test
  void liveViewShowsTheCurrentIntervalAndDeletesByDisplayKey() {
    Aggregator a = aggregator(defaults());
    var w = a.newWriter();
    String tagged =
        MetricKey.of("req", List.of(new Tag("env", "prod"), new Tag("canary", null))).canonical();
    w.accept(counter(tagged, 2, 0.5));
    w.accept(timer("lat", 3));
    w.accept(timer("lat", 1));
    w.accept(gauge("g", "5"));
    w.accept(set("s", "a"));
    LiveView v = a.liveView();
    assertThat(v.counters()).containsExactly(entry("req#canary,env:prod", 4.0));
    assertThat(v.timers()).containsExactly(entry("lat", List.of(3.0, 1.0)));
    assertThat(v.gauges()).containsExactly(entry("g", 5.0));
    assertThat(v.sets()).containsExactly(entry("s", Set.of("a")));
    assertThat(v.delete(MetricType.COUNTER, "req#canary,env:prod")).isTrue();
    assertThat(v.delete(MetricType.GAUGE, "lat")).isFalse();
    assertThat(v.counters()).isEmpty();
    // A deleted series is re-created by its next sample.
    w.accept(counter(tagged, 1));
    assertThat(v.counters()).containsExactly(entry("req#canary,env:prod", 1.0));
  }

  @Test
  void processingStatsCarryEtsyInternalCountersAndTimestampLag() {
    Aggregator a = aggregator(defaults());
    stats.incr("messages", "bad_lines_seen", 2);
    stats.incr("messages", "packets_received", 7);
    stats.incr("messages", "metrics_received", 9);
    clock.set(T0 + 10_000);
    Map<String, Double> first = flushOnly(a, T0).processingStats();
    assertThat(first)
        .containsEntry("statsd.bad_lines_seen", 2.0)
        .containsEntry("statsd.packets_received", 7.0)
        .containsEntry("statsd.metrics_received", 9.0)
        .containsKey("processing_time")
        .doesNotContainKey("statsd.timestamp_lag");
    stats.incr("messages", "packets_received", 1);
    clock.set(T0 + 22_000); // two seconds late
    Map<String, Double> second = flushOnly(a, T0 + 10_000).processingStats();
    assertThat(second)
        .containsEntry("statsd.bad_lines_seen", 0.0)
        .containsEntry("statsd.packets_received", 1.0)
        .containsEntry("statsd.timestamp_lag", 2.0);
  }
}
