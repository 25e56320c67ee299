package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP and Unix stream clients: lazy connect, reconnect, close, errors that propagate. */
class StreamClientTest {

  @TempDir Path tmp;

  @Test
  void tcpConnectsLazilyAndTerminatesEveryLine() throws Exception {
    try (StreamCapture server = StreamCapture.tcp()) {
      TcpStatsClient c = new TcpStatsClient("127.0.0.1", server.port(), "app");
      assertThat(c.isConnected()).isFalse();
      c.incr("a");
      assertThat(c.isConnected()).isTrue();
      c.gauge("b", -1);
      try (Pipeline p = c.pipeline()) {
        for (int i = 0; i < 100; i++) {
          p.incr("sixteen_char_str");
        }
      }
      c.close();
      assertThat(c.isConnected()).isFalse();
      c.close(); // a no-op without a connection
      String expectedPipe = String.join("\n", Collections.nCopies(100, "app.sixteen_char_str:1|c"));
      assertThat(server.nextConnection())
          .isEqualTo("app.a:1|c\napp.b:0|g\napp.b:-1|g\n" + expectedPipe + "\n");
    }
  }

  @Test
  void reconnectClosesAndOpensANewConnection() throws Exception {
    try (StreamCapture server = StreamCapture.tcp()) {
      TcpStatsClient c =
          new TcpStatsClient("127.0.0.1", server.port(), null, Duration.ofSeconds(2));
      c.incr("one");
      c.reconnect();
      assertThat(server.nextConnection()).isEqualTo("one:1|c\n");
      c.incr("two");
      c.close();
      assertThat(server.nextConnection()).isEqualTo("two:1|c\n");
      c.connect();
      c.incr("three");
      c.connect(); // closes the open connection first
      assertThat(server.nextConnection()).isEqualTo("three:1|c\n");
      c.close();
      assertThat(server.nextConnection()).isEmpty();
    }
  }

  @Test
  void tcpConnectionRefusedPropagates() throws IOException {
    int port;
    try (ServerSocketChannel s = ServerSocketChannel.open()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = ((InetSocketAddress) s.getLocalAddress()).getPort();
    }
    TcpStatsClient blocking = new TcpStatsClient("127.0.0.1", port);
    assertThatThrownBy(() -> blocking.incr("x"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot connect to StatsD at");
    TcpStatsClient timed = new TcpStatsClient("127.0.0.1", port, null, Duration.ofSeconds(2));
    assertThatThrownBy(timed::connect).isInstanceOf(UncheckedIOException.class);
    assertThat(timed.isConnected()).isFalse();
  }

  @SuppressWarnings(
      "try") // the accepted connection is held open, never read, so the client's writes back up
  @Test
  void writeToAServerThatNeverReadsTimesOut() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      TcpStatsClient c = new TcpStatsClient("127.0.0.1", port, null, Duration.ofMillis(200));
      c.connect();
      try (SocketChannel accepted = server.accept()) {
        String member = "x".repeat(1 << 20);
        long start = System.nanoTime();
        assertThatThrownBy(
                () -> {
                  for (int i = 0; i < 200; i++) { // far more than any socket buffers hold
                    c.set("big", member);
                  }
                })
            .isInstanceOf(UncheckedIOException.class)
            .hasCauseInstanceOf(SocketTimeoutException.class)
            .hasMessageContaining("timed out after PT0.2S writing to");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
        c.close();
      }
    }
  }

  @Test
  void unixSocketStream() throws Exception {
    Path sock = tmp.resolve("s.sock");
    try (StreamCapture server = StreamCapture.unix(sock)) {
      UnixSocketStatsClient c = new UnixSocketStatsClient(sock, "u", Duration.ofSeconds(2));
      assertThat(c.socketPath()).isEqualTo(sock);
      c.timing("t", 2.5);
      c.set("users", "alice");
      c.close();
      assertThat(server.nextConnection()).isEqualTo("u.t:2.500000|ms\nu.users:alice|s\n");
    }
  }

  @Test
  void unixSocketMissingPropagates() {
    UnixSocketStatsClient c = new UnixSocketStatsClient(tmp.resolve("absent.sock"));
    assertThatThrownBy(() -> c.incr("x"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("absent.sock");
  }

  @Test
  void negativeTimeoutIsRejected() {
    assertThatThrownBy(() -> new TcpStatsClient("127.0.0.1", 1, null, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must not be negative, got PT-1S");
  }
}
