package io.hollerith.bench;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import io.hollerith.server.protocol.BenchSamples;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Applying one already-parsed sample to an existing series through a writer, per type, in both
 * buffer modes. Run with {@code -prof gc}: counters and gauges must not allocate per sample ({@code
 * gc.alloc.rate.norm} ≈ 0 B/op). Timers and sets are flushed every 65,536 samples so the interval's
 * value list stays bounded; that flush's cost (and its allocation) is included, amortised. Set
 * samples allocate the member string by design.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AggregateBenchmark {

  @Param({"true", "false"})
  public boolean noBuffer;

  private Aggregator aggregator;
  private AggregatorWriter writer;
  private Sample counter;
  private Sample taggedCounter;
  private Sample gauge;
  private Sample gaugeDelta;
  private Sample timer;
  private Sample set;
  private long timerOps;
  private long setOps;
  private long flushStart;

  @Setup(Level.Trial)
  public void setUp() {
    AggregationConfig config = AggregationConfig.defaults();
    StatsConfig stats = noBuffer ? StatsConfig.defaults() : StatsConfig.buffered(1000, 1000);
    aggregator = new Aggregator(config, stats, new StatsRegistry(), Clock.systemUTC());
    writer = aggregator.newWriter();
    counter =
        BenchSamples.of(
            MetricKey.of("api.requests.count"), MetricType.COUNTER, 1, false, null, 0.5);
    taggedCounter =
        BenchSamples.of(
            MetricKey.of(
                "api.requests", List.of(new Tag("env", "prod"), new Tag("host", "web-01"))),
            MetricType.COUNTER,
            1,
            false,
            null,
            1);
    gauge = BenchSamples.of(MetricKey.of("db.pool.size"), MetricType.GAUGE, 42, false, null, 1);
    gaugeDelta =
        BenchSamples.of(MetricKey.of("db.pool.active"), MetricType.GAUGE, 1, true, null, 1);
    timer = BenchSamples.of(MetricKey.of("api.latency"), MetricType.TIMER, 12.5, false, null, 1);
    set = BenchSamples.of(MetricKey.of("api.users"), MetricType.SET, 0, false, "user-1234", 1);
    for (Sample s : List.of(counter, taggedCounter, gauge, gaugeDelta, timer, set)) {
      writer.accept(s); // create every series up front: the benchmark measures existing series
    }
    flushStart = aggregator.openIntervalStart();
  }

  @Benchmark
  public void counter() {
    writer.accept(counter);
  }

  @Benchmark
  public void taggedCounter() {
    writer.accept(taggedCounter);
  }

  @Benchmark
  public void gauge() {
    writer.accept(gauge);
  }

  @Benchmark
  public void gaugeDelta() {
    writer.accept(gaugeDelta);
  }

  @Benchmark
  public void timer() {
    writer.accept(timer);
    if ((++timerOps & 0xFFFF) == 0) {
      flush();
    }
  }

  @Benchmark
  public void set() {
    writer.accept(set);
    if ((++setOps & 0xFFFF) == 0) {
      flush();
    }
  }

  private void flush() {
    aggregator.flush(flushStart);
    flushStart += aggregator.intervalMillis();
  }
}
