package io.hollerith.client;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A StatsD client over a Unix domain <em>stream</em> socket: pystatsd's {@code
 * UnixSocketStatsClient(socket_path, prefix=None, timeout=None)}, with the same newline framing as
 * {@link TcpStatsClient}. (pystatsd declined datagram Unix sockets; so does this.)
 *
 * <p>May throw {@link java.io.UncheckedIOException} on connection errors and is <b>not
 * thread-safe</b> (see {@link StreamStatsClient}).
 */
public final class UnixSocketStatsClient extends StreamStatsClient {

  private final UnixDomainSocketAddress address;

  /** {@code UnixSocketStatsClient(socket_path)}. */
  public UnixSocketStatsClient(Path socketPath) {
    this(socketPath, null, null);
  }

  /** {@code UnixSocketStatsClient(socket_path, prefix)}. */
  public UnixSocketStatsClient(Path socketPath, String prefix) {
    this(socketPath, prefix, null);
  }

  /** {@code UnixSocketStatsClient(socket_path, prefix, timeout)}; a {@code null} timeout blocks. */
  public UnixSocketStatsClient(Path socketPath, String prefix, Duration timeout) {
    this(
        socketPath,
        prefix,
        timeout,
        () -> ThreadLocalRandom.current().nextDouble(),
        System::nanoTime);
  }

  /** All options, with the sampling random source and the timers' clock injectable for tests. */
  public UnixSocketStatsClient(
      Path socketPath,
      String prefix,
      Duration timeout,
      DoubleSupplier random,
      LongSupplier nanoClock) {
    super(prefix, timeout, random, nanoClock);
    this.address = UnixDomainSocketAddress.of(Objects.requireNonNull(socketPath, "socketPath"));
  }

  /** The socket's path. */
  public Path socketPath() {
    return address.getPath();
  }

  @Override
  SocketChannel open() throws IOException {
    return SocketChannel.open(StandardProtocolFamily.UNIX);
  }

  @Override
  SocketAddress remote() {
    return address;
  }
}
