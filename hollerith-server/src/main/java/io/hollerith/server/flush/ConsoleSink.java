package io.hollerith.server.flush;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.SinksConfig;
import io.hollerith.server.etsy.EtsyKeys;
import io.hollerith.server.etsy.JsNumbers;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.TimerStats;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Prints each snapshot as Etsy's console backend does: a {@code Flushing stats at <date>} line,
 * then the flushed object in Node's {@code util.inspect} notation with Etsy's sections ({@code
 * counters}, {@code gauges}, {@code timer_data}, {@code counter_rates}, {@code sets}, {@code
 * pctThreshold}). {@code prettyprint} (default) indents one entry per line; otherwise the object is
 * printed on one line. Keys are sorted, and Etsy's {@code statsd.*} counters and its {@code
 * statsd.timestamp_lag} gauge come from the snapshot's processing statistics.
 *
 * <p>Differences from Etsy, because a snapshot holds aggregates rather than raw samples: the raw
 * {@code timers} value arrays are not printed (their statistics are, under {@code timer_data}), and
 * {@code sets} shows each set's unique count instead of its member list. No ANSI colours. Tagged
 * keys are printed as Etsy 0.9 spells them ({@code name;k=v}). A backfill snapshot's header reads
 * {@code Flushing backfilled stats at <interval end>}.
 *
 * <p>Thread-safe as far as the {@link PrintStream} is; the flusher calls it from one thread.
 */
public final class ConsoleSink implements FlushSink {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
  private static final DateTimeFormatter JS_DATE =
      DateTimeFormatter.ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT'xx", Locale.ROOT);

  private final PrintStream out;
  private final boolean prettyprint;
  private final ZoneId zone;
  private final List<Object> percentThresholds;

  /** Prints to {@code System.out} in the system time zone. */
  public ConsoleSink(SinksConfig.Console config, AggregationConfig aggregation) {
    this(System.out, config.prettyprint(), ZoneId.systemDefault(), aggregation.percentThresholds());
  }

  /**
   * @param percentThresholds printed as Etsy's {@code pctThreshold}
   */
  public ConsoleSink(
      PrintStream out, boolean prettyprint, ZoneId zone, List<Double> percentThresholds) {
    this.out = out;
    this.prettyprint = prettyprint;
    this.zone = zone;
    this.percentThresholds = List.copyOf(percentThresholds);
  }

  @Override
  public String name() {
    return "console";
  }

  @Override
  public void publish(FlushSnapshot snapshot) {
    out.print(format(snapshot));
    out.flush();
  }

  /** Flushes the stream; it is not closed (it is usually {@code System.out}). */
  @Override
  public void close() {
    out.flush();
  }

  /** The exact text {@link #publish} prints (header line, object, trailing newline). */
  public String format(FlushSnapshot s) {
    var when = Instant.ofEpochMilli(s.intervalEndMillis()).atZone(zone);
    String header =
        (s.backfill() ? "Flushing backfilled stats at " : "Flushing stats at ")
            + JS_DATE.format(when)
            + " ("
            + zone.getDisplayName(TextStyle.FULL, Locale.ROOT)
            + ")";

    Map<String, Object> counters = new TreeMap<>();
    Map<String, Object> rates = new TreeMap<>();
    double seconds = s.intervalMillis() / 1000.0;
    s.processingStats()
        .forEach(
            (k, v) -> {
              if (k.startsWith("statsd.") && !k.equals("statsd.timestamp_lag")) {
                counters.put(k, v);
                rates.put(k, v / seconds);
              }
            });
    for (var c : s.counters()) {
      counters.put(EtsyKeys.of(c.key()), c.count());
      rates.put(EtsyKeys.of(c.key()), c.ratePerSecond());
    }
    Map<String, Object> gauges = new TreeMap<>();
    for (var g : s.gauges()) {
      gauges.put(EtsyKeys.of(g.key()), g.value());
    }
    Double lag = s.processingStats().get("statsd.timestamp_lag");
    if (lag != null) {
      gauges.put("statsd.timestamp_lag", lag);
    }
    Map<String, Object> timerData = new TreeMap<>();
    for (var t : s.timers()) {
      timerData.put(EtsyKeys.of(t.key()), timerFields(t.stats()));
    }
    Map<String, Object> sets = new TreeMap<>();
    for (var p : s.sets()) {
      sets.put(EtsyKeys.of(p.key()), p.unique());
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("counters", counters);
    root.put("gauges", gauges);
    root.put("timer_data", timerData);
    root.put("counter_rates", rates);
    root.put("sets", sets);
    root.put("pctThreshold", percentThresholds);

    StringBuilder sb = new StringBuilder(header).append('\n');
    write(sb, root, 0);
    return sb.append('\n').toString();
  }

  /** Etsy's {@code timer_data} entry, fields in Etsy's order. */
  static Map<String, Object> timerFields(TimerStats t) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (t.sampleCount() == 0) {
      m.put("count", t.count());
      m.put("count_ps", t.countPerSecond());
      return m;
    }
    for (var p : t.percentiles()) {
      m.put("count_" + p.suffix(), (double) p.count());
      m.put("mean_" + p.suffix(), p.mean());
      m.put((p.threshold() > 0 ? "upper_" : "lower_") + p.suffix(), p.bound());
      m.put("sum_" + p.suffix(), p.sum());
      m.put("sum_squares_" + p.suffix(), p.sumSquares());
    }
    m.put("std", t.std());
    m.put("upper", t.upper());
    m.put("lower", t.lower());
    m.put("count", t.count());
    m.put("count_ps", t.countPerSecond());
    m.put("sum", t.sum());
    m.put("sum_squares", t.sumSquares());
    m.put("mean", t.mean());
    m.put("median", t.median());
    if (!t.histogram().isEmpty()) {
      m.put("histogram", new TreeMap<String, Object>(t.histogram()));
    }
    return m;
  }

  private void write(StringBuilder sb, Object value, int depth) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append(prettyprint ? "{\n" : "{ ");
      int i = 0;
      for (var e : map.entrySet()) {
        if (prettyprint) {
          sb.append("  ".repeat(depth + 1));
        }
        sb.append(key((String) e.getKey())).append(": ");
        write(sb, e.getValue(), depth + 1);
        if (++i < map.size()) {
          sb.append(prettyprint ? ",\n" : ", ");
        }
      }
      sb.append(prettyprint ? "\n" + "  ".repeat(depth) + "}" : " }");
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[ ");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        write(sb, list.get(i), depth + 1);
      }
      sb.append(" ]");
    } else if (value instanceof Number n) {
      sb.append(JsNumbers.toString(n.doubleValue()));
    } else {
      sb.append(quote(String.valueOf(value)));
    }
  }

  private static String key(String k) {
    return IDENTIFIER.matcher(k).matches() ? k : quote(k);
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
  }
}
