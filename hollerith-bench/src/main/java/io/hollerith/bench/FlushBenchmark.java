package io.hollerith.bench;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.BenchSamples;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One flush of many live series, a fraction of which received samples in the interval: the
 * aggregator's whole share of a flush (taking every interval out, Etsy's timer statistics, the
 * sketches, the snapshot), on the calling thread alone, without any sink. One operation is one
 * flush; before each, {@code activePercent} % of the series, a different subset every interval,
 * receive one sample each (timers three) outside the measurement.
 *
 * <p>The series are a realistic mix by name index: 40 % counters, 30 % timers, 20 % gauges and 10 %
 * sets. JMH forks with a 4 GiB heap. On a shared machine, where wall time says little, {@link
 * #main} reports CPU time per flush instead (the flushing thread's, and the process's, which
 * includes garbage collection) and the bytes the flush allocated: {@code java -Xmx4g -cp
 * hollerith-bench.jar io.hollerith.bench.FlushBenchmark [series] [active %] [flushes]}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class FlushBenchmark {

  @Param({"1000000"})
  public int series;

  @Param({"10"})
  public int activePercent;

  private Aggregator aggregator;
  private AggregatorWriter writer;
  private Sample[] samples;
  private long flushStart;
  private int interval;

  @Setup(Level.Trial)
  public void setUp() {
    AggregationConfig config = AggregationConfig.builder().maxMetrics(Math.max(series, 1)).build();
    aggregator =
        new Aggregator(config, StatsConfig.defaults(), new StatsRegistry(), Clock.systemUTC());
    writer = aggregator.newWriter();
    samples = new Sample[series];
    for (int i = 0; i < series; i++) {
      samples[i] = sampleOf(i);
      writer.accept(
          samples[i]); // every series exists and is known to Etsy's rules before measuring
    }
    flushStart = aggregator.openIntervalStart();
    aggregator.flush(flushStart);
    flushStart += aggregator.intervalMillis();
  }

  /**
   * The sample series {@code i} receives: its type by {@code i % 10}, 4 counters, 3 timers, 2
   * gauges, 1 set.
   */
  private static Sample sampleOf(int i) {
    MetricKey key = MetricKey.of("bench.flush.s" + i);
    int kind = i % 10;
    if (kind < 4) {
      return BenchSamples.of(key, MetricType.COUNTER, 1, false, null, 1);
    } else if (kind < 7) {
      return BenchSamples.of(key, MetricType.TIMER, 10 + i % 90, false, null, 1);
    } else if (kind < 9) {
      return BenchSamples.of(key, MetricType.GAUGE, i % 1000, false, null, 1);
    }
    return BenchSamples.of(key, MetricType.SET, 0, false, "member-" + (i % 4096), 1);
  }

  /**
   * Samples to the interval's active subset: series whose scrambled index falls in this interval's
   * window.
   */
  @Setup(Level.Iteration)
  public void receiveSamples() {
    interval++;
    for (int i = 0; i < series; i++) {
      if (Math.floorMod((int) ((i * 0x9E3779B1L) >>> 7) + interval, 100) < activePercent) {
        Sample s = samples[i];
        writer.accept(s);
        if (s.type() == MetricType.TIMER) {
          writer.accept(s);
          writer.accept(s);
        }
      }
    }
  }

  /**
   * Flushes {@code flushes} intervals after as many warm-up flushes and prints CPU and wall time of
   * each.
   */
  public static void main(String[] args) {
    FlushBenchmark b = new FlushBenchmark();
    b.series = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    b.activePercent = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int flushes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    b.setUp();
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int i = -flushes; i < flushes; i++) {
      b.receiveSamples();
      System.gc();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long process0 = os.getProcessCpuTime();
      long bytes0 = threads.getCurrentThreadAllocatedBytes();
      long wall0 = System.nanoTime();
      int points = b.flush().stream().mapToInt(FlushSnapshot::size).sum();
      long wall = System.nanoTime() - wall0;
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      long process = os.getProcessCpuTime() - process0;
      long bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
      System.out.printf(
          "%s flush: %,d points, thread cpu %.0f ms, process cpu %.0f ms, wall %.0f ms, %,d MB allocated%n",
          i < 0 ? "warm-up" : "measured",
          points,
          cpu / 1e6,
          process / 1e6,
          wall / 1e6,
          bytes >> 20);
    }
  }

  @Benchmark
  public List<FlushSnapshot> flush() {
    List<FlushSnapshot> out = aggregator.flush(flushStart);
    flushStart += aggregator.intervalMillis();
    return out;
  }
}
