package io.hollerith.bench;

import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.protocol.SampleSink;
import io.hollerith.server.stats.StatsRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parsing alone: one {@link LineParser} turning packets into samples for a sink that only folds
 * each sample's hash and value into a long (so nothing is optimised away and nothing is kept). One
 * operation is one packet; divide by {@code linesPerPacket} for the cost per line. Run with {@code
 * -prof gc} to check that counters, gauges and timers allocate nothing per line.
 *
 * <p>{@code type}: {@code c}, {@code g}, {@code ms}, {@code s} as plain Etsy lines, and {@code
 * c_tagged} a counter with three DogStatsD tags (sorted into the key on every line). Packets cycle
 * through 64 prepared ones, names through 100 distinct metrics.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParseBenchmark {

  @Param({"c", "g", "ms", "s", "c_tagged"})
  public String type;

  @Param({"1", "20"})
  public int linesPerPacket;

  private byte[][] packets;
  private int next;
  private LineParser parser;
  private final FoldingSink sink = new FoldingSink();

  /** Folds each sample into one long; cheap and allocation-free. */
  static final class FoldingSink implements SampleSink {
    long folded;

    @Override
    public void accept(Sample sample) {
      folded = folded * 31 + sample.keyHash() + (long) sample.value() + sample.memberLength();
    }
  }

  @Setup
  public void setUp() {
    parser = new LineParser(new ProtocolConfig(null, null, null, null), new StatsRegistry());
    packets = LineCorpus.packets(type, linesPerPacket);
  }

  @Benchmark
  public long parse() {
    byte[] packet = packets[next++ & (LineCorpus.PACKETS - 1)];
    parser.parse(packet, 0, packet.length, sink);
    return sink.folded;
  }
}
