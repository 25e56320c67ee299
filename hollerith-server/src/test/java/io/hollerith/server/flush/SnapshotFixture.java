package io.hollerith.server.flush;

import static io.hollerith.server.protocol.TestSamples.counter;
import static io.hollerith.server.protocol.TestSamples.gauge;
import static io.hollerith.server.protocol.TestSamples.set;
import static io.hollerith.server.protocol.TestSamples.timer;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.util.List;

/** Builds real snapshots through the aggregator for the sink tests. */
final class SnapshotFixture {

  /** 2023-11-14T22:13:20Z. */
  static final long T0 = 1_700_000_000_000L;

  private SnapshotFixture() {}

  /**
   * Flush 1 (interval T0): one of each type, a tagged counter, an idle-timer-to-be and Etsy's
   * counters.
   */
  static List<FlushSnapshot> twoFlushes() {
    StatsRegistry stats = new StatsRegistry();
    StepClock clock = new StepClock(T0 + 1_000);
    AggregationConfig config =
        AggregationConfig.builder()
            .percentThresholds(List.of(90.0, -50.0))
            .histograms(
                List.of(
                    new AggregationConfig.Histogram(
                        "glork", List.of(2.0, 2.5, Double.POSITIVE_INFINITY))))
            .build();
    Aggregator a = new Aggregator(config, StatsConfig.defaults(), stats, clock);
    var w = a.newWriter();
    w.accept(counter("hits", 1));
    w.accept(counter("hits", 2, 0.1));
    w.accept(
        counter(
            MetricKey.of("req", List.of(new Tag("env", "prod"), new Tag("canary", null)))
                .canonical(),
            5));
    w.accept(gauge("temp", "12"));
    w.accept(timer("glork", 3));
    w.accept(timer("glork", 1));
    w.accept(timer("glork", 2));
    w.accept(set("users", "alice"));
    w.accept(set("users", "bob"));
    stats.incr("messages", "packets_received", 4);
    stats.incr("messages", "metrics_received", 9);
    stats.incr("messages", "bad_lines_seen", 1);
    clock.set(T0 + 10_000);
    FlushSnapshot first = a.flush(T0).get(0);
    clock.set(T0 + 21_000);
    FlushSnapshot second = a.flush(T0 + 10_000).get(0);
    return List.of(first, second);
  }
}
