package io.hollerith.server.ingest;

import io.hollerith.server.aggregate.LiveView;
import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.etsy.JsFormat;
import io.hollerith.server.etsy.JsNumbers;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.stats.StatName;
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
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Etsy StatsD's TCP management interface (port 8126), so existing health checks and operator habits
 * keep working. Commands and replies, as Etsy StatsD 0.9 writes them:
 *
 * <ul>
 *   <li>{@code help}: the command list, then an empty line.
 *   <li>{@code stats}: {@code uptime: N}, then {@code group.metric: value} for every internal
 *       statistic ({@code messages.last_msg_seen}, {@code messages.bad_lines_seen} first, as Etsy;
 *       a metric named {@code last_*} without a {@code _ms}/{@code _millis} suffix is shown as
 *       seconds since that unix time), then {@code END} and an empty line.
 *   <li>{@code counters}, {@code timers}, {@code gauges}, {@code sets}: the live values of the
 *       current interval as Node's {@code util.inspect} prints the object, then {@code END} and an
 *       empty line. {@code counters} lists one reference per live counter and reads each value as
 *       its line is written, so a million counters are never copied whole.
 *   <li>{@code delcounters}, {@code deltimers}, {@code delgauges}, {@code delsets} {@code name…}:
 *       deletes each named series, or every series under {@code prefix.*}; one {@code deleted:
 *       name} or {@code metric name not found} line per name, then {@code END} and an empty line.
 *   <li>{@code health}: {@code health: up} or {@code health: down}; {@code health up|down} sets it
 *       first.
 *   <li>{@code quit}: closes the connection. Anything else: {@code ERROR}.
 * </ul>
 *
 * <p>Etsy treats each chunk a client sends as one command; here each line is a command, and text
 * without a final newline is taken as a command when the client pauses, as Etsy would. {@code sets}
 * and {@code delsets} are Hollerith's: Etsy 0.9 has no such commands. {@code counters} starts with
 * Etsy's own {@code statsd.bad_lines_seen}, {@code statsd.packets_received} and {@code
 * statsd.metrics_received} of the current interval, as Etsy's reply does.
 *
 * <p>The port has no authentication (as in Etsy), so what a client sends is bounded: at most {@code
 * max_connections} connections; each runs one command at a time and stops reading while it does, so
 * the kernel's socket buffers push back on a client that sends ahead; at most {@code
 * max_queued_commands} commands wait (the rest get one {@code ERROR}); a reply is made and written
 * in pieces only while the connection's outgoing buffer is below Netty's high-water mark (64 KiB),
 * so a slow or absent reader holds one reply's snapshot of the live values (for {@code counters},
 * one reference per counter) and that buffer, no more ({@code management.reply_bytes_pending} shows
 * it). With {@code allow_changes: false} the commands that change state ({@code del*}, {@code
 * health up|down}) answer {@code ERROR}. Refusals are counted in {@code
 * management.connections_refused}, {@code management.commands_refused} and {@code
 * management.changes_refused}.
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

  /** The reply to a change while {@code listeners.management.allow_changes} is false. */
  static final String CHANGES_DISABLED =
      "ERROR changes are disabled (listeners.management.allow_changes)\n";

  /** Pieces of a reply are gathered up to about this many characters into one write. */
  private static final int WRITE_CHARS = 8 * 1024;

  private final ListenersConfig.Management config;
  private final LiveView view;
  private final StatsRegistry stats;
  private final HealthState health;
  private final Clock clock;
  private final long startupSeconds;
  private final StatsRegistry.Counter connectionsRefused;
  private final StatsRegistry.Counter commandsRefused;
  private final StatsRegistry.Counter changesRefused;

  /** Open connections; changed only on the one event-loop thread, read by the stats gauge. */
  private final AtomicInteger connections = new AtomicInteger();

  /** The open connections, for the bytes their replies have waiting in memory. */
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();

  private EventLoopGroup group;
  private Channel serverChannel;

  public ManagementServer(
      ListenersConfig.Management config, LiveView view, StatsRegistry stats, HealthState health) {
    this(config, view, stats, health, Clock.systemUTC());
  }

  /** As above, with the clock for {@code uptime} and {@code last_*} ages. */
  public ManagementServer(
      ListenersConfig.Management config,
      LiveView view,
      StatsRegistry stats,
      HealthState health,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.view = Objects.requireNonNull(view, "view");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.health = Objects.requireNonNull(health, "health");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.startupSeconds = nowSeconds();
    this.connectionsRefused =
        stats.counter(
            "management",
            "connections_refused",
            "Management connections closed at once because listeners.management.max_connections were open");
    this.commandsRefused =
        stats.counter(
            "management",
            "commands_refused",
            "Management commands answered ERROR because listeners.management.max_queued_commands were waiting");
    this.changesRefused =
        stats.counter(
            "management",
            "changes_refused",
            "Management commands refused because listeners.management.allow_changes is false");
    stats.gauge("management", "connections", "Open management connections", connections::get);
    stats.gauge(
        "management",
        "reply_bytes_pending",
        "Reply bytes written but not yet taken by management clients",
        this::replyBytesPending);
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
      throw new IllegalArgumentException(
          "listeners.management.address: cannot resolve '" + config.address() + "'", e);
    }
    // One thread: the interface is for humans and health checks, not throughput.
    group = new NioEventLoopGroup(1, new DefaultThreadFactory("hollerith-management", true));
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            // Each connection reads only when it has no command left to run (see CommandHandler).
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new CommandHandler());
                  }
                });
    ChannelFuture bind = b.bind(address, config.port()).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      close();
      throw new IllegalStateException(
          "management listener: cannot bind "
              + address.getHostAddress()
              + ":"
              + config.port()
              + ": "
              + bind.cause().getMessage(),
          bind.cause());
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

  private long replyBytesPending() {
    long total = 0;
    for (Channel channel : open) {
      ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
      total += buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
    return total;
  }

  private long nowSeconds() {
    return Math.round(clock.millis() / 1000.0);
  }

  /**
   * The reply to one command line in pieces, or null for {@code quit}. Package-private for tests.
   */
  Iterator<String> execute(String line) {
    String[] words = line.strip().split(" ", -1);
    String cmd = words[0];
    List<String> params = Arrays.asList(words).subList(1, words.length);
    if (!config.allowChanges() && changesState(cmd, params)) {
      changesRefused.incr();
      return List.of(CHANGES_DISABLED).iterator();
    }
    return switch (cmd) {
      case "help" -> List.of(HELP).iterator();
      case "health" -> List.of(health(params)).iterator();
      case "stats" -> List.of(stats()).iterator();
      case "counters" -> object(counters());
      case "timers" -> object(view.timers());
      case "gauges" -> object(view.gauges());
      case "sets" -> object(sortedMembers(view.sets()));
      case "delcounters" -> List.of(delete(MetricType.COUNTER, view.counters(), params)).iterator();
      case "deltimers" -> List.of(delete(MetricType.TIMER, view.timers(), params)).iterator();
      case "delgauges" -> List.of(delete(MetricType.GAUGE, view.gauges(), params)).iterator();
      case "delsets" -> List.of(delete(MetricType.SET, view.sets(), params)).iterator();
      case "quit" -> null;
      default -> List.of("ERROR\n").iterator();
    };
  }

  private static boolean changesState(String cmd, List<String> params) {
    return cmd.startsWith("del") || (cmd.equals("health") && !params.isEmpty());
  }

  private String health(List<String> params) {
    if (!params.isEmpty()) {
      String action = params.get(0).toLowerCase(Locale.ROOT);
      if (action.equals("up")) {
        health.setUp(true);
      } else if (action.equals("down")) {
        health.setUp(false);
      }
    }
    return "health: " + health.status() + "\n";
  }

  /**
   * The counters in JS property order, as Etsy's object holds them: names that are array indexes
   * first (ascending), then Etsy's own counters of the current interval, as Etsy creates them at
   * start (a live counter of the same name adds to it), then the live ones. The live counters are
   * read twice, as they are listed: once for the few that go first, then while the reply is
   * written.
   */
  private Iterator<Map.Entry<String, Double>> counters() {
    Map<String, Double> etsy = new LinkedHashMap<>(view.etsyCounters());
    Iterable<Map.Entry<String, Double>> live = view.counterEntries();
    List<Map.Entry<String, Double>> indexes = new ArrayList<>();
    for (Map.Entry<String, Double> e : live) {
      if (JsFormat.isArrayIndex(e.getKey())) {
        indexes.add(e);
      } else if (etsy.containsKey(e.getKey())) {
        etsy.merge(e.getKey(), e.getValue(), Double::sum);
      }
    }
    indexes.sort(Comparator.comparingLong(e -> Long.parseLong(e.getKey())));
    Iterator<Map.Entry<String, Double>> rest = live.iterator();
    Iterator<Map.Entry<String, Double>> first =
        Stream.concat(indexes.stream(), etsy.entrySet().stream()).iterator();
    return new Iterator<>() {
      private Map.Entry<String, Double> ahead;

      @Override
      public boolean hasNext() {
        if (ahead == null && first.hasNext()) {
          ahead = first.next();
        }
        while (ahead == null && rest.hasNext()) {
          Map.Entry<String, Double> e = rest.next();
          if (!JsFormat.isArrayIndex(e.getKey()) && !etsy.containsKey(e.getKey())) {
            ahead = e;
          }
        }
        return ahead != null;
      }

      @Override
      public Map.Entry<String, Double> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<String, Double> e = ahead;
        ahead = null;
        return e;
      }
    };
  }

  private static Iterator<String> object(Iterator<? extends Map.Entry<String, ?>> entries) {
    return endWithEnd(JsFormat.inspectPieces(entries));
  }

  private static Iterator<String> object(Map<String, ?> values) {
    return endWithEnd(JsFormat.inspectPieces(values));
  }

  /** The pieces of a dumped object, then Etsy's {@code END} line and an empty line. */
  private static Iterator<String> endWithEnd(Iterator<String> pieces) {
    return new Iterator<>() {
      private boolean ended;

      @Override
      public boolean hasNext() {
        return !ended;
      }

      @Override
      public String next() {
        if (pieces.hasNext()) {
          return pieces.next();
        }
        if (ended) {
          throw new NoSuchElementException();
        }
        ended = true;
        return "\nEND\n\n";
      }
    };
  }

  /** Set members in a stable order (a live view's sets need not have one). */
  private static Map<String, SortedSet<String>> sortedMembers(Map<String, Set<String>> sets) {
    Map<String, SortedSet<String>> out = new LinkedHashMap<>();
    sets.forEach((k, v) -> out.put(k, new TreeSet<>(v)));
    return out;
  }

  private String stats() {
    long now = nowSeconds();
    StringBuilder out = new StringBuilder();
    out.append("uptime: ").append(now - startupSeconds).append('\n');
    Map<String, Map<String, Number>> snapshot = stats.snapshot();
    // Etsy's own group first, in Etsy's order, then everything else by name.
    Map<String, Map<String, Number>> ordered = new LinkedHashMap<>();
    String etsyGroup = StatName.LAST_MSG_SEEN.category();
    Map<String, Number> messages = snapshot.get(etsyGroup);
    if (messages != null) {
      Map<String, Number> first = new LinkedHashMap<>();
      for (StatName etsyFirst : List.of(StatName.LAST_MSG_SEEN, StatName.BAD_LINES_SEEN)) {
        String metric = etsyFirst.metric();
        if (messages.containsKey(metric)) {
          first.put(metric, messages.get(metric));
        }
      }
      first.putAll(new TreeMap<>(messages));
      ordered.put(etsyGroup, first);
    }
    snapshot.forEach((category, metrics) -> ordered.putIfAbsent(category, metrics));
    ordered.forEach(
        (group, metrics) ->
            metrics.forEach(
                (metric, value) -> {
                  String shown;
                  if (isEtsyTimestamp(metric)) {
                    shown =
                        value instanceof Long l
                            ? Long.toString(now - l)
                            : JsNumbers.toString(now - value.doubleValue());
                  } else {
                    shown =
                        value instanceof Long l
                            ? Long.toString(l)
                            : JsNumbers.toString(value.doubleValue());
                  }
                  out.append(group)
                      .append('.')
                      .append(metric)
                      .append(": ")
                      .append(shown)
                      .append('\n');
                }));
    return out.append("END\n\n").toString();
  }

  /**
   * Etsy's {@code last_*} statistics ({@code last_msg_seen}, {@code last_flush}) are unix seconds
   * and shown as seconds since. Names with a unit suffix ({@code last_duration_ms}, {@code
   * last_write_millis}) are durations or millisecond times, shown as they are.
   */
  static boolean isEtsyTimestamp(String metric) {
    return metric.startsWith("last_") && !metric.endsWith("_ms") && !metric.endsWith("_millis");
  }

  private String delete(MetricType type, Map<String, ?> live, List<String> buckets) {
    // A working copy, so a name deleted earlier in the same command is then "not found", as in
    // Etsy.
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

  /**
   * One connection: splits what it reads into command lines, runs them one at a time and writes
   * each reply as the client takes it. It asks for more input only when no command is waiting, so a
   * client that sends ahead is held back by TCP itself.
   */
  private final class CommandHandler extends ChannelInboundHandlerAdapter {
    private final StringBuilder pending = new StringBuilder();
    private final ArrayDeque<Command> queued = new ArrayDeque<>();
    private Iterator<String> reply;
    private boolean overflow;
    private boolean refusedSomeCommands;
    private boolean closing;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (connections.incrementAndGet() > config.maxConnections()) {
        connectionsRefused.incr();
        closing = true;
        var unused = ctx.close();
        return;
      }
      open.add(ctx.channel());
      ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      connections.decrementAndGet();
      open.remove(ctx.channel());
      queued.clear();
      reply = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        if (closing) {
          return;
        }
        if (overflow || pending.length() + buf.readableBytes() > MAX_COMMAND_CHARS) {
          overflow = true;
          pending.setLength(0);
          return;
        }
        pending.append(buf.toString(StandardCharsets.UTF_8));
      } finally {
        buf.release();
      }
      int start = 0;
      for (int lf = pending.indexOf("\n"); lf >= 0; lf = pending.indexOf("\n", start)) {
        enqueue(pending.substring(start, lf));
        start = lf + 1;
      }
      pending.delete(0, start);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (closing) {
        return;
      }
      if (overflow) {
        overflow = false;
        queued.add(Command.answered("ERROR\n"));
      } else if (!pending.isEmpty()) {
        enqueue(pending.toString());
        pending.setLength(0);
      }
      refusedSomeCommands = false;
      pump(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      pump(ctx);
    }

    private void enqueue(String line) {
      if (queued.size() < config.maxQueuedCommands()) {
        queued.add(new Command(line, null));
        return;
      }
      commandsRefused.incr();
      if (!refusedSomeCommands) {
        refusedSomeCommands = true;
        queued.add(
            Command.answered(
                "ERROR too many commands waiting (listeners.management.max_queued_commands)\n"));
      }
    }

    /**
     * Writes while the client keeps up: the current reply, then the next command's; reads when all
     * is done.
     */
    private void pump(ChannelHandlerContext ctx) {
      StringBuilder chunk = new StringBuilder();
      while (!closing && ctx.channel().isWritable()) {
        if (reply != null && reply.hasNext()) {
          chunk.append(reply.next());
          if (chunk.length() >= WRITE_CHARS) {
            var unused = ctx.writeAndFlush(ascii(chunk.toString()));
            chunk.setLength(0);
          }
        } else if (!queued.isEmpty()) {
          reply = run(ctx, queued.poll());
        } else {
          reply = null;
          break;
        }
      }
      if (!chunk.isEmpty()) {
        var unused = ctx.writeAndFlush(ascii(chunk.toString()));
      }
      if (!closing && reply == null && queued.isEmpty() && ctx.channel().isActive()) {
        ctx.read();
      }
    }

    /** Starts one command; null when there is nothing more to write on this connection. */
    private Iterator<String> run(ChannelHandlerContext ctx, Command command) {
      if (command.answer() != null) {
        return List.of(command.answer()).iterator();
      }
      Iterator<String> pieces;
      try {
        pieces = execute(command.line());
      } catch (RuntimeException e) {
        LOG.warn("management command '{}' failed", command.line(), e);
        pieces = List.of("ERROR\n").iterator();
      }
      if (pieces == null) {
        closing = true;
        queued.clear();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
      return pieces;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("management connection {}: {}", ctx.channel(), cause.toString());
      var unused = ctx.close();
    }
  }

  /** A command line to run, or a refusal already decided ({@code answer} not null). */
  private record Command(String line, String answer) {
    static Command answered(String answer) {
      return new Command(null, answer);
    }
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }
}
