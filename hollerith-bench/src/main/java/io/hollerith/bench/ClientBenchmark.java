package io.hollerith.bench;

import io.hollerith.client.Pipeline;
import io.hollerith.client.StatsClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Calls per second per thread of the UDP client, sending to a local UDP socket that is never read
 * (the kernel discards what does not fit its buffer, as a busy server would), and, with {@code
 * -prof gc}, bytes allocated per call.
 *
 * <ul>
 *   <li>{@code incrDirect}: one datagram (one system call) per {@code incr}.
 *   <li>{@code incrPipeline}: {@code incr} into a pipeline sent every 32 lines (one 512-byte-safe
 *       datagram), the way a hot loop should batch.
 *   <li>{@code timingPipeline}, {@code gaugeDoublePipeline}: the same with Python-compatible number
 *       formatting ({@code %0.6f} and {@code repr(float)}).
 * </ul>
 *
 * <pre>
 * java -jar hollerith-bench/target/hollerith-bench.jar ClientBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ClientBenchmark {

  /** The discarding server socket and the shared, thread-safe client. */
  @State(Scope.Benchmark)
  public static class Udp {
    DatagramChannel sink;
    StatsClient client;

    @Setup(Level.Trial)
    public void open() throws IOException {
      sink = DatagramChannel.open(StandardProtocolFamily.INET);
      sink.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
      client = new StatsClient("127.0.0.1", port, "bench");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      if (client.sendFailures() > 0) {
        throw new IllegalStateException(client.sendFailures() + " sends failed");
      }
      client.close();
      sink.close();
    }
  }

  /** One pipeline per benchmark thread (pipelines are not thread-safe). */
  @State(Scope.Thread)
  public static class Batch {
    static final int LINES_PER_SEND = 32;
    Pipeline pipe;
    double value = 0.5;

    @Setup(Level.Trial)
    public void open(Udp udp) {
      pipe = udp.client.pipeline();
    }

    void flushIfFull() {
      if (pipe.size() >= LINES_PER_SEND) {
        pipe.send();
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      pipe.close();
    }
  }

  @Benchmark
  public void incrDirect(Udp udp) {
    udp.client.incr("hits");
  }

  @Benchmark
  public void incrPipeline(Batch batch) {
    batch.pipe.incr("hits");
    batch.flushIfFull();
  }

  @Benchmark
  public void timingPipeline(Batch batch) {
    batch.value += 0.001;
    batch.pipe.timing("db.query", batch.value);
    batch.flushIfFull();
  }

  @Benchmark
  public void gaugeDoublePipeline(Batch batch) {
    batch.value += 0.25;
    batch.pipe.gauge("temperature", batch.value);
    batch.flushIfFull();
  }
}
