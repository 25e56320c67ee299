package io.hollerith.server.ingest;

import static io.hollerith.server.ingest.TestSupport.UDP_OFF;
import static io.hollerith.server.ingest.TestSupport.UNIX_OFF;
import static io.hollerith.server.ingest.TestSupport.listeners;
import static io.hollerith.server.ingest.TestSupport.protocol;
import static io.hollerith.server.ingest.TestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TCP listener over real sockets, on the epoll and on the NIO transport. */
class IngestServerTcpTest {

  @TempDir Path dataDir;

  private static void assumeTransport(String transport) {
    assumeTrue(!transport.equals("epoll") || Epoll.isAvailable(), "epoll is not available");
  }

  private static ListenersConfig tcp(String transport, int maxConnections, int idleTimeoutSeconds) {
    return listeners(
        UDP_OFF,
        new ListenersConfig.Tcp(true, "127.0.0.1", 0, maxConnections, 2, idleTimeoutSeconds, null),
        UNIX_OFF,
        UNIX_OFF,
        transport);
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void manyConcurrentConnectionsWithLinesSplitAcrossWrites(String transport) throws Exception {
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    try (IngestServer server =
        new IngestServer(
            tcp(transport, 1_000, 0), protocol(65_535, 8_192), dataDir, stats, handlers)) {
      InetSocketAddress target = server.start().tcp();
      int connections = 40;
      int linesEach = 300;
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int conn = c;
        futures.add(
            pool.submit(
                () -> {
                  StringBuilder text = new StringBuilder();
                  for (int i = 0; i < linesEach; i++) {
                    text.append("c")
                        .append(conn)
                        .append(".line")
                        .append(i)
                        .append(":")
                        .append(i)
                        .append("|ms\n");
                  }
                  byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                  Random random = new Random(conn);
                  try (Socket socket = new Socket(target.getAddress(), target.getPort())) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    // Random cuts: lines end up split across reads, several per read, or one byte
                    // at a time.
                    int pos = 0;
                    while (pos < bytes.length) {
                      int n =
                          Math.min(
                              bytes.length - pos,
                              1 + random.nextInt(random.nextBoolean() ? 7 : 400));
                      out.write(bytes, pos, n);
                      out.flush();
                      pos += n;
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      int expectedLines = connections * linesEach;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> handlers.lineCount("tcp") >= expectedLines);
      Set<String> expected = new HashSet<>();
      for (int c = 0; c < connections; c++) {
        for (int i = 0; i < linesEach; i++) {
          expected.add("c" + c + ".line" + i + ":" + i + "|ms");
        }
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> value(stats, "tcp", "connections") == 0);
      List<String> lines = handlers.lines("tcp");
      assertThat(lines).hasSize(expectedLines).doesNotHaveDuplicates();
      assertThat(new HashSet<>(lines)).isEqualTo(expected);
      assertThat(handlers.violations()).isEmpty();
      assertThat(handlers.handlersCreated("tcp")).isBetween(1, 2);
      assertThat(value(stats, "tcp", "lines_received")).isEqualTo(expectedLines);
      assertThat(value(stats, "tcp", "packets_received")).isEqualTo(handlers.calls("tcp"));
      assertThat(value(stats, "messages", "packets_received")).isEqualTo(handlers.calls("tcp"));
      assertThat(value(stats, "tcp", "connections_total")).isEqualTo(connections);
      assertThat(value(stats, "tcp", "connections_rejected")).isZero();
      assertThat(value(stats, "tcp", "dropped_partial_line")).isZero();
      assertThat(value(stats, "tcp", "dropped_line_too_long")).isZero();
      long bytes = expected.stream().mapToLong(l -> l.length() + 1).sum();
      assertThat(value(stats, "tcp", "bytes_received")).isEqualTo(bytes);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void lineCutByDisconnectIsDroppedAndCounted(String transport) throws Exception {
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    try (IngestServer server =
        new IngestServer(
            tcp(transport, 100, 0), protocol(65_535, 8_192), dataDir, stats, handlers)) {
      InetSocketAddress target = server.start().tcp();
      try (Socket socket = new Socket(target.getAddress(), target.getPort())) {
        OutputStream out = socket.getOutputStream();
        out.write("whole:1|c\nwhole2:2|c\ncut:3".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 2);
        out.write("|c".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "tcp", "dropped_partial_line") == 1);
      assertThat(handlers.lines("tcp")).containsExactly("whole:1|c", "whole2:2|c");
      assertThat(value(stats, "tcp", "lines_received")).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void overlongLinesAreSkippedAndCountedAndTheConnectionKept(String transport) throws Exception {
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    try (IngestServer server =
        new IngestServer(tcp(transport, 100, 0), protocol(65_535, 32), dataDir, stats, handlers)) {
      InetSocketAddress target = server.start().tcp();
      try (Socket socket = new Socket(target.getAddress(), target.getPort())) {
        socket.setTcpNoDelay(true);
        OutputStream out = socket.getOutputStream();
        String exactly32 = "x".repeat(27) + ":1|c";
        // 1: a long line inside one write, between good ones.
        out.write(
            ("a:1|c\n" + "y".repeat(100) + "\nb:1|c\n" + exactly32 + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 3);
        // 2: a long line that starts as a short tail and grows over several writes.
        out.write("c:1|c\nzzzz".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 4);
        for (int i = 0; i < 5; i++) {
          out.write("z".repeat(20).getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(20);
        }
        out.write("zz\nd:1|c\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // 3: a long line that is long in its very first read, and continues in the next.
        out.write("w".repeat(50).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(20);
        out.write(("w".repeat(50) + "\ne:1|c\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 6);
        assertThat(handlers.lines("tcp"))
            .containsExactly("a:1|c", "b:1|c", exactly32, "c:1|c", "d:1|c", "e:1|c");
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> value(stats, "tcp", "dropped_line_too_long") == 3);
        assertThat(value(stats, "tcp", "connections")).isEqualTo(1);
      }
    }
  }

  @SuppressWarnings("try") // a2 only holds a second connection open
  @ParameterizedTest
  @ValueSource(strings = {"nio", "epoll"})
  void oneAddressCannotHoldMoreThanItsShareOfConnections(String transport) throws Exception {
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    ListenersConfig config =
        listeners(
            UDP_OFF,
            new ListenersConfig.Tcp(true, "127.0.0.1", 0, 100, 2, 0, 2),
            UNIX_OFF,
            UNIX_OFF,
            transport);
    try (IngestServer server =
        new IngestServer(config, protocol(65_535, 8_192), dataDir, stats, handlers)) {
      InetSocketAddress target = server.start().tcp();
      InetAddress first = InetAddress.getLoopbackAddress();
      InetAddress second = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
      try (Socket a1 = new Socket(target.getAddress(), target.getPort(), first, 0);
          Socket a2 = new Socket(target.getAddress(), target.getPort(), first, 0)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> value(stats, "tcp", "connections") == 2);
        try (Socket excess = new Socket(target.getAddress(), target.getPort(), first, 0)) {
          excess.setSoTimeout(5_000);
          assertThat(excess.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(value(stats, "tcp", "connections_rejected_per_address")).isEqualTo(1);
        try (Socket b1 = new Socket(target.getAddress(), target.getPort(), second, 0)) {
          b1.getOutputStream().write("other.host:1|c\n".getBytes(StandardCharsets.US_ASCII));
          a1.getOutputStream().write("first.host:1|c\n".getBytes(StandardCharsets.US_ASCII));
          await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 2);
        }
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> value(stats, "tcp", "connections") == 0);
      try (Socket again = new Socket(target.getAddress(), target.getPort(), first, 0)) {
        again.getOutputStream().write("again:1|c\n".getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 3);
      }
      assertThat(value(stats, "tcp", "connections_rejected_per_address")).isEqualTo(1);
      assertThat(value(stats, "tcp", "connections_rejected")).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void connectionsBeyondTheLimitAreClosedAndCounted(String transport) throws Exception {
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    try (IngestServer server =
        new IngestServer(tcp(transport, 3, 0), protocol(65_535, 8_192), dataDir, stats, handlers)) {
      InetSocketAddress target = server.start().tcp();
      List<Socket> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          open.add(new Socket(target.getAddress(), target.getPort()));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> value(stats, "tcp", "connections") == 3);
        try (Socket excess = new Socket(target.getAddress(), target.getPort())) {
          excess.setSoTimeout(5_000);
          InputStream in = excess.getInputStream();
          assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(value(stats, "tcp", "connections_rejected")).isEqualTo(1);
        assertThat(value(stats, "tcp", "connections")).isEqualTo(3);
        // The accepted ones still work.
        for (int i = 0; i < 3; i++) {
          open.get(i)
              .getOutputStream()
              .write(("ok" + i + ":1|c\n").getBytes(StandardCharsets.US_ASCII));
          open.get(i).getOutputStream().flush();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 3);
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> value(stats, "tcp", "connections") == 0);
      // A slot freed by a closed connection can be used again.
      try (Socket again = new Socket(target.getAddress(), target.getPort())) {
        again.getOutputStream().write("again:1|c\n".getBytes(StandardCharsets.US_ASCII));
        again.getOutputStream().flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 4);
      }
      assertThat(value(stats, "tcp", "connections_total")).isEqualTo(4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void idleConnectionsAreClosedWhenATimeoutIsSet(String transport) throws Exception {
    assumeTransport(transport);
    StatsRegistry stats = new StatsRegistry();
    try (IngestServer server =
            new IngestServer(
                tcp(transport, 10, 1),
                protocol(65_535, 8_192),
                dataDir,
                stats,
                new RecordingHandlers());
        Socket idle = new Socket()) {
      InetSocketAddress target = server.start().tcp();
      idle.connect(target);
      idle.setSoTimeout(5_000);
      assertThat(idle.getInputStream().read()).isEqualTo(-1);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "tcp", "connections_idle_closed") == 1);
    }
  }
}
