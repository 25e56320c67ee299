package io.hollerith.server.flush;

import io.hollerith.server.config.SinksConfig;
import io.hollerith.server.etsy.EtsyKeys;
import io.hollerith.server.etsy.JsNumbers;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends snapshots to Carbon over the plaintext protocol ({@code key value timestamp\n}) with Etsy
 * StatsD 0.9's graphite backend key layout:
 *
 * <ul>
 *   <li>{@code legacyNamespace: true} (default): counters {@code stats.<key>} (rate per second) and
 *       {@code stats_counts.<key>} (count); timers {@code stats.timers.<key>.<stat>}; gauges {@code
 *       stats.gauges.<key>}; sets {@code stats.sets.<key>.count}; then {@code statsd.numStats},
 *       {@code stats.statsd.graphiteStats.calculationtime} and {@code
 *       stats.statsd.processing_time}. As in Etsy, legacy mode ignores the prefix options.
 *   <li>{@code legacyNamespace: false}: {@code <globalPrefix>.<prefixCounter>.<key>.rate} and
 *       {@code .count}, {@code <globalPrefix>.<prefixTimer>.<key>.<stat>}, {@code
 *       <globalPrefix>.<prefixGauge>.<key>}, {@code <globalPrefix>.<prefixSet>.<key>.count}, {@code
 *       <globalPrefix>.statsd.numStats} …; an empty prefix is left out.
 *   <li>{@code globalSuffix}, when not empty, is appended to every key as {@code .<suffix>}.
 *   <li>Etsy's own counters ({@code statsd.bad_lines_seen}, {@code statsd.packets_received}, {@code
 *       statsd.metrics_received}) are sent as counters and {@code statsd.timestamp_lag} as a gauge,
 *       from the snapshot's processing statistics; {@code numStats} counts them as Etsy does.
 *   <li>After each payload, Etsy's {@code <global>.statsd.graphiteStats.last_exception}, {@code
 *       last_flush}, {@code flush_time} and {@code flush_length}, stamped with the send time.
 * </ul>
 *
 * Data points are stamped with the snapshot's interval end in seconds (Etsy uses the flush time,
 * which with aligned flushes is the same second). Values are written as JavaScript prints numbers.
 * A tagged series uses the Graphite 1.1 tagged form {@code <key>[.<stat>][.<suffix>];k=v;bare}
 * (tags sorted), the tags last after the statistic name and the global suffix, as Etsy 0.9's {@code
 * format()} writes them (a tagged timer's mean is {@code stats.timers.name.mean;k=v}). Backfill
 * snapshots carry only their data points.
 *
 * <p>Publishing never blocks the flusher: the formatted payload goes to a queue bounded at {@code
 * maxQueuedBytes} (payloads that do not fit are dropped and counted) and a sender thread connects,
 * writes and closes per payload as Etsy does, retrying a failed payload with exponential backoff
 * (100 ms up to 10 s) until it is sent or the sink closes. Internal stats (category {@code
 * graphite}): {@code payloads_sent}, {@code lines_sent}, {@code payloads_dropped}, {@code
 * lines_dropped}, {@code send_errors} (counters) and {@code queued_bytes} (gauge).
 *
 * <p>Thread-safe.
 */
public final class GraphiteSink implements FlushSink {

  private static final Logger log = LoggerFactory.getLogger(GraphiteSink.class);

  /** Default bound on formatted bytes waiting to be sent. */
  public static final int DEFAULT_MAX_QUEUED_BYTES = 64 << 20;

  private static final long MIN_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final long CLOSE_DRAIN_MILLIS = 5_000;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final String PREFIX_STATS = "statsd";

  private record Payload(byte[] bytes, int lines) {}

  private final SinksConfig.Graphite config;
  private final Clock clock;
  private final long maxQueuedBytes;
  private final String globalSuffix;
  private final List<String> globalNs;
  private final List<String> counterNs;
  private final List<String> timerNs;
  private final List<String> gaugeNs;
  private final List<String> setNs;

  private final LinkedBlockingQueue<Payload> queue = new LinkedBlockingQueue<>();

  /**
   * Bytes in {@link #queue}; the queue's bound. Atomic because publish and the sender both change
   * it.
   */
  private final AtomicLong queuedBytes = new AtomicLong();

  private final Thread sender;
  private volatile boolean closing;
  private volatile long closeDeadlineNanos;

  // Etsy's graphiteStats; written by the sender thread only.
  private long lastFlushSeconds;
  private long lastExceptionSeconds;
  private long flushTimeMillis;
  private long flushLength;

  private final StatsRegistry.Counter payloadsSent;
  private final StatsRegistry.Counter linesSent;
  private final StatsRegistry.Counter payloadsDropped;
  private final StatsRegistry.Counter linesDropped;
  private final StatsRegistry.Counter sendErrors;

  public GraphiteSink(SinksConfig.Graphite config, StatsRegistry stats, Clock clock) {
    this(config, stats, clock, DEFAULT_MAX_QUEUED_BYTES);
  }

  public GraphiteSink(
      SinksConfig.Graphite config, StatsRegistry stats, Clock clock, long maxQueuedBytes) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (config.host() == null || config.host().isBlank()) {
      throw new IllegalArgumentException(
          "sinks.graphite.host is required when the graphite sink is enabled");
    }
    this.maxQueuedBytes = maxQueuedBytes;
    this.globalSuffix = config.globalSuffix().isEmpty() ? "" : "." + config.globalSuffix();
    if (config.legacyNamespace()) {
      globalNs = List.of("stats");
      counterNs = List.of("stats");
      timerNs = List.of("stats", "timers");
      gaugeNs = List.of("stats", "gauges");
      setNs = List.of("stats", "sets");
    } else {
      List<String> global =
          config.globalPrefix().isEmpty() ? List.of() : List.of(config.globalPrefix());
      globalNs = global;
      counterNs = concat(global, config.prefixCounter());
      timerNs = concat(global, config.prefixTimer());
      gaugeNs = concat(global, config.prefixGauge());
      setNs = concat(global, config.prefixSet());
    }
    long startSeconds = Math.round(clock.millis() / 1000.0);
    lastFlushSeconds = startSeconds;
    lastExceptionSeconds = startSeconds;
    payloadsSent = stats.counter("graphite", "payloads_sent", "flush payloads written to Carbon");
    linesSent = stats.counter("graphite", "lines_sent", "data points written to Carbon");
    payloadsDropped =
        stats.counter(
            "graphite",
            "payloads_dropped",
            "flush payloads dropped: queue full or shut down unsent");
    linesDropped =
        stats.counter("graphite", "lines_dropped", "data points dropped with their payloads");
    sendErrors =
        stats.counter(
            "graphite", "send_errors", "failed connection or write attempts (each retried)");
    stats.gauge(
        "graphite",
        "queued_bytes",
        "formatted bytes waiting for the Carbon connection",
        queuedBytes::get);
    sender = new Thread(this::sendLoop, "hollerith-graphite-sender");
    sender.setDaemon(true);
    sender.start();
  }

  private static List<String> concat(List<String> base, String part) {
    List<String> out = new ArrayList<>(base);
    if (!part.isEmpty()) {
      out.add(part);
    }
    return List.copyOf(out);
  }

  @Override
  public String name() {
    return "graphite";
  }

  @Override
  public void publish(FlushSnapshot snapshot) {
    List<String> lines = format(snapshot);
    StringBuilder sb = new StringBuilder(lines.size() * 48);
    for (String line : lines) {
      sb.append(line).append('\n');
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (closing || queuedBytes.addAndGet(bytes.length) > maxQueuedBytes) {
      if (!closing) {
        queuedBytes.addAndGet(-bytes.length);
      }
      payloadsDropped.incr();
      linesDropped.incr(lines.size());
      log.warn(
          "graphite sink: dropped the payload of interval {} ({} lines): {}",
          Instant.ofEpochMilli(snapshot.intervalStartMillis()),
          lines.size(),
          closing ? "sink closed" : "queue holds more than " + maxQueuedBytes + " bytes");
      return;
    }
    queue.add(new Payload(bytes, lines.size()));
  }

  /** The plaintext lines for one snapshot, without Etsy's send-time {@code graphiteStats} lines. */
  public List<String> format(FlushSnapshot s) {
    long start = System.nanoTime();
    String ts = " " + (s.intervalEndMillis() / 1000);
    List<String> out = new ArrayList<>();
    int numStats = 0;
    boolean legacy = config.legacyNamespace();
    double seconds = s.intervalMillis() / 1000.0;
    Map<String, Double> processing = s.processingStats();

    for (String internal :
        List.of("statsd.bad_lines_seen", "statsd.packets_received", "statsd.metrics_received")) {
      Double v = processing.get(internal);
      if (v != null) {
        counterLines(out, internal, "", v, v / seconds, ts, legacy);
        numStats++;
      }
    }
    for (var c : s.counters()) {
      counterLines(
          out,
          c.key().name(),
          EtsyKeys.tagSuffix(c.key()),
          c.count(),
          c.ratePerSecond(),
          ts,
          legacy);
      numStats++;
    }
    for (var t : s.timers()) {
      String base = join(timerNs, t.key().name());
      String tags = EtsyKeys.tagSuffix(t.key());
      for (var e : ConsoleSink.timerFields(t.stats()).entrySet()) {
        if (e.getValue() instanceof Map<?, ?> histogram) {
          for (var h : histogram.entrySet()) {
            out.add(
                base
                    + "."
                    + e.getKey()
                    + "."
                    + h.getKey()
                    + globalSuffix
                    + tags
                    + " "
                    + JsNumbers.toString(((Number) h.getValue()).doubleValue())
                    + ts);
          }
        } else {
          out.add(
              base
                  + "."
                  + e.getKey()
                  + globalSuffix
                  + tags
                  + " "
                  + JsNumbers.toString((Double) e.getValue())
                  + ts);
        }
      }
      numStats++;
    }
    for (var g : s.gauges()) {
      out.add(
          join(gaugeNs, g.key().name())
              + globalSuffix
              + EtsyKeys.tagSuffix(g.key())
              + " "
              + JsNumbers.toString(g.value())
              + ts);
      numStats++;
    }
    Double lag = processing.get("statsd.timestamp_lag");
    if (lag != null) {
      out.add(
          join(gaugeNs, "statsd.timestamp_lag")
              + globalSuffix
              + " "
              + JsNumbers.toString(lag)
              + ts);
      numStats++;
    }
    for (var p : s.sets()) {
      out.add(
          join(setNs, p.key().name())
              + ".count"
              + globalSuffix
              + EtsyKeys.tagSuffix(p.key())
              + " "
              + p.unique()
              + ts);
      numStats++;
    }
    if (s.backfill()) {
      return out;
    }
    long calculationMillis = (System.nanoTime() - start) / 1_000_000;
    if (legacy) {
      out.add(PREFIX_STATS + ".numStats" + globalSuffix + " " + numStats + ts);
      out.add(
          "stats."
              + PREFIX_STATS
              + ".graphiteStats.calculationtime"
              + globalSuffix
              + " "
              + calculationMillis
              + ts);
    } else {
      out.add(join(globalNs, PREFIX_STATS + ".numStats") + globalSuffix + " " + numStats + ts);
      out.add(
          join(globalNs, PREFIX_STATS + ".graphiteStats.calculationtime")
              + globalSuffix
              + " "
              + calculationMillis
              + ts);
    }
    for (var e : processing.entrySet()) {
      if (!e.getKey().startsWith("statsd.")) {
        String key =
            legacy
                ? "stats." + PREFIX_STATS + "." + e.getKey()
                : join(globalNs, PREFIX_STATS + "." + e.getKey());
        out.add(key + globalSuffix + " " + JsNumbers.toString(e.getValue()) + ts);
      }
    }
    return out;
  }

  private void counterLines(
      List<String> out,
      String name,
      String tags,
      double count,
      double rate,
      String ts,
      boolean legacy) {
    if (legacy) {
      out.add(join(counterNs, name) + globalSuffix + tags + " " + JsNumbers.toString(rate) + ts);
      out.add("stats_counts." + name + globalSuffix + tags + " " + JsNumbers.toString(count) + ts);
    } else {
      String base = join(counterNs, name);
      out.add(base + ".rate" + globalSuffix + tags + " " + JsNumbers.toString(rate) + ts);
      out.add(base + ".count" + globalSuffix + tags + " " + JsNumbers.toString(count) + ts);
    }
  }

  private static String join(List<String> namespace, String name) {
    if (namespace.isEmpty()) {
      return name;
    }
    return String.join(".", namespace) + "." + name;
  }

  private void sendLoop() {
    while (true) {
      Payload p;
      try {
        p = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (p == null) {
        if (closing) {
          break;
        }
        continue;
      }
      sendWithRetry(p);
      queuedBytes.addAndGet(-p.bytes().length);
    }
    Payload left;
    while ((left = queue.poll()) != null) {
      queuedBytes.addAndGet(-left.bytes().length);
      payloadsDropped.incr();
      linesDropped.incr(left.lines());
    }
  }

  private void sendWithRetry(Payload p) {
    long backoff = MIN_BACKOFF_MILLIS;
    while (true) {
      try {
        send(p);
        payloadsSent.incr();
        linesSent.incr(p.lines());
        return;
      } catch (IOException e) {
        sendErrors.incr();
        lastExceptionSeconds = Math.round(clock.millis() / 1000.0);
        log.warn(
            "graphite sink: sending to {}:{} failed ({}); retrying in {} ms",
            config.host(),
            config.port(),
            e.toString(),
            backoff);
      }
      if (closing && System.nanoTime() - closeDeadlineNanos > 0) {
        payloadsDropped.incr();
        linesDropped.incr(p.lines());
        return;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        payloadsDropped.incr();
        linesDropped.incr(p.lines());
        Thread.currentThread().interrupt();
        return;
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }
  }

  private void send(Payload p) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(config.host(), config.port()), CONNECT_TIMEOUT_MILLIS);
      String ts = " " + Math.round(clock.millis() / 1000.0) + "\n";
      String ns = join(globalNs, PREFIX_STATS) + ".graphiteStats.";
      String own =
          ns
              + "last_exception"
              + globalSuffix
              + " "
              + lastExceptionSeconds
              + ts
              + ns
              + "last_flush"
              + globalSuffix
              + " "
              + lastFlushSeconds
              + ts
              + ns
              + "flush_time"
              + globalSuffix
              + " "
              + flushTimeMillis
              + ts
              + ns
              + "flush_length"
              + globalSuffix
              + " "
              + flushLength
              + ts;
      byte[] ownBytes = own.getBytes(StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      OutputStream out = socket.getOutputStream();
      out.write(p.bytes());
      out.write(ownBytes);
      out.flush();
      socket.shutdownOutput();
      flushTimeMillis = (System.nanoTime() - t0) / 1_000_000;
      flushLength = (long) p.bytes().length + ownBytes.length;
      lastFlushSeconds = Math.round(clock.millis() / 1000.0);
    }
  }

  /**
   * Sends what is queued (for at most 5 s, retrying failures until then), then stops the sender.
   */
  @Override
  public void close() {
    closeDeadlineNanos = System.nanoTime() + CLOSE_DRAIN_MILLIS * 1_000_000;
    closing = true;
    try {
      sender.join(CLOSE_DRAIN_MILLIS + MAX_BACKOFF_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sender.isAlive()) {
      sender.interrupt();
    }
  }
}
