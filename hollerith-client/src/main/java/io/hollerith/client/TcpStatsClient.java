package io.hollerith.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A StatsD client over TCP: pystatsd's {@code TCPStatsClient(host='localhost', port=8125,
 * prefix=None, timeout=None, ipv6=False)}. Every line ends with {@code \n}; a pipeline is one write
 * with no size limit. The host is resolved on each {@link #connect()}.
 *
 * <p>May throw {@link java.io.UncheckedIOException} on connection errors, and is <b>not
 * thread-safe</b>, both as documented for pystatsd (see {@link StreamStatsClient}).
 */
public final class TcpStatsClient extends StreamStatsClient {

  private final String host;
  private final int port;
  private final boolean ipv6;

  /** {@code TCPStatsClient()}: localhost:8125, no prefix, no timeout. */
  public TcpStatsClient() {
    this(StatsClient.DEFAULT_HOST, StatsClient.DEFAULT_PORT, null, null, false);
  }

  /** {@code TCPStatsClient(host, port)}. */
  public TcpStatsClient(String host, int port) {
    this(host, port, null, null, false);
  }

  /** {@code TCPStatsClient(host, port, prefix)}. */
  public TcpStatsClient(String host, int port, String prefix) {
    this(host, port, prefix, null, false);
  }

  /** {@code TCPStatsClient(host, port, prefix, timeout)}; a {@code null} timeout blocks. */
  public TcpStatsClient(String host, int port, String prefix, Duration timeout) {
    this(host, port, prefix, timeout, false);
  }

  /** {@code TCPStatsClient(host, port, prefix, timeout, ipv6)}. */
  public TcpStatsClient(String host, int port, String prefix, Duration timeout, boolean ipv6) {
    this(
        host,
        port,
        prefix,
        timeout,
        ipv6,
        () -> ThreadLocalRandom.current().nextDouble(),
        System::nanoTime);
  }

  /**
   * All options, with the sampling random source (uniform in [0, 1)) and the timers' monotonic
   * nanosecond clock injectable for tests.
   */
  public TcpStatsClient(
      String host,
      int port,
      String prefix,
      Duration timeout,
      boolean ipv6,
      DoubleSupplier random,
      LongSupplier nanoClock) {
    super(prefix, timeout, random, nanoClock);
    StatsClient.checkPort(port);
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.ipv6 = ipv6;
  }

  @Override
  SocketChannel open() throws IOException {
    return SocketChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
  }

  @Override
  SocketAddress remote() {
    return new InetSocketAddress(StatsClient.resolve(host, ipv6), port);
  }
}
