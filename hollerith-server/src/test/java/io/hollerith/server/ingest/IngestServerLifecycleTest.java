package io.hollerith.server.ingest;

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
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start and stop of all four listeners together. */
class IngestServerLifecycleTest {

  @TempDir Path dataDir;

  @Test
  void startReturnsTheBoundAddresses_closeStopsEverythingAndRemovesSocketFiles() throws Exception {
    assumeTrue(Epoll.isAvailable(), "Unix socket listeners need epoll");
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    ListenersConfig config =
        listeners(
            new ListenersConfig.Udp(true, "127.0.0.1", 0, null, 2, null),
            new ListenersConfig.Tcp(true, "127.0.0.1", 0, null, null, null, null),
            new ListenersConfig.UnixSocket(true, "s.sock", null, null),
            new ListenersConfig.UnixSocket(true, "d.sock", null, null),
            "auto");
    IngestServer server =
        new IngestServer(config, protocol(65_535, 8_192), dataDir, stats, handlers);
    IngestServer.Bound bound = server.start();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    try (DatagramSocket udp = new DatagramSocket();
        Socket tcp = new Socket(bound.tcp().getAddress(), bound.tcp().getPort());
        SocketChannel unix = SocketChannel.open(UnixDomainSocketAddress.of(bound.unixStream()))) {
      byte[] u = "via.udp:1|c".getBytes(StandardCharsets.US_ASCII);
      udp.send(new DatagramPacket(u, u.length, bound.udp()));
      tcp.getOutputStream().write("via.tcp:1|c\n".getBytes(StandardCharsets.US_ASCII));
      tcp.getOutputStream().flush();
      unix.write(ByteBuffer.wrap("via.unix:1|c\n".getBytes(StandardCharsets.US_ASCII)));
      await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("udp") >= 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("tcp") >= 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("unix_stream") >= 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> value(stats, "tcp", "connections") == 1);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "messages", "packets_received") == 3);
      server.close();
      server.close();
      // The open connection was closed by the server, the ports and files are gone.
      tcp.setSoTimeout(5_000);
      assertThat(tcp.getInputStream().read()).isEqualTo(-1);
      assertThat(value(stats, "tcp", "connections")).isZero();
    }
    assertThatThrownBy(() -> new Socket(bound.tcp().getAddress(), bound.tcp().getPort()).close())
        .isInstanceOf(ConnectException.class);
    assertThat(bound.unixStream()).doesNotExist();
    assertThat(bound.unixDatagram()).doesNotExist();
    // The UDP port is free again: binding it succeeds.
    try (DatagramSocket again = new DatagramSocket(bound.udp())) {
      assertThat(again.getLocalPort()).isEqualTo(bound.udp().getPort());
    }
    assertThat(handlers.lines("udp")).containsExactly("via.udp:1|c");
    assertThat(handlers.lines("tcp")).containsExactly("via.tcp:1|c");
    assertThat(handlers.lines("unix_stream")).containsExactly("via.unix:1|c");
  }

  @Test
  void failedStartClosesWhatWasStarted() throws Exception {
    int udpPort;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      udpPort = probe.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ListenersConfig config =
          listeners(
              new ListenersConfig.Udp(true, "127.0.0.1", udpPort, null, 1, null),
              new ListenersConfig.Tcp(
                  true, "127.0.0.1", taken.getLocalPort(), null, null, null, null),
              TestSupport.UNIX_OFF,
              TestSupport.UNIX_OFF,
              "auto");
      IngestServer server =
          new IngestServer(
              config,
              protocol(65_535, 8_192),
              dataDir,
              new StatsRegistry(),
              new RecordingHandlers());
      assertThatThrownBy(server::start).hasMessageStartingWith("tcp listener: cannot bind");
    }
    // The UDP listener that had started is closed again: its port can be bound.
    try (DatagramSocket again = new DatagramSocket(udpPort, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(udpPort);
    }
  }

  @Test
  void systemPropertyForcesNioUnderAuto() {
    String before = System.getProperty(Transport.PROPERTY);
    try {
      System.setProperty(Transport.PROPERTY, "nio");
      assertThat(Transport.select("auto")).isEqualTo(Transport.NIO);
      assertThat(Transport.select("epoll")).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : null);
    } catch (IllegalArgumentException e) {
      assertThat(Epoll.isAvailable()).isFalse();
    } finally {
      if (before == null) {
        System.clearProperty(Transport.PROPERTY);
      } else {
        System.setProperty(Transport.PROPERTY, before);
      }
    }
    assertThat(Transport.select("NIO")).isEqualTo(Transport.NIO);
  }
}
