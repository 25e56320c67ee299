package io.hollerith.bench.load;

import ch.qos.logback.classic.Level;
import io.hollerith.server.ingest.ReadRest;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ByteProcessor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The socket ceiling of a machine: the same Netty epoll UDP set-up Hollerith's ingest uses — one
 * {@code SO_REUSEPORT} socket per event loop, {@code recvmmsg} batching through {@link
 * EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE}, an 8 MiB {@code SO_RCVBUF} — that only counts
 * packets and metric lines (newline-separated, empty lines ignored) and parses nothing.
 *
 * <pre>
 * java -cp hollerith-bench/target/hollerith-bench.jar io.hollerith.bench.load.BareReceiver \
 *     --port 8125 --mgmt-port 8126 [--address 127.0.0.1] [--threads N] [--rcvbuf 8388608] \
 *     [--max-datagram 65507] [--batch 16] [--read-delay-us 10000]
 * </pre>
 *
 * <p>{@code --batch 1} turns recvmmsg off (one {@code recvmsg} per datagram), for comparison.
 * {@code --read-delay-us} rests a socket whose read emptied it, as Hollerith's {@code
 * listeners.udp.read_delay} does (same policy, {@link ReadRest}, and the same longest rest by
 * default, 10 ms; 0 turns it off): without it the receiver wakes for every few datagrams at
 * moderate rates, so its CPU per metric measures wake-ups, not the receive path the two share.
 *
 * <p>Its counts are read like Etsy StatsD's: a TCP management port that answers {@code counters}
 * with {@code { 'bare.packets_received': N, 'bare.metrics_received': M }} then {@code END}, so the
 * comparison measures it exactly as it measures the real servers.
 *
 * <p>Thread-safety: each socket's counters are written only by its event loop and published with
 * release stores ({@link AtomicLong#lazySet}); the management thread reads them with acquire loads.
 * No lock and no shared counter sits on the receive path.
 */
public final class BareReceiver implements AutoCloseable {

  private final EventLoopGroup group;
  private final List<Channel> channels = new ArrayList<>();
  private final List<Counting> handlers = new ArrayList<>();
  private final ServerSocket management;
  private final Thread managementThread;
  private final int grantedReceiveBuffer;

  /**
   * Binds {@code threads} UDP sockets to {@code udp} and the management port to {@code mgmt} (port
   * 0 picks free ports). {@code readDelayNanos} is Hollerith's {@code listeners.udp.read_delay} (0
   * never rests).
   */
  BareReceiver(
      InetSocketAddress udp,
      InetSocketAddress mgmt,
      int threads,
      int rcvbuf,
      int maxDatagram,
      int batch,
      long readDelayNanos)
      throws InterruptedException, IOException {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "native epoll is not available: " + Epoll.unavailabilityCause());
    }
    group = new EpollEventLoopGroup(threads);
    int port = udp.getPort();
    int granted = Integer.MAX_VALUE;
    for (int i = 0; i < threads; i++) {
      Counting handler = new Counting(readDelayNanos, batch);
      Bootstrap b =
          new Bootstrap()
              .group(group)
              .channel(EpollDatagramChannel.class)
              .option(EpollChannelOption.SO_REUSEPORT, true)
              .option(ChannelOption.SO_RCVBUF, rcvbuf)
              .handler(handler);
      if (batch > 1) {
        // recvmmsg: Netty reads as many datagrams per call as buffer / payload size allows
        b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxDatagram)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagram * batch));
      } else {
        // one recvmsg per datagram, for comparison
        b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagram));
      }
      Channel ch = b.bind(new InetSocketAddress(udp.getAddress(), port)).sync().channel();
      port = ((InetSocketAddress) ch.localAddress()).getPort();
      granted = Math.min(granted, ((EpollDatagramChannel) ch).config().getReceiveBufferSize());
      channels.add(ch);
      handlers.add(handler);
    }
    grantedReceiveBuffer = granted;
    management = new ServerSocket(mgmt.getPort(), 16, mgmt.getAddress());
    managementThread = new Thread(this::serveManagement, "bare-management");
    managementThread.setDaemon(true);
    managementThread.start();
  }

  /** Command-line entry point; runs until SIGTERM/SIGINT, then prints its totals. */
  public static void main(String[] args) throws Exception {
    // A recvmmsg buffer is maxDatagram x batch (1 MiB by default). Netty's thread caches keep
    // buffers up to 32 KiB only, so without this every read takes a 1 MiB run from the arena and
    // chunks churn: measured here, 13 µs of CPU per datagram instead of 1.6 µs. Must be set before
    // Netty's allocator class loads.
    if (System.getProperty("io.netty.allocator.maxCachedBufferCapacity") == null) {
      System.setProperty(
          "io.netty.allocator.maxCachedBufferCapacity", Integer.toString(4 * 1024 * 1024));
    }
    // As the daemon does (HollerithCommand.tuneNettyBeforeItLoads): no buffer leak sampling.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    quietLogging();
    LoadGenerator.Args a = new LoadGenerator.Args(args);
    InetAddress address = InetAddress.getByName(a.string("--address", "127.0.0.1"));
    int port = (int) a.longValue("--port", 8125);
    int mgmtPort = (int) a.longValue("--mgmt-port", 8126);
    int threads = (int) a.longValue("--threads", Runtime.getRuntime().availableProcessors());
    int rcvbuf = (int) a.longValue("--rcvbuf", 8L * 1024 * 1024);
    int maxDatagram = (int) a.longValue("--max-datagram", PacketPool.MAX_UDP_PAYLOAD);
    int batch = (int) a.longValue("--batch", 16);
    long readDelayMicros = a.longValue("--read-delay-us", 10_000);
    a.rejectUnknown();
    BareReceiver r =
        new BareReceiver(
            new InetSocketAddress(address, port),
            new InetSocketAddress(address, mgmtPort),
            threads,
            rcvbuf,
            maxDatagram,
            batch,
            readDelayMicros * 1000);
    System.out.println(
        "bare receiver: udp "
            + address.getHostAddress()
            + ":"
            + r.udpPort()
            + " x"
            + threads
            + " sockets, SO_RCVBUF requested "
            + rcvbuf
            + ", kernel reports "
            + r.grantedReceiveBuffer
            + " (Linux doubles the request it accepts"
            + (r.grantedReceiveBuffer < 2L * rcvbuf
                ? "; WARNING: it capped the request at net.core.rmem_max)"
                : ")")
            + ", read delay "
            + readDelayMicros
            + " µs, management "
            + r.managementPort());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println(
                      "bare receiver: packets " + r.packets() + " metrics " + r.metrics());
                  r.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  /** Netty logs at DEBUG without a configuration; a benchmark wants warnings only. */
  static void quietLogging() {
    org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(Level.WARN);
    }
  }

  int udpPort() {
    return ((InetSocketAddress) channels.get(0).localAddress()).getPort();
  }

  int managementPort() {
    return management.getLocalPort();
  }

  int grantedReceiveBuffer() {
    return grantedReceiveBuffer;
  }

  long packets() {
    long sum = 0;
    for (Counting h : handlers) {
      sum += h.packets.get();
    }
    return sum;
  }

  long metrics() {
    long sum = 0;
    for (Counting h : handlers) {
      sum += h.metrics.get();
    }
    return sum;
  }

  /** Times a socket rested after a read that emptied it. */
  long rests() {
    long sum = 0;
    for (Counting h : handlers) {
      sum += h.rests.get();
    }
    return sum;
  }

  private void serveManagement() {
    while (!management.isClosed()) {
      try (Socket s = management.accept()) {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        String line;
        while ((line = in.readLine()) != null) {
          String cmd = line.trim();
          if (cmd.equals("counters")) {
            out.write(
                ("{ 'bare.packets_received': "
                        + packets()
                        + ", 'bare.metrics_received': "
                        + metrics()
                        + " }\nEND\n\n")
                    .getBytes(StandardCharsets.UTF_8));
          } else if (cmd.equals("quit")) {
            break;
          } else if (!cmd.isEmpty()) {
            out.write("ERROR\n".getBytes(StandardCharsets.UTF_8));
          }
          out.flush();
        }
      } catch (IOException e) {
        if (!management.isClosed()) {
          System.err.println("bare receiver: management connection failed: " + e);
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      management.close();
    } catch (IOException e) {
      System.err.println("bare receiver: closing management socket: " + e);
    }
    for (Channel ch : channels) {
      ch.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * Counts datagrams and lines, and rests the socket after a read that emptied it (one that
   * returned fewer datagrams than it could take) for as long as Hollerith's {@link ReadRest} says,
   * as Hollerith's {@code DatagramIngestHandler} does. One per channel; used by its event loop
   * only.
   */
  private static final class Counting extends ChannelInboundHandlerAdapter {
    final AtomicLong packets = new AtomicLong();
    final AtomicLong metrics = new AtomicLong();
    final AtomicLong rests = new AtomicLong();
    private final ReadRest rest;
    private int readCapacity;
    private long localPackets;
    private long localMetrics;
    private int datagramsThisRead;

    /**
     * @param datagramsPerReceive datagrams one receive call can return (the recvmmsg batch, or 1)
     */
    Counting(long readDelayNanos, int datagramsPerReceive) {
      this.rest = readDelayNanos > 0 ? new ReadRest(readDelayNanos, System.nanoTime()) : null;
      this.readCapacity = datagramsPerReceive;
    }

    /** A read is maxMessagesPerRead receive calls (1 for Netty's epoll datagram channel). */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().config().getRecvByteBufAllocator()
          instanceof MaxMessagesRecvByteBufAllocator allocator) {
        readCapacity *= allocator.maxMessagesPerRead();
      }
      if (rest != null) {
        rest.receiveBufferOf(ctx.channel());
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof DatagramPacket p) {
        try {
          ByteBuf buf = p.content();
          localPackets++;
          datagramsThisRead++;
          if (rest != null) {
            rest.arrived(buf.readableBytes());
          }
          localMetrics += countLines(buf);
        } finally {
          p.release();
        }
      } else {
        ctx.fireChannelRead(msg);
      }
    }

    /** Publishes once per read batch rather than per datagram. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      packets.lazySet(localPackets);
      metrics.lazySet(localMetrics);
      if (rest != null && rest.afterRead(ctx, datagramsThisRead < readCapacity)) {
        rests.lazySet(rests.get() + 1);
      }
      datagramsThisRead = 0;
    }
  }

  /** Non-empty {@code \n}-separated lines in {@code buf}, without moving its indexes. */
  static long countLines(ByteBuf buf) {
    int from = buf.readerIndex();
    int end = buf.writerIndex();
    long lines = 0;
    while (from < end) {
      int nl = buf.forEachByte(from, end - from, ByteProcessor.FIND_LF);
      int lineEnd = nl < 0 ? end : nl;
      if (lineEnd > from) {
        lines++;
      }
      from = lineEnd + 1;
    }
    return lines;
  }
}
