package io.hollerith.server.ingest;

import static io.hollerith.server.ingest.TestSupport.TCP_OFF;
import static io.hollerith.server.ingest.TestSupport.UNIX_OFF;
import static io.hollerith.server.ingest.TestSupport.listeners;
import static io.hollerith.server.ingest.TestSupport.protocol;
import static io.hollerith.server.ingest.TestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.channel.epoll.Epoll;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The UDP listener over real sockets, on the epoll and on the NIO transport. */
class IngestServerUdpTest {

  @TempDir Path dataDir;

  private static void assumeTransport(String transport) {
    assumeTrue(!transport.equals("epoll") || Epoll.isAvailable(), "epoll is not available");
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void everyLineOfManyDatagramsFromSeveralThreadsArrivesOnce(String transport) throws Exception {
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    ListenersConfig config =
        listeners(
            new ListenersConfig.Udp(true, "127.0.0.1", 0, 1 << 20, 2, null),
            TCP_OFF,
            UNIX_OFF,
            UNIX_OFF,
            transport);
    try (IngestServer server =
        new IngestServer(config, protocol(65_535, 8_192), dataDir, stats, handlers)) {
      InetSocketAddress target = server.start().udp();
      assertThat(target.getPort()).isPositive();
      int senders = 4;
      int datagramsEach = 400;
      int linesPerDatagram = 3;
      AtomicLong sent = new AtomicLong();
      AtomicLong bytes = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(senders);
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int sender = s;
        futures.add(
            pool.submit(
                () -> {
                  // One socket per sender thread: distinct source ports spread over the
                  // SO_REUSEPORT sockets.
                  try (DatagramSocket socket = new DatagramSocket()) {
                    for (int i = 0; i < datagramsEach; i++) {
                      StringBuilder packet = new StringBuilder();
                      for (int k = 0; k < linesPerDatagram; k++) {
                        packet
                            .append(k == 0 ? "" : "\n")
                            .append("s")
                            .append(sender)
                            .append(".m")
                            .append(i)
                            .append('.')
                            .append(k)
                            .append(":1|c");
                      }
                      byte[] data = packet.toString().getBytes(StandardCharsets.UTF_8);
                      socket.send(new DatagramPacket(data, data.length, target));
                      bytes.addAndGet(data.length);
                      long total = sent.incrementAndGet();
                      // Stay within the socket buffer so the kernel has no reason to drop (the drop
                      // test is below).
                      while (total - handlers.lineCount("udp") / linesPerDatagram > 200) {
                        Thread.sleep(1);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      int expectedLines = senders * datagramsEach * linesPerDatagram;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> handlers.lineCount("udp") >= expectedLines);
      Thread.sleep(50);
      List<String> lines = handlers.lines("udp");
      assertThat(lines).hasSize(expectedLines).doesNotHaveDuplicates();
      Set<String> expected = new HashSet<>();
      for (int s = 0; s < senders; s++) {
        for (int i = 0; i < datagramsEach; i++) {
          for (int k = 0; k < linesPerDatagram; k++) {
            expected.add("s" + s + ".m" + i + "." + k + ":1|c");
          }
        }
      }
      assertThat(new HashSet<>(lines)).isEqualTo(expected);
      assertThat(handlers.calls("udp")).isEqualTo(senders * datagramsEach);
      assertThat(handlers.violations()).isEmpty();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "udp", "packets_received") == (long) senders * datagramsEach);
      assertThat(value(stats, "udp", "bytes_received")).isEqualTo(bytes.get());
      assertThat(value(stats, "udp", "dropped_packet_too_large")).isZero();
      int sockets = transport.equals("epoll") ? 2 : 1;
      assertThat(value(stats, "udp", "sockets")).isEqualTo(sockets);
      assertThat(handlers.handlersCreated("udp")).isEqualTo(sockets);
      assertThat(value(stats, "udp", "last_msg_seen"))
          .isCloseTo(System.currentTimeMillis() / 1000, Offset.offset(5L));
      assertThat(value(stats, "messages", "last_msg_seen"))
          .isEqualTo(value(stats, "udp", "last_msg_seen"));
      Path rmemMax = Path.of("/proc/sys/net/core/rmem_max");
      if (Files.isReadable(rmemMax)) {
        long cap = Long.parseLong(ProcNetUdp.readQuietly(rmemMax).trim());
        assertThat(value(stats, "udp", "receive_buffer_bytes")).isEqualTo(Math.min(1 << 20, cap));
      } else {
        assertThat(value(stats, "udp", "receive_buffer_bytes")).isPositive();
      }
      // The kernel's own counters for exactly our sockets.
      assertThat(value(stats, "udp", "kernel_drops")).isZero();
      assertThat(value(stats, "udp", "rx_queue")).isGreaterThanOrEqualTo(0);
      ProcNetUdp kernel = ProcNetUdp.forPort(target.getPort());
      assertThat(kernel).isNotNull();
      assertThat(kernel.read().sockets()).isEqualTo(sockets);
    }
  }

  /**
   * With a read delay a socket whose read emptied it rests before the next read, and loses nothing
   * by it: every datagram sent at a trickle, and every one of a burst larger than one read,
   * arrives; without a delay it never rests. (With NIO a read is one datagram, so only an empty
   * read would show an emptied socket: it may never rest.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"epoll:20", "epoll:0", "nio:20", "nio:0"})
  void aSocketRestsBetweenSparseReadsWithoutLosingADatagram(String transportAndDelay)
      throws Exception {
    String transport = transportAndDelay.split(":")[0];
    long delayMillis = Long.parseLong(transportAndDelay.split(":")[1]);
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    ListenersConfig config =
        listeners(
            new ListenersConfig.Udp(
                true, "127.0.0.1", 0, 1 << 20, 1, Duration.ofMillis(delayMillis)),
            TCP_OFF,
            UNIX_OFF,
            UNIX_OFF,
            transport);
    try (IngestServer server =
            new IngestServer(config, protocol(65_535, 8_192), dataDir, stats, handlers);
        DatagramSocket socket = new DatagramSocket()) {
      InetSocketAddress target = server.start().udp();
      int sent = 0;
      for (int i = 0; i < 60; i++) { // a trickle: every read finds one or two datagrams
        byte[] data = ("trickle." + i + ":1|c").getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(data, data.length, target));
        sent++;
        Thread.sleep(2);
      }
      for (int i = 0;
          i < 500;
          i++) { // a burst, several reads' worth, while the socket may be resting
        byte[] data = ("burst." + i + ":1|c").getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(data, data.length, target));
        sent++;
      }
      int expected = sent;
      await().atMost(Duration.ofSeconds(20)).until(() -> handlers.lineCount("udp") >= expected);
      assertThat(handlers.lines("udp")).hasSize(sent).doesNotHaveDuplicates();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "udp", "packets_received") == 560);
      assertThat(value(stats, "udp", "kernel_drops")).isZero();
      if (delayMillis > 0 && transport.equals("epoll")) {
        assertThat(value(stats, "udp", "read_rests")).isPositive();
      } else if (delayMillis == 0) {
        assertThat(value(stats, "udp", "read_rests")).isZero();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void datagramLongerThanMaxPacketIsDroppedAndCounted(String transport) throws Exception {
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    ListenersConfig config =
        listeners(
            new ListenersConfig.Udp(true, "127.0.0.1", 0, null, 1, null),
            TCP_OFF,
            UNIX_OFF,
            UNIX_OFF,
            transport);
    try (IngestServer server =
            new IngestServer(config, protocol(100, 100), dataDir, stats, handlers);
        DatagramSocket socket = new DatagramSocket()) {
      InetSocketAddress target = server.start().udp();
      byte[] exact = ("a:1|c\n" + "x".repeat(94)).getBytes(StandardCharsets.US_ASCII);
      byte[] tooLong = ("b:1|c\n" + "x".repeat(95)).getBytes(StandardCharsets.US_ASCII);
      byte[] huge = ("c:1|c\n" + "x".repeat(60_000)).getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(tooLong, tooLong.length, target));
      socket.send(new DatagramPacket(huge, huge.length, target));
      socket.send(new DatagramPacket(exact, exact.length, target));
      await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("udp") >= 2);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "udp", "packets_received") == 3);
      assertThat(handlers.lines("udp")).containsExactly("a:1|c", "x".repeat(94));
      assertThat(value(stats, "udp", "dropped_packet_too_large")).isEqualTo(2);
    }
  }

  /**
   * The kernel's drop counter for our socket: with the handler blocked and a small receive buffer,
   * the kernel must drop, and every datagram sent is either received or counted as a kernel drop.
   */
  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void kernelDropsAreExportedSoLossIsNeverSilent(String transport) throws Exception {
    assumeTransport(transport);
    assumeTrue(ProcNetUdp.forPort(0) != null, "no /proc/net/udp here");
    StatsRegistry stats = new StatsRegistry();
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong handled = new AtomicLong();
    PacketHandlerFactory blocking =
        listener ->
            packet -> {
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              handled.incrementAndGet();
            };
    ListenersConfig config =
        listeners(
            new ListenersConfig.Udp(true, "127.0.0.1", 0, 4096, 1, null),
            TCP_OFF,
            UNIX_OFF,
            UNIX_OFF,
            transport);
    try (IngestServer server =
            new IngestServer(config, protocol(1_000, 1_000), dataDir, stats, blocking);
        DatagramSocket socket = new DatagramSocket()) {
      InetSocketAddress target = server.start().udp();
      int total = 2_000;
      byte[] data = "blast:1|c".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < total; i++) {
        socket.send(new DatagramPacket(data, data.length, target));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> value(stats, "udp", "kernel_drops") > 0);
      release.countDown();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> handled.get() + value(stats, "udp", "kernel_drops") == total);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "udp", "packets_received") == handled.get());
      assertThat(value(stats, "udp", "rx_queue")).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void portInUseFailsStartWithTheListenerNamed(String transport) throws Exception {
    assumeTransport(transport);
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      ListenersConfig config =
          listeners(
              new ListenersConfig.Udp(true, "127.0.0.1", taken.getLocalPort(), null, 1, null),
              TCP_OFF,
              UNIX_OFF,
              UNIX_OFF,
              transport);
      IngestServer server =
          new IngestServer(
              config,
              protocol(1_000, 1_000),
              dataDir,
              new StatsRegistry(),
              new RecordingHandlers());
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("udp listener: cannot bind 127.0.0.1:" + taken.getLocalPort());
      server.close();
    }
  }

  /**
   * Another process bound to our port with SO_REUSEPORT would silently take part of the traffic:
   * start-up is refused. The other process is a second JVM running a tiny program.
   */
  @Test
  void anotherProcessSharingThePortIsRefused() throws Exception {
    assumeTransport("epoll");
    assumeTrue(ProcNetUdp.forPort(0) != null, "no /proc/net/udp here");
    Path program = dataDir.resolve("Holder.java");
    Files.writeString(
        program,
        """
        import java.net.*;
        import java.nio.channels.DatagramChannel;
        public class Holder {
          public static void main(String[] a) throws Exception {
            DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            System.out.println(((InetSocketAddress) ch.getLocalAddress()).getPort());
            System.out.flush();
            System.in.read();
          }
        }
        """);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder = new ProcessBuilder(java, program.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
      int port = Integer.parseInt(out.readLine().trim());
      ListenersConfig config =
          listeners(
              new ListenersConfig.Udp(true, "127.0.0.1", port, null, 1, null),
              TCP_OFF,
              UNIX_OFF,
              UNIX_OFF,
              "epoll");
      IngestServer server =
          new IngestServer(
              config,
              protocol(1_000, 1_000),
              dataDir,
              new StatsRegistry(),
              new RecordingHandlers());
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "udp listener: 1 socket(s) of another process are bound to /127.0.0.1:"
                  + port
                  + " with SO_REUSEPORT and would receive part of the traffic; stop that process or choose another "
                  + "listeners.udp.port");
      server.close();
      // Closed again after the refusal: only the other process's socket is left on the port (no
      // socket of
      // ours is on it, so the reader counts every socket on the port).
      assertThat(ProcNetUdp.forPort(port).read().sockets()).isEqualTo(1);
    } finally {
      holder.destroy();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus"})
  void unknownTransportIsRejectedWithTheAllowedValues(String transport) {
    ListenersConfig config =
        listeners(
            new ListenersConfig.Udp(true, "127.0.0.1", 0, null, 1, null),
            TCP_OFF,
            UNIX_OFF,
            UNIX_OFF,
            transport);
    IngestServer server =
        new IngestServer(
            config, protocol(1_000, 1_000), dataDir, new StatsRegistry(), new RecordingHandlers());
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("listeners.transport: 'bogus' is not allowed; use auto, epoll or nio");
  }
}
