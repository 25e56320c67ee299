package io.hollerith.server.api;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format 0.0.4 or OpenMetrics 1.0.
 *
 * <ul>
 *   <li>Hollerith's internal stats come first, as {@code hollerith_<category>_<metric>} (counters
 *       with {@code _total}), then {@code hollerith_system_*}, then the live StatsD series, each
 *       group sorted by name and each family's samples by labels: the output is deterministic.
 *   <li>Base units, as Prometheus names want them: an internal statistic kept in milliseconds
 *       ({@code <metric>_ms}) is exported in seconds as {@code <metric>_seconds}. Storage table
 *       sizes ({@code storage_<table>_bytes}, {@code storage_<table>_rows} in the {@code system}
 *       map) become {@code hollerith_storage_table_bytes} and {@code hollerith_storage_table_rows}
 *       with a {@code table} label, so no family name carries a metric type's name.
 *   <li>Names are sanitised to {@code [a-zA-Z_:][a-zA-Z0-9_:]*}: every other character (dots too)
 *       becomes {@code _}, and a leading digit gets a {@code _} in front. StatsD tags become labels:
 *       keys sanitised to {@code [a-zA-Z_][a-zA-Z0-9_]*} ({@code __} prefixes get a {@code tag}
 *       prefix), a tag without a value becomes {@code "true"}.
 *   <li>StatsD counters are counters ({@code <name>_total}, never negative: see
 *       {@link PrometheusSink}), gauges gauges, timers histograms in seconds ({@code _bucket} with
 *       {@code le}, {@code _sum}, {@code _count}; a tag named {@code le} becomes {@code tag_le}),
 *       sets gauges of the distinct count.
 *   <li>When two series map to the same family name with different types, or to a sample name
 *       another family already uses, the later one (in the order internal, counters, gauges,
 *       timers, sets) is left out and counted in {@code prometheus.name_collisions}; the same
 *       label set twice in one family keeps the first.
 * </ul>
 *
 * <p>Stateless apart from the collision counter; thread-safe.
 */
final class PrometheusWriter {

  static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private enum Kind { COUNTER, GAUGE, HISTOGRAM }

  private static final String MILLIS_SUFFIX = "_ms";
  private static final Pattern STORAGE_TABLE = Pattern.compile("storage_(?!total_)(\\w+)_(bytes|rows)");

  private record Sample(String suffix, String labels, double value) {}

  private static final class Family {
    final String name;
    final Kind kind;
    final String help;
    final TreeMap<String, List<Sample>> byLabels = new TreeMap<>();

    Family(String name, Kind kind, String help) {
      this.name = name;
      this.kind = kind;
      this.help = help;
    }
  }

  private final StatsRegistry.Counter collisions;

  PrometheusWriter(StatsRegistry stats) {
    this.collisions = stats.counter("prometheus", "name_collisions",
        "StatsD series left out of the Prometheus output because their name collides with another family");
  }

  /**
   * Renders everything.
   *
   * @param internal the registry to expose
   * @param system {@code hollerith_system_<key>} gauges with their help texts
   * @param live the StatsD series, or null for none
   * @param canSee which metric names the caller may see
   * @param seesEverything whether the caller sees every tenant; only then are internal figures
   *     that name series ({@link StatsRegistry#seriesNamingGauge}) included
   * @param openMetrics OpenMetrics 1.0 instead of text 0.0.4
   */
  String render(StatsRegistry internal, Map<String, Map.Entry<Double, String>> system, LatestValues.Snapshot live,
      Predicate<String> canSee, boolean seesEverything, boolean openMetrics) {
    Set<String> used = new HashSet<>();
    List<Family> internalFamilies = new ArrayList<>();
    Map<String, Map<String, Number>> snapshot = internal.snapshot(seesEverything);
    TreeMap<String, Family> sortedInternal = new TreeMap<>();
    snapshot.forEach((category, metrics) -> metrics.forEach((metric, number) -> {
      boolean gauge = internal.isGauge(category, metric);
      double value = number.doubleValue();
      String exported = metric;
      if (metric.endsWith(MILLIS_SUFFIX)) {
        exported = metric.substring(0, metric.length() - MILLIS_SUFFIX.length()) + "_seconds";
        value /= 1000.0;
      }
      String base = sanitizeName("hollerith_" + category + "_" + exported);
      Kind kind = gauge ? Kind.GAUGE : Kind.COUNTER;
      if (kind == Kind.COUNTER && base.endsWith("_total")) {
        base = base.substring(0, base.length() - "_total".length());
      }
      Family f = new Family(base, kind, internal.help(category, metric));
      f.byLabels.put("", List.of(new Sample(kind == Kind.COUNTER ? "_total" : "", "", value)));
      sortedInternal.putIfAbsent(base, f);
    }));
    system.forEach((key, valueAndHelp) -> {
      Matcher table = STORAGE_TABLE.matcher(key);
      if (table.matches()) {
        String unit = table.group(2);
        Family f = sortedInternal.computeIfAbsent("hollerith_storage_table_" + unit, n -> new Family(n, Kind.GAUGE,
            unit.equals("bytes") ? "Storage: size of each table, bytes" : "Storage: estimated rows of each table"));
        String labels = "table=\"" + escapeLabelValue(table.group(1)) + "\"";
        f.byLabels.put(labels, List.of(new Sample("", labels, valueAndHelp.getKey())));
        return;
      }
      String name = sanitizeName("hollerith_system_" + key);
      Family f = new Family(name, Kind.GAUGE, valueAndHelp.getValue());
      f.byLabels.put("", List.of(new Sample("", "", valueAndHelp.getKey())));
      sortedInternal.putIfAbsent(name, f);
    });
    for (Family f : sortedInternal.values()) {
      if (claim(f, used)) {
        internalFamilies.add(f);
      }
    }

    TreeMap<String, Family> statsd = new TreeMap<>();
    if (live != null) {
      for (LatestValues.CounterTotal c : live.counters()) {
        if (canSee.test(c.key().name())) {
          String base = sanitizeName(c.key().name());
          if (base.endsWith("_total")) {
            base = base.substring(0, base.length() - "_total".length());
          }
          add(statsd, used, base, Kind.COUNTER, "StatsD counter " + c.key().name(), c.key(),
              List.of(new Sample("_total", null, c.total())));
        }
      }
      for (LatestValues.GaugeValue g : live.gauges()) {
        if (canSee.test(g.key().name())) {
          add(statsd, used, sanitizeName(g.key().name()), Kind.GAUGE, "StatsD gauge " + g.key().name(), g.key(),
              List.of(new Sample("", null, g.value())));
        }
      }
      for (LatestValues.TimerHistogram t : live.timers()) {
        if (canSee.test(t.key().name())) {
          List<Sample> samples = new ArrayList<>();
          for (int i = 0; i < t.upperBounds().size(); i++) {
            samples.add(new Sample("_bucket", "le=\"" + formatBound(t.upperBounds().get(i)) + "\"", t.bucketCounts().get(i)));
          }
          samples.add(new Sample("_bucket", "le=\"+Inf\"", t.count()));
          samples.add(new Sample("_sum", null, t.sum()));
          samples.add(new Sample("_count", null, t.count()));
          add(statsd, used, sanitizeName(t.key().name()), Kind.HISTOGRAM,
              "StatsD timer " + t.key().name() + " (seconds)", t.key(), samples);
        }
      }
      for (LatestValues.SetValue s : live.sets()) {
        if (canSee.test(s.key().name())) {
          add(statsd, used, sanitizeName(s.key().name()), Kind.GAUGE,
              "StatsD set " + s.key().name() + ": distinct members in the latest interval", s.key(),
              List.of(new Sample("", null, s.unique())));
        }
      }
    }

    StringBuilder out = new StringBuilder(4096);
    for (Family f : internalFamilies) {
      write(out, f, openMetrics);
    }
    for (Family f : statsd.values()) {
      write(out, f, openMetrics);
    }
    if (openMetrics) {
      out.append("# EOF\n");
    }
    return out.toString();
  }

  private void add(TreeMap<String, Family> families, Set<String> used, String name, Kind kind, String help,
      MetricKey key, List<Sample> samples) {
    Family f = families.get(name);
    if (f == null) {
      f = new Family(name, kind, help);
      if (!claim(f, used)) {
        collisions.incr();
        return;
      }
      families.put(name, f);
    } else if (f.kind != kind) {
      collisions.incr();
      return;
    }
    String labels = labels(key, kind == Kind.HISTOGRAM);
    if (f.byLabels.containsKey(labels)) {
      return;
    }
    List<Sample> withLabels = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      String l = s.labels() == null ? labels : labels.isEmpty() ? s.labels() : labels + "," + s.labels();
      withLabels.add(new Sample(s.suffix(), l, s.value()));
    }
    f.byLabels.put(labels, withLabels);
  }

  /** Reserves every sample name the family writes; false when one is taken. */
  private static boolean claim(Family f, Set<String> used) {
    List<String> names = switch (f.kind) {
      case COUNTER -> List.of(f.name, f.name + "_total", f.name + "_created");
      case GAUGE -> List.of(f.name);
      case HISTOGRAM -> List.of(f.name, f.name + "_bucket", f.name + "_sum", f.name + "_count", f.name + "_created");
    };
    for (String n : names) {
      if (used.contains(n)) {
        return false;
      }
    }
    used.addAll(names);
    return true;
  }

  private static void write(StringBuilder out, Family f, boolean openMetrics) {
    String familyName = f.kind == Kind.COUNTER && !openMetrics ? f.name + "_total" : f.name;
    String type = switch (f.kind) {
      case COUNTER -> "counter";
      case GAUGE -> "gauge";
      case HISTOGRAM -> "histogram";
    };
    out.append("# HELP ").append(familyName).append(' ').append(escapeHelp(f.help == null ? familyName : f.help)).append('\n');
    out.append("# TYPE ").append(familyName).append(' ').append(type).append('\n');
    for (List<Sample> samples : f.byLabels.values()) {
      for (Sample s : samples) {
        out.append(f.name).append(s.suffix());
        if (!s.labels().isEmpty()) {
          out.append('{').append(s.labels()).append('}');
        }
        out.append(' ').append(formatValue(s.value())).append('\n');
      }
    }
  }

  /** The label set of a series, {@code k="v",…} in tag order, without braces. */
  static String labels(MetricKey key, boolean histogram) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (Tag t : key.tags()) {
      String name = sanitizeLabel(t.key());
      if (histogram && name.equals("le")) {
        name = "tag_le";
      }
      labels.putIfAbsent(name, t.value() == null ? "true" : t.value());
    }
    StringBuilder sb = new StringBuilder();
    labels.forEach((k, v) -> {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(k).append("=\"").append(escapeLabelValue(v)).append('"');
    });
    return sb.toString();
  }

  /** A metric name following {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
  static String sanitizeName(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (c >= '0' && c <= '9');
      sb.append(ok ? c : '_');
    }
    if (sb.length() == 0 || Character.isDigit(sb.charAt(0))) {
      sb.insert(0, '_');
    }
    return sb.toString();
  }

  /** A label name following {@code [a-zA-Z_][a-zA-Z0-9_]*}, never starting with {@code __}. */
  static String sanitizeLabel(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
      sb.append(ok ? c : '_');
    }
    if (sb.length() == 0 || Character.isDigit(sb.charAt(0))) {
      sb.insert(0, '_');
    }
    if (sb.length() >= 2 && sb.charAt(0) == '_' && sb.charAt(1) == '_') {
      sb.insert(0, "tag");
    }
    return sb.toString();
  }

  static String escapeLabelValue(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String escapeHelp(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** A bucket bound as a canonical float ({@code 1.0}, {@code 0.005}), as OpenMetrics requires. */
  static String formatBound(double v) {
    return Double.toString(v);
  }

  static String formatValue(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
