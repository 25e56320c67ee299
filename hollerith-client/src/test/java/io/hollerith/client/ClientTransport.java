package io.hollerith.client;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Opens a client of each transport for one server, so that a test can run the same calls over UDP,
 * TCP and a Unix stream socket. Public test support (in the {@code tests} jar).
 *
 * <pre>{@code
 * for (ClientTransport t : ClientTransport.values()) {
 *   try (StatsClientBase c = t.open(udpAddress, tcpAddress, unixPath, null, 512, () -> -1)) {
 *     vector.calls().accept(c);
 *   }
 * }
 * }</pre>
 */
public enum ClientTransport {
  /** {@link StatsClient} to the UDP address. */
  UDP,
  /** {@link TcpStatsClient} to the TCP address, with a 5 s timeout. */
  TCP,
  /** {@link UnixSocketStatsClient} to the socket path, with a 5 s timeout. */
  UNIX;

  /**
   * A new client of this transport; the ones not used by this transport may be {@code null}. {@code
   * random} returns the sampling draws ({@code () -> -1} always samples).
   */
  public StatsClientBase open(
      InetSocketAddress udp,
      InetSocketAddress tcp,
      Path unixSocket,
      String prefix,
      int maxUdpSize,
      DoubleSupplier random) {
    return switch (this) {
      case UDP ->
          StatsClient.builder()
              .host(udp.getHostString())
              .port(udp.getPort())
              .prefix(prefix)
              .maxUdpSize(maxUdpSize)
              .random(random)
              .build();
      case TCP ->
          new TcpStatsClient(
              tcp.getHostString(),
              tcp.getPort(),
              prefix,
              Duration.ofSeconds(5),
              false,
              random,
              System::nanoTime);
      case UNIX ->
          new UnixSocketStatsClient(
              unixSocket, prefix, Duration.ofSeconds(5), random, System::nanoTime);
    };
  }
}
