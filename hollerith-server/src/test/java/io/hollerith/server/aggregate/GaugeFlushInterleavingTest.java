package io.hollerith.server.aggregate;

import static io.hollerith.server.aggregate.AggregatorTestSupport.T0;
import static io.hollerith.server.protocol.TestSamples.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The interleavings of one gauge sample's steps ({@link Series.Gauge#tryUpdate}: raise the touched
 * flag, compare-and-set the word, raise the flag again) with flushes, played one step at a time on
 * one thread. {@link GaugeRaceTest} finds such interleavings only by chance.
 */
class GaugeFlushInterleavingTest {

  private final Aggregator aggregator =
      new Aggregator(
          AggregationConfig.builder()
              .deleteIdleStats(false)
              .deleteGauges(true)
              .seriesTtl(Duration.ofSeconds(10))
              .build(),
          StatsConfig.defaults(),
          new StatsRegistry(),
          new StepClock(T0 + 1_000));

  private final List<FlushSnapshot> snapshots = new ArrayList<>();
  private long nextStart = T0;

  /**
   * A sample whose first raise is taken down by one flush (which still sees no value), whose value
   * lands before the next flush reads the word, and whose second raise comes only after that flush:
   * the next flush must report the value, not delete the gauge as idle with the value in it.
   */
  @Test
  void aValueLandedBetweenFlushesIsReportedEvenIfItsFlagWasTakenByTheFlushBefore() {
    try (var writer = aggregator.newWriter()) {
      writer.accept(gauge("g", "+1"));
    }
    flush(); // reports 1 and leaves the gauge empty (deleteGauges)
    Series.Gauge g = aggregator.live.gauges.get(MetricKey.of("g"));

    g.raiseTouched();
    flush(); // takes the flag down, reads the empty word: nothing to report
    assertThat(g.land(1, true)).isTrue();
    flush(); // the flag is down, but the word changed since the last flush
    g.raiseTouched();
    flush();
    flush();

    assertThat(reported()).containsExactly(1.0, 1.0);
  }

  /** A sample that lands after a flush read the word is reported by the next flush. */
  @Test
  void aValueLandedAfterAFlushReadTheWordIsReportedByTheNextFlush() {
    try (var writer = aggregator.newWriter()) {
      writer.accept(gauge("g", "+1"));
    }
    Series.Gauge g = aggregator.live.gauges.get(MetricKey.of("g"));
    g.raiseTouched();
    flush(); // reports 1, empties the gauge
    assertThat(g.land(2, true)).isTrue();
    g.raiseTouched();
    flush();
    flush();

    assertThat(reported()).containsExactly(1.0, 2.0);
  }

  /** A sample that finds the gauge deleted lands nothing and looks it up again. */
  @Test
  void aSampleOnADeletedGaugeLandsNothing() {
    try (var writer = aggregator.newWriter()) {
      writer.accept(gauge("g", "+1"));
    }
    Series.Gauge g = aggregator.live.gauges.get(MetricKey.of("g"));
    flush(); // reports 1
    flush(); // idle: deleted
    assertThat(g.deleted).isTrue();
    assertThat(g.land(5, true)).isFalse();
    try (var writer = aggregator.newWriter()) {
      writer.accept(gauge("g", "+5"));
    }
    flush();

    assertThat(reported()).containsExactly(1.0, 5.0);
  }

  private void flush() {
    snapshots.addAll(aggregator.flush(nextStart));
    nextStart += 10_000;
  }

  private List<Double> reported() {
    List<Double> values = new ArrayList<>();
    for (FlushSnapshot s : snapshots) {
      for (GaugePoint p : s.gauges()) {
        values.add(p.value());
      }
    }
    return values;
  }
}
