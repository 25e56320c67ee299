package io.hollerith.bench;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-line work of one ingest thread, end to end minus the socket: a {@link LineParser} parsing
 * a packet into that thread's {@link AggregatorWriter}, exactly as the UDP listener wires them. One
 * operation is one packet; divide by {@code linesPerPacket} for the cost per line. Run with {@code
 * -prof gc}: counters and gauges must allocate nothing per line. The 100 series of the corpus exist
 * before measurement starts (the steady state of a running server). Timers and sets are flushed
 * every 4,096 packets so an interval's values stay bounded; that flush is included, amortised (and
 * so is its allocation). With {@code s} a member recurs every 64 packets, so nearly every line is a
 * member already seen in its interval; with {@code s_new} every line's member is new in its
 * interval.
 *
 * <p>{@code parseAndAggregate} is the whole CPU cost per line on one thread, the timers' and sets'
 * flush included. {@code withFlusher} splits it as the server does: the group's {@code ingest}
 * thread only parses and aggregates (its score is the ingest thread's cost per packet, contention
 * with the flush included), while its {@code flusher} thread closes the interval every 4,096
 * packets the ingest thread completed (after {@code parseAndAggregate}'s cadence), on the other
 * core. The flusher's own score counts its polls, not flushes, and means nothing.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IngestPathBenchmark {

  @Param({"c", "g", "ms", "s", "s_new", "c_tagged"})
  public String type;

  @Param({"1", "20"})
  public int linesPerPacket;

  private byte[][] packets;
  private int next;
  private LineParser parser;
  private Aggregator aggregator;
  private AggregatorWriter writer;
  private long flushStart;
  private long ops;

  /** Packets the ingest thread of a {@code withFlusher} group completed. */
  private final AtomicLong ingested = new AtomicLong();

  /** Packets ingested when the flusher thread last flushed. */
  private long flushedAt;

  @Setup(Level.Trial)
  public void setUp() {
    StatsRegistry stats = new StatsRegistry();
    parser = new LineParser(new ProtocolConfig(null, null, null, null), stats);
    aggregator =
        new Aggregator(
            AggregationConfig.defaults(), StatsConfig.defaults(), stats, Clock.systemUTC());
    writer = aggregator.newWriter();
    packets = LineCorpus.packets(type, linesPerPacket);
    for (byte[] packet : packets) {
      parser.parse(packet, 0, packet.length, writer); // create every series up front
    }
    flushStart = aggregator.openIntervalStart();
  }

  @Benchmark
  @Group("parseAndAggregate")
  public void parseAndAggregate() {
    byte[] packet = packets[next++ & (packets.length - 1)];
    parser.parse(packet, 0, packet.length, writer);
    if ((++ops & 0xFFF) == 0 && (type.equals("ms") || type.startsWith("s"))) {
      aggregator.flush(flushStart);
      flushStart += aggregator.intervalMillis();
    }
  }

  /** The ingest thread of the {@code withFlusher} group: one packet, never a flush. */
  @Benchmark
  @Group("withFlusher")
  @GroupThreads(1)
  public void ingest() {
    byte[] packet = packets[next++ & (packets.length - 1)];
    parser.parse(packet, 0, packet.length, writer);
    ingested.lazySet(ingested.get() + 1);
  }

  /**
   * The flusher thread of the {@code withFlusher} group: closes the interval once the ingest thread
   * has completed another 4,096 packets, otherwise rests 50 us.
   */
  @Benchmark
  @Group("withFlusher")
  @GroupThreads(1)
  public void flusher() {
    long done = ingested.get();
    if (done - flushedAt < 0x1000) {
      LockSupport.parkNanos(50_000);
      return;
    }
    flushedAt = done;
    if (type.equals("ms") || type.startsWith("s")) {
      aggregator.flush(flushStart);
      flushStart += aggregator.intervalMillis();
    }
  }
}
