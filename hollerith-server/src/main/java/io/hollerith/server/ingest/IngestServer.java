package io.hollerith.server.ingest;

import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.stats.RateLimitedLog;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StatsD ingest listeners: UDP, TCP, Unix stream and Unix datagram, each enabled and placed by
 * {@link ListenersConfig}, all handing what they read to {@link PacketHandler}s made by one {@link
 * PacketHandlerFactory} (one handler per listener and event-loop thread).
 *
 * <p>With the native epoll transport, UDP opens one SO_REUSEPORT socket per thread, so the kernel
 * spreads datagrams over the threads without any lock in user space, and reads up to 64 datagrams
 * per system call (recvmmsg) into pooled direct buffers. With NIO (other systems, or {@code
 * transport: nio}) it opens one socket read by one thread. Unix sockets need epoll.
 *
 * <p>Lifecycle: {@link #start()} binds every enabled listener and returns the bound addresses (port
 * 0 picks a free port); if one cannot start, those already started are closed and the error names
 * the listener. {@link #close()} stops accepting, lets each event loop finish the read in hand,
 * closes the connections, waits for the threads to end and removes the socket files; after it
 * returns no handler is called again, so the caller can drain and flush the aggregates.
 *
 * <p>Thread-safe: {@code start} and {@code close} are synchronized; the listeners run on their own
 * event-loop threads.
 */
public final class IngestServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);

  /**
   * recvmmsg reads into one pooled buffer of at most this many bytes, cut into slots of
   * max_packet_bytes + 1: 16 slots with the default 64 KiB limit (the bare receiver's set-up), up
   * to {@link #MAX_RECV_BATCH} for small limits. Here a system call costs more than copying the
   * datagrams it returns, so more per call is faster: under a flood of 20-line packets on one core,
   * 8 slots (512 KiB) counted 9.2–9.9 M metrics/s, 16 slots 10.4–11.2 M, 32 slots no more. Each UDP
   * thread keeps one such buffer; it must fit Netty's thread cache (see {@code
   * HollerithCommand.tuneNettyBeforeItLoads}), or every read takes a run from the shared arena.
   */
  static final int RECV_BATCH_BYTES = 1024 * 1024;

  static final int MAX_RECV_BATCH = 64;
  private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

  /**
   * The addresses the enabled listeners are bound to; null for a disabled listener.
   *
   * @param udp the UDP address, with the actual port
   * @param tcp the TCP address, with the actual port
   * @param unixStream the Unix stream socket file
   * @param unixDatagram the Unix datagram socket file
   */
  public record Bound(
      InetSocketAddress udp, InetSocketAddress tcp, Path unixStream, Path unixDatagram) {}

  private final ListenersConfig listeners;
  private final ProtocolConfig protocol;
  private final Path dataDir;
  private final StatsRegistry stats;
  private final PacketHandlerFactory factory;
  private final LongSupplier clockMillis;
  private final RateLimitedLog errorLog;

  private final List<EventLoopGroup> groups = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final List<Path> socketFiles = new ArrayList<>();
  private final List<ListenerStats> listenerStats = new ArrayList<>();
  private Transport transport;
  private boolean started;
  private boolean closed;

  /**
   * @param listeners which listeners to start, and where
   * @param protocol {@code max_packet_bytes} and {@code max_line_bytes} are enforced here
   * @param dataDir relative Unix socket paths are resolved against it
   * @param stats where each listener's counters go (category = listener name)
   * @param factory makes the packet handlers
   */
  public IngestServer(
      ListenersConfig listeners,
      ProtocolConfig protocol,
      Path dataDir,
      StatsRegistry stats,
      PacketHandlerFactory factory) {
    this(listeners, protocol, dataDir, stats, factory, Clock.systemUTC());
  }

  /** As above, with the clock used for {@code last_msg_seen}. */
  public IngestServer(
      ListenersConfig listeners,
      ProtocolConfig protocol,
      Path dataDir,
      StatsRegistry stats,
      PacketHandlerFactory factory,
      Clock clock) {
    this.listeners = Objects.requireNonNull(listeners, "listeners");
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.factory = Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(clock, "clock");
    this.clockMillis = clock::millis;
    this.errorLog = new RateLimitedLog(10_000, clockMillis);
  }

  /**
   * Binds every enabled listener.
   *
   * @return the bound addresses
   * @throws IllegalStateException when called twice, or when a listener cannot start (the message
   *     names the listener and the cause; the listeners already started are closed)
   * @throws IllegalArgumentException for a configuration value the listeners cannot use
   */
  public synchronized Bound start() {
    if (started) {
      throw new IllegalStateException("IngestServer already started");
    }
    started = true;
    long startSeconds = clockMillis.getAsLong() / 1000;
    try {
      transport = Transport.select(listeners.transport());
      InetSocketAddress udp = listeners.udp().enabled() ? startUdp(startSeconds) : null;
      InetSocketAddress tcp = listeners.tcp().enabled() ? startTcp(startSeconds) : null;
      Path unixStream = listeners.unixStream().enabled() ? startUnixStream(startSeconds) : null;
      Path unixDatagram =
          listeners.unixDatagram().enabled() ? startUnixDatagram(startSeconds) : null;
      List<ListenerStats> all = List.copyOf(listenerStats);
      stats.gauge(
          StatName.LAST_MSG_SEEN,
          "unix seconds of the last data received on any listener",
          () -> all.stream().mapToLong(s -> s.lastMsgSeen.get()).max().orElse(startSeconds));
      LOG.info(
          "ingest listening ({}): udp={} tcp={} unix_stream={} unix_datagram={}",
          transport.name().toLowerCase(Locale.ROOT),
          udp,
          tcp,
          unixStream,
          unixDatagram);
      return new Bound(udp, tcp, unixStream, unixDatagram);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private InetSocketAddress startUdp(long startSeconds) {
    ListenersConfig.Udp cfg = listeners.udp();
    int slot = protocol.maxPacketBytes() + 1;
    boolean epoll = transport == Transport.EPOLL;
    int threads = epoll ? threads(cfg.threads()) : 1;
    int batch = epoll ? Math.max(1, Math.min(MAX_RECV_BATCH, RECV_BATCH_BYTES / slot)) : 1;
    ListenerStats st = newStats("udp", false, startSeconds);
    HandlersPerLoop handlers = new HandlersPerLoop("udp", factory);
    EventLoopGroup group = newGroup(threads, "udp");
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(transport.datagramChannel())
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.SO_RCVBUF, cfg.receiveBufferBytes())
            // Slots of max_packet_bytes + 1: a datagram that fills its slot was truncated and is
            // counted.
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slot * batch))
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new DatagramIngestHandler(
                                st,
                                handlers,
                                protocol.maxPacketBytes(),
                                cfg.readDelay().toNanos(),
                                batch,
                                clockMillis,
                                errorLog));
                  }
                });
    if (epoll) {
      // One socket per event loop on the same port; the kernel hashes senders over them.
      b.option(EpollChannelOption.SO_REUSEPORT, true)
          // Any value > 0 switches Netty to recvmmsg, slicing each read buffer into slots of this
          // size.
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
    }
    InetAddress address = resolve(cfg.address(), "listeners.udp.address");
    Channel first =
        bind(b.bind(address, cfg.port()), "udp", address.getHostAddress() + ":" + cfg.port());
    InetSocketAddress local = (InetSocketAddress) first.localAddress();
    for (int i = 1; i < threads; i++) {
      bind(
          b.bind(address, local.getPort()),
          "udp",
          address.getHostAddress() + ":" + local.getPort());
    }
    int granted = grantedReceiveBuffer(first.config().getOption(ChannelOption.SO_RCVBUF), epoll);
    checkReceiveBuffer(cfg.receiveBufferBytes(), granted);
    stats.gauge(
        "udp",
        "receive_buffer_bytes",
        "SO_RCVBUF granted per socket, in setsockopt's terms (Linux "
            + "reserves twice this for its bookkeeping)",
        () -> granted);
    stats.gauge("udp", "sockets", "UDP sockets (one per receiving thread)", () -> threads);
    ProcNetUdp kernel = ProcNetUdp.forPort(local.getPort());
    if (kernel != null && kernel.foreignSockets() > 0) {
      throw new IllegalStateException(
          "udp listener: "
              + kernel.foreignSockets()
              + " socket(s) of another process "
              + "are bound to "
              + local
              + " with SO_REUSEPORT and would receive part of the traffic; stop that process "
              + "or choose another listeners.udp.port");
    }
    if (kernel != null) {
      stats.gauge(
          StatName.UDP_KERNEL_DROPS,
          "datagrams the kernel dropped on our sockets (/proc/net/udp drops)",
          () -> kernel.read().drops());
      stats.gauge(
          "udp",
          "rx_queue",
          "bytes waiting in our sockets' receive queues (/proc/net/udp rx_queue)",
          () -> kernel.read().rxQueue());
    } else {
      LOG.debug("udp: /proc/net/udp is not available; kernel drop counters are not exported");
    }
    if (epoll) {
      LOG.info(
          "udp: {} SO_REUSEPORT sockets on {}, recvmmsg up to {} datagrams of {} bytes",
          threads,
          local,
          batch,
          slot - 1);
    }
    return local;
  }

  /**
   * The receive buffer the kernel granted, comparable with the requested value. Linux stores and
   * reports twice the granted value (half is bookkeeping overhead); the JDK halves what NIO reads
   * back, Netty's native epoll socket does not.
   */
  static int grantedReceiveBuffer(int readBack, boolean nativeEpoll) {
    return nativeEpoll ? readBack / 2 : readBack;
  }

  static void checkReceiveBuffer(int requested, int granted) {
    if (granted < requested) {
      LOG.warn(
          "listeners.udp.receive_buffer_bytes: requested {} bytes per socket but the kernel granted {}; "
              + "bursts beyond that are dropped by the kernel (counted in udp.kernel_drops). On Linux raise the cap: "
              + "sysctl -w net.core.rmem_max={}",
          requested,
          granted,
          requested);
    }
  }

  private InetSocketAddress startTcp(long startSeconds) {
    ListenersConfig.Tcp cfg = listeners.tcp();
    if (cfg.maxConnections() < 1) {
      throw new IllegalArgumentException(
          "listeners.tcp.max_connections must be at least 1, not " + cfg.maxConnections());
    }
    ListenerStats st = newStats("tcp", true, startSeconds);
    EventLoopGroup group = newGroup(threads(cfg.threads()), "tcp");
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverSocketChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(
                new StreamChannelInitializer(
                    st,
                    new HandlersPerLoop("tcp", factory),
                    cfg.maxConnections(),
                    cfg.maxConnectionsPerAddress(),
                    cfg.idleTimeoutSeconds(),
                    protocol.maxLineBytes(),
                    clockMillis,
                    errorLog));
    InetAddress address = resolve(cfg.address(), "listeners.tcp.address");
    Channel ch =
        bind(b.bind(address, cfg.port()), "tcp", address.getHostAddress() + ":" + cfg.port());
    return (InetSocketAddress) ch.localAddress();
  }

  private Path startUnixStream(long startSeconds) {
    ListenersConfig.UnixSocket cfg = listeners.unixStream();
    Path path = unixPath(cfg, "listeners.unix_stream");
    ListenerStats st = newStats("unix_stream", true, startSeconds);
    EventLoopGroup group = newGroup(1, "unix-stream");
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerDomainSocketChannel.class)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(
                new StreamChannelInitializer(
                    st,
                    new HandlersPerLoop("unix_stream", factory),
                    cfg.maxConnections(),
                    0,
                    0,
                    protocol.maxLineBytes(),
                    clockMillis,
                    errorLog));
    bindUnix(path, cfg, "listeners.unix_stream", true, b::bind);
    return path;
  }

  private Path startUnixDatagram(long startSeconds) {
    ListenersConfig.UnixSocket cfg = listeners.unixDatagram();
    Path path = unixPath(cfg, "listeners.unix_datagram");
    ListenerStats st = newStats("unix_datagram", false, startSeconds);
    HandlersPerLoop handlers = new HandlersPerLoop("unix_datagram", factory);
    EventLoopGroup group = newGroup(1, "unix-datagram");
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(EpollDomainDatagramChannel.class)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(protocol.maxPacketBytes() + 1))
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new DatagramIngestHandler(
                                st,
                                handlers,
                                protocol.maxPacketBytes(),
                                0,
                                1,
                                clockMillis,
                                errorLog));
                  }
                });
    bindUnix(path, cfg, "listeners.unix_datagram", false, b::bind);
    return path;
  }

  private Path unixPath(ListenersConfig.UnixSocket cfg, String key) {
    if (transport != Transport.EPOLL) {
      throw new IllegalStateException(
          key
              + " needs the native epoll transport (Linux), which "
              + (Epoll.isAvailable()
                  ? "is switched off by listeners.transport: nio"
                  : "is unavailable here: " + Epoll.unavailabilityCause())
              + "; disable "
              + key
              + " or use the udp/tcp listeners");
    }
    if (cfg.path() == null || cfg.path().isBlank()) {
      throw new IllegalArgumentException(
          key + ".path is required when " + key + ".enabled is true");
    }
    return dataDir.resolve(cfg.path()).toAbsolutePath().normalize();
  }

  private void bindUnix(
      Path path,
      ListenersConfig.UnixSocket cfg,
      String key,
      boolean stream,
      Function<SocketAddress, ChannelFuture> binder) {
    try {
      UnixSocketFiles.prepare(path, key, stream);
      bind(binder.apply(new DomainSocketAddress(path.toString())), key, path.toString());
      socketFiles.add(path);
      UnixSocketFiles.applyPermissions(path, cfg.permissions(), key);
    } catch (IOException e) {
      throw new IllegalStateException(key + ": cannot create socket file " + path + ": " + e, e);
    }
  }

  private ListenerStats newStats(String name, boolean stream, long startSeconds) {
    ListenerStats st = new ListenerStats(stats, name, stream, startSeconds);
    listenerStats.add(st);
    return st;
  }

  private EventLoopGroup newGroup(int threads, String name) {
    EventLoopGroup group = transport.newGroup(threads, name);
    groups.add(group);
    return group;
  }

  private Channel bind(ChannelFuture future, String listener, String where) {
    future.awaitUninterruptibly();
    if (!future.isSuccess()) {
      Throwable cause = future.cause();
      String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      throw new IllegalStateException(
          listener + " listener: cannot bind " + where + ": " + reason, cause);
    }
    channels.add(future.channel());
    return future.channel();
  }

  private static int threads(int configured) {
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }

  private static InetAddress resolve(String address, String key) {
    try {
      return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(key + ": cannot resolve '" + address + "'", e);
    }
  }

  /**
   * Stops the listeners: closes the listening sockets (the read in hand completes first), then the
   * connections, waits up to 5 s for the event loops to end, and removes the socket files.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
    }
    for (EventLoopGroup group : groups) {
      var unused = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
    for (EventLoopGroup group : groups) {
      try {
        if (!group.awaitTermination(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          LOG.warn("ingest: event loops did not stop within {} ms", SHUTDOWN_TIMEOUT_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Path file : socketFiles) {
      UnixSocketFiles.remove(file, "ingest");
    }
  }
}
