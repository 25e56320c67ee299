package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C generator {@code statsd_blast}, compiled here with the machine's {@code cc}, sending to a
 * real UDP socket on loopback. Skipped where no C compiler is on the {@code PATH}.
 */
class NativeGeneratorTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Path SOURCE = Path.of("src/main/c/statsd_blast.c");

  @TempDir static Path buildDir;
  private static Path binary;

  /** Compiles the program once, when there is a compiler; each test is skipped without one. */
  @BeforeAll
  static void compile() throws Exception {
    if (!onPath("cc")) {
      return;
    }
    assertThat(SOURCE).exists();
    Path output = buildDir.resolve("statsd_blast");
    Process cc =
        new ProcessBuilder(
                "cc",
                "-std=gnu11",
                "-O2",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-o",
                output.toString(),
                SOURCE.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(cc.waitFor(120, TimeUnit.SECONDS)).as("cc finished within 120 s").isTrue();
    String messages = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cc.exitValue()).as("cc output: %s", messages).isZero();
    binary = output;
  }

  @BeforeEach
  void needsTheCompiledProgram() {
    assumeTrue(
        binary != null, "no C compiler (cc) on the PATH: the native generator is not tested");
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static LoadSpec spec(
      int port, long rate, int names, String mix, Duration duration, long max) {
    return new LoadSpec(
        new InetSocketAddress(LOOPBACK, port),
        rate,
        20,
        names,
        TypeMix.parse(mix),
        duration,
        max,
        1,
        "n",
        false);
  }

  @Test
  void every_datagram_it_reports_arrives_with_the_pool_bytes_and_the_counter_totals()
      throws Exception {
    // 1,010 names in packets of 20: 51 slots, so neither run below makes whole passes (about 500
    // and 200 datagrams) and a sender that started or stopped elsewhere would show in the totals
    PacketPool pool = new PacketPool("n", 1010, 20, TypeMix.parse("c=25,ms=25,g=25,s=25"));
    try (CountingReceiver receiver = new CountingReceiver();
        NativeGenerator generator = new NativeGenerator(binary)) {
      LoadResult r =
          generator.run(
              spec(
                  receiver.port(), 20_000, 1010, "c=25,ms=25,g=25,s=25", Duration.ofMillis(500), 0),
              pool);
      // a second run from the same pool file: the counts start again from slot 0
      LoadResult again =
          generator.run(
              spec(
                  receiver.port(), 20_000, 1010, "c=25,ms=25,g=25,s=25", Duration.ofMillis(200), 0),
              pool);

      assertThat(r.sendErrors()).isZero();
      // how much a loaded machine lets it send is not the test's business; that it never sends
      // faster than asked (10,000 metrics in 0.5 s at 20,000/s, one packet of slack) is
      assertThat(r.packetsSent()).isPositive().isLessThanOrEqualTo(501);
      assertThat(r.metricsSent()).isEqualTo(r.packetsSent() * 20);
      long datagrams = r.packetsSent() + again.packetsSent();
      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.datagrams() >= datagrams);
      assertThat(receiver.datagrams()).isEqualTo(datagrams);
      assertThat(receiver.bytes())
          .isEqualTo(poolBytes(pool, r.packetsSent()) + poolBytes(pool, again.packetsSent()));
      assertThat(receiver.counterTotals())
          .isEqualTo(sum(r.expectedCounterTotals(), again.expectedCounterTotals()));
      assertThat(ProcFs.udpDrops(receiver.port())).isZero();
    }
  }

  @Test
  void max_metrics_stops_an_unpaced_run_at_a_whole_packet() throws Exception {
    PacketPool pool = new PacketPool("n", 1000, 20, TypeMix.parse("c=100"));
    try (CountingReceiver receiver = new CountingReceiver();
        NativeGenerator generator = new NativeGenerator(binary)) {
      LoadResult r =
          generator.run(
              spec(receiver.port(), 0, 1000, "c=100", Duration.ofSeconds(10), 1010), pool);

      // 51 packets of 20 lines: the pool's 50 slots once, and slot 0 (names 0-19) again
      assertThat(r.packetsSent()).isEqualTo(51);
      assertThat(r.expectedCounterTotals()).hasSize(1000);
      assertThat(r.expectedCounterTotals()).containsEntry("n.c.0", 2L).containsEntry("n.c.19", 2L);
      assertThat(r.expectedCounterTotals()).containsEntry("n.c.20", 1L);
      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.datagrams() >= 51);
      assertThat(receiver.counterTotals()).isEqualTo(r.expectedCounterTotals());
      assertThat(receiver.bytes()).isEqualTo(poolBytes(pool, 51));
    }
  }

  @Test
  void sends_refused_because_nobody_listens_are_counted_as_errors() throws Exception {
    int closedPort;
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(LOOPBACK, 0));
      closedPort = ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
    PacketPool pool = new PacketPool("n", 1000, 20, TypeMix.parse("c=100"));
    try (NativeGenerator generator = new NativeGenerator(binary)) {
      // 100 packets over 100 ms: the kernel's "port unreachable" comes back long before the end
      LoadResult r =
          generator.run(
              spec(closedPort, 20_000, 1000, "c=100", Duration.ofSeconds(10), 2000), pool);

      assertThat(r.sendErrors()).isPositive();
      assertThat(r.packetsSent()).isEqualTo(100);
    }
  }

  @Test
  void a_run_the_program_refuses_fails_with_its_standard_error() throws Exception {
    PacketPool pool = new PacketPool("n", 1000, 20, TypeMix.parse("c=100"));
    try (NativeGenerator generator = new NativeGenerator(binary)) {
      assertThatThrownBy(
              () -> generator.run(spec(0, 1000, 1000, "c=100", Duration.ofSeconds(1), 0), pool))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("the native generator exited with status 2")
          .hasMessageContaining(
              "its standard error: statsd_blast: --target needs a numeric IPv4 address and a port"
                  + " 1-65535, got '127.0.0.1:0'");
    }
  }

  @Test
  void more_than_one_sender_thread_is_refused() throws Exception {
    PacketPool pool = new PacketPool("n", 1000, 20, TypeMix.parse("c=100"));
    LoadSpec twoThreads =
        new LoadSpec(
            new InetSocketAddress(LOOPBACK, 9),
            1000,
            20,
            1000,
            TypeMix.parse("c=100"),
            Duration.ofSeconds(1),
            0,
            2,
            "n",
            false);
    try (NativeGenerator generator = new NativeGenerator(binary)) {
      assertThatThrownBy(() -> generator.run(twoThreads, pool))
          .hasMessage(
              "the native generator sends from one socket; --threads 2 needs --generator java");
    }
  }

  @Test
  void a_pool_file_cut_short_is_refused_by_the_program(@TempDir Path dir) throws Exception {
    PacketPool pool = new PacketPool("n", 1000, 20, TypeMix.parse("c=100"));
    Path file = dir.resolve("pool.bin");
    pool.writeTo(file);
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length - 1));
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--pool",
                file.toString(),
                "--target",
                "127.0.0.1:9",
                "--rate",
                "1000",
                "--duration-ms",
                "100")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            "statsd_blast: pool file " + file + ": shorter than its packet lengths add up to\n");
  }

  /** The bytes of the first {@code datagrams} sends from {@code pool}, cycling from slot 0. */
  private static long poolBytes(PacketPool pool, long datagrams) {
    long bytes = 0;
    for (long i = 0; i < datagrams; i++) {
      bytes += pool.packet((int) (i % pool.slots())).getBytes(StandardCharsets.UTF_8).length;
    }
    return bytes;
  }

  private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> out = new HashMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, Long::sum));
    return out;
  }

  /**
   * A plain UDP socket on an ephemeral loopback port, read by one thread: counts datagrams and
   * bytes, and adds up every counter line's value by name.
   */
  private static final class CountingReceiver implements AutoCloseable {
    private final DatagramChannel channel;
    private final Thread reader;
    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<String, Long> counters = new ConcurrentHashMap<>();

    CountingReceiver() throws IOException {
      channel = DatagramChannel.open();
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      channel.bind(new InetSocketAddress(LOOPBACK, 0));
      reader = new Thread(this::read, "counting-receiver");
      reader.start();
    }

    int port() throws IOException {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private void read() {
      ByteBuffer buf = ByteBuffer.allocate(PacketPool.MAX_UDP_PAYLOAD);
      try {
        while (true) {
          buf.clear();
          channel.receive(buf);
          buf.flip();
          int length = buf.remaining();
          String text = StandardCharsets.UTF_8.decode(buf).toString();
          // counters are added before the datagram is counted, so a reader that saw the count
          // sees the totals
          for (String line : text.split("\n", -1)) {
            if (line.endsWith("|c")) {
              int colon = line.indexOf(':');
              long value = Long.parseLong(line.substring(colon + 1, line.length() - 2));
              counters.merge(line.substring(0, colon), value, Long::sum);
            }
          }
          bytes.addAndGet(length);
          datagrams.incrementAndGet();
        }
      } catch (ClosedChannelException e) {
        // closed by close(): done
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    long datagrams() {
      return datagrams.get();
    }

    long bytes() {
      return bytes.get();
    }

    Map<String, Long> counterTotals() {
      return Map.copyOf(counters);
    }

    @Override
    public void close() throws IOException {
      channel.close();
      try {
        reader.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
