package io.hollerith.server.ingest;

import io.hollerith.server.aggregate.LiveView;
import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.flush.JsNumbers;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Etsy StatsD's TCP management interface (port 8126), so existing health checks and operator
 * habits keep working. Commands and replies, as Etsy StatsD 0.9 writes them:
 *
 * <ul>
 *   <li>{@code help}: the command list, then an empty line.
 *   <li>{@code stats}: {@code uptime: N}, then {@code group.metric: value} for every internal
 *       statistic ({@code messages.last_msg_seen}, {@code messages.bad_lines_seen} first, as Etsy; a
 *       metric named {@code last_*} without a {@code _ms}/{@code _millis} suffix is shown as seconds
 *       since that unix time), then {@code END} and an
 *       empty line.
 *   <li>{@code counters}, {@code timers}, {@code gauges}, {@code sets}: the live values of the current
 *       interval as Node's {@code util.inspect} prints the object, then {@code END} and an empty line.
 *   <li>{@code delcounters}, {@code deltimers}, {@code delgauges}, {@code delsets} {@code name…}:
 *       deletes each named series, or every series under {@code prefix.*}; one {@code deleted: name}
 *       or {@code metric name not found} line per name, then {@code END} and an empty line.
 *   <li>{@code health}: {@code health: up} or {@code health: down}; {@code health up|down} sets it first.
 *   <li>{@code quit}: closes the connection. Anything else: {@code ERROR}.
 * </ul>
 *
 * <p>Etsy treats each chunk a client sends as one command; here each line is a command, and text
 * without a final newline is taken as a command when the client pauses, as Etsy would. {@code sets}
 * and {@code delsets} are Hollerith's: Etsy 0.9 has no such commands.
 *
 * <p>Thread-safe: one event-loop thread serves all connections; {@code start}/{@code close} are
 * synchronized.
 */
public final class ManagementServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

  /** A command longer than this is answered with ERROR and dropped. */
  static final int MAX_COMMAND_CHARS = 64 * 1024;

  static final String HELP =
      "Commands: stats, counters, timers, gauges, sets, delcounters, deltimers, delgauges, delsets, health, quit\n\n";

  private final ListenersConfig.Management config;
  private final LiveView view;
  private final StatsRegistry stats;
  private final HealthState health;
  private final Clock clock;
  private final long startupSeconds;
  private EventLoopGroup group;
  private Channel serverChannel;

  public ManagementServer(ListenersConfig.Management config, LiveView view, StatsRegistry stats, HealthState health) {
    this(config, view, stats, health, Clock.systemUTC());
  }

  /** As above, with the clock for {@code uptime} and {@code last_*} ages. */
  public ManagementServer(ListenersConfig.Management config, LiveView view, StatsRegistry stats, HealthState health,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.view = Objects.requireNonNull(view, "view");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.health = Objects.requireNonNull(health, "health");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.startupSeconds = nowSeconds();
  }

  /**
   * Binds the management port.
   *
   * @return the bound address, or null when {@code listeners.management.enabled} is false
   * @throws IllegalStateException when the port cannot be bound
   */
  public synchronized InetSocketAddress start() {
    if (!config.enabled()) {
      return null;
    }
    if (group != null) {
      throw new IllegalStateException("ManagementServer already started");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(config.address());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("listeners.management.address: cannot resolve '" + config.address() + "'", e);
    }
    // One thread: the interface is for humans and health checks, not throughput.
    group = new NioEventLoopGroup(1, new DefaultThreadFactory("hollerith-management", true));
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new CommandHandler());
          }
        });
    ChannelFuture bind = b.bind(address, config.port()).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      close();
      throw new IllegalStateException("management listener: cannot bind " + address + ":" + config.port() + ": "
          + bind.cause(), bind.cause());
    }
    serverChannel = bind.channel();
    InetSocketAddress local = (InetSocketAddress) serverChannel.localAddress();
    LOG.info("management interface listening on {}", local);
    return local;
  }

  /** Stops listening and closes open sessions. Idempotent. */
  @Override
  public synchronized void close() {
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      serverChannel = null;
    }
    if (group != null) {
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      group = null;
    }
  }

  private long nowSeconds() {
    return Math.round(clock.millis() / 1000.0);
  }

  /**
   * The reply to one command line, or null for {@code quit}. Package-private for tests.
   */
  String execute(String line) {
    String[] words = line.strip().split(" ", -1);
    String cmd = words[0];
    List<String> params = Arrays.asList(words).subList(1, words.length);
    switch (cmd) {
      case "help":
        return HELP;
      case "health":
        if (!params.isEmpty()) {
          String action = params.get(0).toLowerCase(Locale.ROOT);
          if (action.equals("up")) {
            health.setUp(true);
          } else if (action.equals("down")) {
            health.setUp(false);
          }
        }
        return "health: " + health.status() + "\n";
      case "stats":
        return stats();
      case "counters":
        return JsFormat.inspect(view.counters()) + "\nEND\n\n";
      case "timers":
        return JsFormat.inspect(view.timers()) + "\nEND\n\n";
      case "gauges":
        return JsFormat.inspect(view.gauges()) + "\nEND\n\n";
      case "sets":
        return JsFormat.inspect(sortedMembers(view.sets())) + "\nEND\n\n";
      case "delcounters":
        return delete(MetricType.COUNTER, view.counters(), params);
      case "deltimers":
        return delete(MetricType.TIMER, view.timers(), params);
      case "delgauges":
        return delete(MetricType.GAUGE, view.gauges(), params);
      case "delsets":
        return delete(MetricType.SET, view.sets(), params);
      case "quit":
        return null;
      default:
        return "ERROR\n";
    }
  }

  /** Set members in a stable order (a live view's sets need not have one). */
  private static Map<String, java.util.SortedSet<String>> sortedMembers(Map<String, java.util.Set<String>> sets) {
    Map<String, java.util.SortedSet<String>> out = new LinkedHashMap<>();
    sets.forEach((k, v) -> out.put(k, new java.util.TreeSet<>(v)));
    return out;
  }

  private String stats() {
    long now = nowSeconds();
    StringBuilder out = new StringBuilder();
    out.append("uptime: ").append(now - startupSeconds).append('\n');
    Map<String, Map<String, Number>> snapshot = stats.snapshot();
    // Etsy's own group first, in Etsy's order, then everything else by name.
    Map<String, Map<String, Number>> ordered = new LinkedHashMap<>();
    Map<String, Number> messages = snapshot.get("messages");
    if (messages != null) {
      Map<String, Number> first = new LinkedHashMap<>();
      for (String metric : List.of("last_msg_seen", "bad_lines_seen")) {
        if (messages.containsKey(metric)) {
          first.put(metric, messages.get(metric));
        }
      }
      first.putAll(new TreeMap<>(messages));
      ordered.put("messages", first);
    }
    snapshot.forEach((category, metrics) -> ordered.putIfAbsent(category, metrics));
    ordered.forEach((group, metrics) -> metrics.forEach((metric, value) -> {
      String shown;
      if (isEtsyTimestamp(metric)) {
        shown = value instanceof Long l ? Long.toString(now - l) : JsNumbers.toString(now - value.doubleValue());
      } else {
        shown = value instanceof Long l ? Long.toString(l) : JsNumbers.toString(value.doubleValue());
      }
      out.append(group).append('.').append(metric).append(": ").append(shown).append('\n');
    }));
    return out.append("END\n\n").toString();
  }

  /**
   * Etsy's {@code last_*} statistics ({@code last_msg_seen}, {@code last_flush}) are unix seconds
   * and shown as seconds since. Names with a unit suffix ({@code last_duration_ms},
   * {@code last_write_millis}) are durations or millisecond times, shown as they are.
   */
  static boolean isEtsyTimestamp(String metric) {
    return metric.startsWith("last_") && !metric.endsWith("_ms") && !metric.endsWith("_millis");
  }

  private String delete(MetricType type, Map<String, ?> live, List<String> buckets) {
    // A working copy, so a name deleted earlier in the same command is then "not found", as in Etsy.
    Map<String, Object> current = new LinkedHashMap<>();
    for (String key : JsFormat.orderedKeys(live)) {
      current.put(key, live.get(key));
    }
    StringBuilder out = new StringBuilder();
    for (String bucket : buckets) {
      List<String> matches = new ArrayList<>();
      if (current.containsKey(bucket)) {
        matches.add(bucket);
      }
      if (bucket.endsWith(".*")) {
        String folder = bucket.substring(0, bucket.length() - 1);
        for (String name : current.keySet()) {
          if (name.startsWith(folder)) {
            matches.add(name);
          }
        }
      }
      if (matches.isEmpty()) {
        out.append("metric ").append(bucket).append(" not found\n");
      }
      for (String name : matches) {
        view.delete(type, name);
        current.remove(name);
        out.append("deleted: ").append(name).append('\n');
      }
    }
    return out.append("END\n\n").toString();
  }

  /** One connection: collects text, runs each complete line, and an unterminated rest when the client pauses. */
  private final class CommandHandler extends ChannelInboundHandlerAdapter {
    private final StringBuilder pending = new StringBuilder();
    private boolean overflow;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        if (overflow || pending.length() + buf.readableBytes() > MAX_COMMAND_CHARS) {
          overflow = true;
          pending.setLength(0);
          return;
        }
        pending.append(buf.toString(StandardCharsets.UTF_8));
      } finally {
        buf.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (overflow) {
        overflow = false;
        ctx.writeAndFlush(ascii("ERROR\n"));
        return;
      }
      int start = 0;
      boolean open = true;
      while (open && start < pending.length()) {
        int lf = pending.indexOf("\n", start);
        String line = lf < 0 ? pending.substring(start) : pending.substring(start, lf);
        start = lf < 0 ? pending.length() : lf + 1;
        open = run(ctx, line);
      }
      pending.setLength(0);
      ctx.flush();
    }

    /** Runs one command; false after {@code quit}. */
    private boolean run(ChannelHandlerContext ctx, String line) {
      String reply;
      try {
        reply = execute(line);
      } catch (RuntimeException e) {
        LOG.warn("management command '{}' failed", line, e);
        reply = "ERROR\n";
      }
      if (reply == null) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return false;
      }
      ctx.write(ascii(reply));
      return true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("management connection {}: {}", ctx.channel(), cause.toString());
      ctx.close();
    }
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }
}
