package io.hollerith.server.ingest;

import static io.hollerith.server.ingest.TestSupport.TCP_OFF;
import static io.hollerith.server.ingest.TestSupport.UDP_OFF;
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
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Unix stream listener (JDK 16 Unix-domain SocketChannel as client) and the Unix datagram
 * listener (Netty's epoll domain datagram channel as client: the JDK has none), over real socket
 * files in a temporary directory.
 */
class IngestServerUnixTest {

  @TempDir Path dataDir;

  @BeforeEach
  void needsEpoll() {
    assumeTrue(Epoll.isAvailable(), "Unix socket listeners need epoll");
  }

  private static ListenersConfig unix(
      ListenersConfig.UnixSocket stream, ListenersConfig.UnixSocket datagram) {
    return listeners(UDP_OFF, TCP_OFF, stream, datagram, "auto");
  }

  @Test
  void streamSocket_linesFromConcurrentConnectionsArriveOnce_partialLineDropped() throws Exception {
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    ListenersConfig config =
        unix(new ListenersConfig.UnixSocket(true, "run/statsd.sock", 100, null), UNIX_OFF);
    Path socketFile;
    try (IngestServer server =
        new IngestServer(config, protocol(65_535, 8_192), dataDir, stats, handlers)) {
      socketFile = server.start().unixStream();
      assertThat(socketFile).isEqualTo(dataDir.resolve("run/statsd.sock").toAbsolutePath());
      assertThat(UnixSocketFiles.isSocket(socketFile)).isTrue();
      int connections = 10;
      int linesEach = 200;
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int conn = c;
        futures.add(
            pool.submit(
                () -> {
                  try (SocketChannel ch =
                      SocketChannel.open(UnixDomainSocketAddress.of(socketFile))) {
                    for (int i = 0; i < linesEach; i += 20) {
                      StringBuilder chunk = new StringBuilder();
                      for (int k = i; k < i + 20; k++) {
                        chunk.append("u").append(conn).append('.').append(k).append(":1|c\n");
                      }
                      ByteBuffer buf =
                          ByteBuffer.wrap(chunk.toString().getBytes(StandardCharsets.US_ASCII));
                      while (buf.hasRemaining()) {
                        ch.write(buf);
                      }
                    }
                    if (conn == 0) {
                      ch.write(
                          ByteBuffer.wrap("unterminated:1|c".getBytes(StandardCharsets.US_ASCII)));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      int expectedLines = connections * linesEach;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> handlers.lineCount("unix_stream") >= expectedLines);
      Set<String> expected = new HashSet<>();
      for (int c = 0; c < connections; c++) {
        for (int k = 0; k < linesEach; k++) {
          expected.add("u" + c + "." + k + ":1|c");
        }
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "unix_stream", "dropped_partial_line") == 1);
      List<String> lines = handlers.lines("unix_stream");
      assertThat(lines).hasSize(expectedLines).doesNotHaveDuplicates();
      assertThat(new HashSet<>(lines)).isEqualTo(expected);
      assertThat(handlers.violations()).isEmpty();
      assertThat(value(stats, "unix_stream", "lines_received")).isEqualTo(expectedLines);
      assertThat(value(stats, "unix_stream", "connections_total")).isEqualTo(connections);
    }
    assertThat(socketFile).doesNotExist();
  }

  @SuppressWarnings(
      "deprecation") // an unconnected Netty datagram channel is active only with this option
  @Test
  void datagramSocket_everyDatagramArrives() throws Exception {
    StatsRegistry stats = new StatsRegistry();
    RecordingHandlers handlers = new RecordingHandlers();
    ListenersConfig config =
        unix(UNIX_OFF, new ListenersConfig.UnixSocket(true, "dsd.socket", null, "rw-rw-rw-"));
    Path socketFile;
    EventLoopGroup clientGroup = new EpollEventLoopGroup(1);
    try (IngestServer server =
        new IngestServer(config, protocol(8_192, 8_192), dataDir, stats, handlers)) {
      socketFile = server.start().unixDatagram();
      assertThat(Files.getPosixFilePermissions(socketFile))
          .isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
      Channel client =
          new Bootstrap()
              .group(clientGroup)
              .channel(EpollDomainDatagramChannel.class)
              .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
              .handler(new ChannelInboundHandlerAdapter())
              .register()
              .sync()
              .channel();
      DomainSocketAddress target = new DomainSocketAddress(socketFile.toFile());
      int datagrams = 500;
      for (int i = 0; i < datagrams; i++) {
        byte[] data =
            ("dsd." + i + ":" + i + "|g|#env:test\ndsd.count:1|c")
                .getBytes(StandardCharsets.US_ASCII);
        client.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(data), target)).sync();
        if (i % 50 == 49) {
          // Unix datagram senders block rather than drop when the receiver lags; pace a little
          // anyway.
          int received = 2 * (i + 1) - 60;
          await()
              .atMost(Duration.ofSeconds(5))
              .until(() -> handlers.lineCount("unix_datagram") >= received);
        }
      }
      client.close().sync();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> handlers.lineCount("unix_datagram") >= 2 * datagrams);
      List<String> lines = handlers.lines("unix_datagram");
      assertThat(lines).hasSize(2 * datagrams);
      assertThat(lines.stream().filter(l -> l.equals("dsd.count:1|c"))).hasSize(datagrams);
      Set<String> gauges = new HashSet<>();
      lines.stream().filter(l -> !l.equals("dsd.count:1|c")).forEach(gauges::add);
      assertThat(gauges)
          .hasSize(datagrams)
          .contains("dsd.0:0|g|#env:test", "dsd.499:499|g|#env:test");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(stats, "unix_datagram", "packets_received") == datagrams);
      assertThat(handlers.violations()).isEmpty();
    } finally {
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
    assertThat(socketFile).doesNotExist();
  }

  @Test
  void staleSocketFileIsReplaced() throws Exception {
    Path path = dataDir.resolve("stale.sock");
    // A socket file whose server has gone: the JDK leaves the file behind on close.
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(path));
    }
    assertThat(UnixSocketFiles.isSocket(path)).isTrue();
    RecordingHandlers handlers = new RecordingHandlers();
    ListenersConfig config =
        unix(new ListenersConfig.UnixSocket(true, path.toString(), null, null), UNIX_OFF);
    try (IngestServer server =
        new IngestServer(config, protocol(65_535, 8_192), dataDir, new StatsRegistry(), handlers)) {
      server.start();
      try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
        ch.write(ByteBuffer.wrap("fresh:1|c\n".getBytes(StandardCharsets.US_ASCII)));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> handlers.lineCount("unix_stream") >= 1);
    }
  }

  @Test
  void liveSocketOfAnotherServerIsNotStolen() throws Exception {
    Path path = dataDir.resolve("live.sock");
    try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      live.bind(UnixDomainSocketAddress.of(path));
      ListenersConfig config =
          unix(new ListenersConfig.UnixSocket(true, path.toString(), null, null), UNIX_OFF);
      IngestServer server =
          new IngestServer(
              config,
              protocol(65_535, 8_192),
              dataDir,
              new StatsRegistry(),
              new RecordingHandlers());
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("listeners.unix_stream.path: another process is listening on " + path);
      server.close();
      assertThat(UnixSocketFiles.isSocket(path)).isTrue();
    }
  }

  @Test
  void regularFileAtThePathIsNeverReplaced() throws Exception {
    Path path = Files.writeString(dataDir.resolve("precious.txt"), "data");
    ListenersConfig config =
        unix(UNIX_OFF, new ListenersConfig.UnixSocket(true, "precious.txt", null, null));
    IngestServer server =
        new IngestServer(
            config, protocol(65_535, 8_192), dataDir, new StatsRegistry(), new RecordingHandlers());
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "listeners.unix_datagram.path: "
                + path.toAbsolutePath()
                + " exists and is not a socket");
    server.close();
    assertThat(Files.readString(path)).isEqualTo("data");
  }

  @Test
  void unixListenersNeedEpollAndSaySo() {
    ListenersConfig config =
        listeners(
            UDP_OFF,
            TCP_OFF,
            new ListenersConfig.UnixSocket(true, "s.sock", null, null),
            UNIX_OFF,
            "nio");
    IngestServer server =
        new IngestServer(
            config, protocol(65_535, 8_192), dataDir, new StatsRegistry(), new RecordingHandlers());
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "listeners.unix_stream needs the native epoll transport (Linux), which is switched off by "
                + "listeners.transport: nio; disable listeners.unix_stream or use the udp/tcp listeners");
  }

  @Test
  void missingPathIsAConfigurationError() {
    ListenersConfig config = unix(new ListenersConfig.UnixSocket(true, " ", null, null), UNIX_OFF);
    IngestServer server =
        new IngestServer(
            config, protocol(65_535, 8_192), dataDir, new StatsRegistry(), new RecordingHandlers());
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "listeners.unix_stream.path is required when listeners.unix_stream.enabled is true");
  }
}
