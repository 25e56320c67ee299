package io.hollerith.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A StatsD client over UDP: pystatsd's {@code StatsClient(host='localhost', port=8125, prefix=None,
 * maxudpsize=512, ipv6=False)}.
 *
 * <pre>{@code
 * StatsClient statsd = new StatsClient("localhost", 8125, "myapp");
 * statsd.incr("logins");                 // myapp.logins:1|c
 * statsd.timing("db.query", 12.5);       // myapp.db.query:12.500000|ms
 * statsd.gauge("queue", -5);             // myapp.queue:0|g\nmyapp.queue:-5|g
 * }</pre>
 *
 * <p>The host is resolved once, in the constructor, to an address of the chosen family (IPv4, or
 * IPv6 with {@code ipv6}); an unknown host throws there, as pystatsd's {@code getaddrinfo} does.
 * Each stat is one datagram without a trailing newline; {@link #pipeline()} batches several.
 *
 * <p><b>Never throws on send failures:</b> a failed send (no route, buffer full, message too long,
 * client closed) is counted in {@link #sendFailures()} and shown to the optional error handler, and
 * the stat is lost, as UDP would lose it. Invalid input (non-ASCII names) still throws {@link
 * IllegalArgumentException} before anything is sent. Whatever the error handler throws is ignored;
 * it may send stats through this client, but a send that fails again calls it again.
 *
 * <p><b>Thread-safe.</b> Lines are built in a per-thread buffer, so sending allocates nothing in
 * the steady state; all threads share one {@link DatagramChannel}, which serializes concurrent
 * sends internally, as the kernel does for one socket anyway. Sampling draws from {@link
 * ThreadLocalRandom} unless a random source is injected (which must then be thread-safe).
 */
public final class StatsClient extends StatsClientBase {

  /** pystatsd's default {@code maxudpsize}: generally considered safe on the public internet. */
  public static final int DEFAULT_MAX_UDP_SIZE = 512;

  /** The StatsD port. */
  public static final int DEFAULT_PORT = 8125;

  /** The default host. */
  public static final String DEFAULT_HOST = "localhost";

  private final DatagramChannel channel;
  private final InetSocketAddress address;
  private final int maxUdpSize;
  private final Consumer<? super IOException> errorHandler;

  /** Adders, not atomics: many sending threads, rare readers. */
  private final LongAdder failures = new LongAdder();

  /** {@code StatsClient()}: localhost:8125, no prefix, 512-byte datagrams. */
  public StatsClient() {
    this(builder());
  }

  /** {@code StatsClient(host, port)}. */
  public StatsClient(String host, int port) {
    this(builder().host(host).port(port));
  }

  /** {@code StatsClient(host, port, prefix)}; a {@code null} or empty prefix means none. */
  public StatsClient(String host, int port, String prefix) {
    this(builder().host(host).port(port).prefix(prefix));
  }

  /** {@code StatsClient(host, port, prefix, maxudpsize)}. */
  public StatsClient(String host, int port, String prefix, int maxUdpSize) {
    this(builder().host(host).port(port).prefix(prefix).maxUdpSize(maxUdpSize));
  }

  /** {@code StatsClient(host, port, prefix, maxudpsize, ipv6)}. */
  public StatsClient(String host, int port, String prefix, int maxUdpSize, boolean ipv6) {
    this(builder().host(host).port(port).prefix(prefix).maxUdpSize(maxUdpSize).ipv6(ipv6));
  }

  private StatsClient(Builder b) {
    super(b.prefix, null, b.random, b.nanoClock);
    if (b.maxUdpSize < 1) {
      throw new IllegalArgumentException("maxUdpSize must be positive, got " + b.maxUdpSize);
    }
    checkPort(b.port);
    this.maxUdpSize = b.maxUdpSize;
    this.errorHandler = b.errorHandler;
    this.address = new InetSocketAddress(resolve(b.host, b.ipv6), b.port);
    ProtocolFamily family = b.ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    try {
      this.channel = DatagramChannel.open(family);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a UDP socket for " + address, e);
    }
  }

  /**
   * A builder for the options pystatsd has no parameter for (random source, clock, error handler).
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client configured like pystatsd's {@code statsd.defaults.env}: {@code STATSD_HOST}
   * (localhost), {@code STATSD_PORT} (8125), {@code STATSD_PREFIX} (none), {@code
   * STATSD_MAXUDPSIZE} (512) and {@code STATSD_IPV6} (an integer, non-zero for IPv6).
   */
  public static StatsClient fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * {@link #fromEnvironment()} reading {@code env} instead of the process environment.
   *
   * @throws IllegalArgumentException when a number is malformed
   */
  public static StatsClient fromEnvironment(Map<String, String> env) {
    return builder()
        .host(env.getOrDefault("STATSD_HOST", DEFAULT_HOST))
        .port(intVar(env, "STATSD_PORT", DEFAULT_PORT))
        .prefix(env.get("STATSD_PREFIX"))
        .maxUdpSize(intVar(env, "STATSD_MAXUDPSIZE", DEFAULT_MAX_UDP_SIZE))
        .ipv6(intVar(env, "STATSD_IPV6", 0) != 0)
        .build();
  }

  private static int intVar(Map<String, String> env, String name, int fallback) {
    String v = env.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got \"" + v + "\"", e);
    }
  }

  static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
  }

  /** The first address of {@code host} in the requested family, like pystatsd's getaddrinfo. */
  static InetAddress resolve(String host, boolean ipv6) {
    Objects.requireNonNull(host, "host");
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new UncheckedIOException("cannot resolve StatsD host \"" + host + "\"", e);
    }
    for (InetAddress a : all) {
      if (ipv6 ? a instanceof Inet6Address : a instanceof Inet4Address) {
        return a;
      }
    }
    throw new UncheckedIOException(
        new UnknownHostException(
            "StatsD host \"" + host + "\" has no " + (ipv6 ? "IPv6" : "IPv4") + " address"));
  }

  @Override
  void deliver(LineBuffer buf, int off, int len) {
    try {
      channel.send(buf.view(off, len), address);
    } catch (IOException e) {
      failures.increment();
      if (errorHandler != null) {
        try {
          errorHandler.accept(e);
        } catch (RuntimeException ignored) {
          // Documented: the handler must not throw, and sending never throws.
        }
      }
    }
  }

  @Override
  int packLimit() {
    return maxUdpSize;
  }

  /** The resolved server address. */
  public InetSocketAddress address() {
    return address;
  }

  /** The largest datagram a pipeline builds (exclusive, see {@link Pipeline}). */
  public int maxUdpSize() {
    return maxUdpSize;
  }

  /** How many datagrams failed to send since this client was created. */
  public long sendFailures() {
    return failures.sum();
  }

  /** Closes the UDP socket; later sends fail and are counted. Idempotent. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      failures.increment();
    }
  }

  /**
   * Options for a {@link StatsClient}. Defaults are pystatsd's; {@link #random}, {@link #nanoClock}
   * and {@link #errorHandler} are Java additions. Not thread-safe.
   */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String prefix;
    private int maxUdpSize = DEFAULT_MAX_UDP_SIZE;
    private boolean ipv6;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private LongSupplier nanoClock = System::nanoTime;
    private Consumer<? super IOException> errorHandler;

    private Builder() {}

    /** The server's host name or address; default {@code localhost}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The server's port; default 8125. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Joined to every stat name with a dot; {@code null} or empty for none. */
    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /** The datagram size a pipeline stays below; default 512. */
    public Builder maxUdpSize(int maxUdpSize) {
      this.maxUdpSize = maxUdpSize;
      return this;
    }

    /** Resolve the host to an IPv6 address and send over IPv6; default false. */
    public Builder ipv6(boolean ipv6) {
      this.ipv6 = ipv6;
      return this;
    }

    /**
     * The source of uniform doubles in [0, 1) for sampling; must be thread-safe if the client is
     * shared. Default {@link ThreadLocalRandom}.
     */
    public Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The monotonic nanosecond clock of timers; default {@link System#nanoTime()}. */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /** Sees each failed send (after it is counted); must not throw. Default none. */
    public Builder errorHandler(Consumer<? super IOException> errorHandler) {
      this.errorHandler = errorHandler;
      return this;
    }

    /**
     * Resolves the host and opens the socket.
     *
     * @throws UncheckedIOException if the host cannot be resolved in the chosen family
     */
    public StatsClient build() {
      return new StatsClient(this);
    }
  }
}
