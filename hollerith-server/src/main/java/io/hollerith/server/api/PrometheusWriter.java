package io.hollerith.server.api;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.stats.StatsRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

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
 *       becomes {@code _}, and a leading digit gets a {@code _} in front. StatsD tags become
 *       labels: keys sanitised to {@code [a-zA-Z_][a-zA-Z0-9_]*} ({@code __} prefixes get a {@code
 *       tag} prefix), a tag without a value becomes {@code "true"}.
 *   <li>StatsD counters are counters ({@code <name>_total}, never negative: see {@link
 *       PrometheusSink}), gauges gauges, timers histograms in seconds ({@code _bucket} with {@code
 *       le}, {@code _sum}, {@code _count}; a tag named {@code le} becomes {@code tag_le}), sets
 *       gauges of the distinct count.
 *   <li>When two series map to the same family name with different types, or to a sample name
 *       another family already uses, the later one (in the order internal, counters, gauges,
 *       timers, sets) is left out and counted in {@code prometheus.name_collisions}; the same label
 *       set twice in one family keeps the first.
 * </ul>
 *
 * <p>The text is written in pieces as the connection takes them ({@link #open}): the internal
 * families ({@link InternalFamilies}) are few and built whole; the StatsD series are sorted into
 * output order and their collisions settled first ({@link StatsdFamilyPlan}, one reference per
 * series), then written a few lines at a time ({@link StatsdFamilyWriter}). A collision is counted
 * when the piece that would have held the series is written.
 *
 * <p>Stateless apart from the collision counter; thread-safe. Each body {@link #open} returns
 * belongs to one reader.
 */
final class PrometheusWriter {

  static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_CONTENT_TYPE =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final StatsRegistry.Counter collisions;

  PrometheusWriter(StatsRegistry stats) {
    this.collisions =
        stats.counter(
            "prometheus",
            "name_collisions",
            "StatsD series left out of the Prometheus output because their name collides with another family");
  }

  /**
   * Prepares the exposition and returns it as a body written in pieces. The internal figures are
   * read and the StatsD series sorted here (so call it on a worker thread); the text is made only
   * as the pieces are asked for, so a scrape of any number of series holds one piece of text.
   *
   * @param internal the registry to expose
   * @param system {@code hollerith_system_<key>} gauges with their help texts
   * @param live the StatsD series, or null for none
   * @param canSee which metric names the caller may see
   * @param seesEverything whether the caller sees every tenant; only then are internal figures that
   *     name series ({@link StatsRegistry#seriesNamingGauge}) included
   * @param openMetrics OpenMetrics 1.0 instead of text 0.0.4
   */
  TextBody open(
      StatsRegistry internal,
      Map<String, Map.Entry<Double, String>> system,
      LatestValues.Snapshot live,
      Predicate<String> canSee,
      boolean seesEverything,
      boolean openMetrics) {
    InternalFamilies own = InternalFamilies.of(internal, system, seesEverything);
    StatsdFamilyPlan plan =
        new StatsdFamilyPlan(
            live == null ? LatestValues.Snapshot.empty() : live, canSee, own.claimed());
    StatsdFamilyWriter statsd = new StatsdFamilyWriter(plan, collisions, openMetrics);
    return new TextBody() {
      private int nextInternal;
      private boolean statsdDone;

      @Override
      public boolean writeNext(StringBuilder out, int targetChars) {
        while (nextInternal < own.families().size()) {
          InternalFamilies.write(out, own.families().get(nextInternal++), openMetrics);
          if (out.length() >= targetChars) {
            return true;
          }
        }
        if (!statsdDone && statsd.writeSome(out, targetChars)) {
          return true;
        }
        if (!statsdDone && openMetrics) {
          out.append("# EOF\n");
        }
        statsdDone = true;
        return false;
      }
    };
  }

  /** The whole exposition as one string ({@link #open}, drained). */
  String render(
      StatsRegistry internal,
      Map<String, Map.Entry<Double, String>> system,
      LatestValues.Snapshot live,
      Predicate<String> canSee,
      boolean seesEverything,
      boolean openMetrics) {
    return open(internal, system, live, canSee, seesEverything, openMetrics).drain();
  }

  /**
   * Appends a family's {@code # HELP} and {@code # TYPE} lines (a counter is {@code <name>_total}
   * in text 0.0.4).
   */
  static void header(
      StringBuilder out, String name, PrometheusKind kind, String help, boolean openMetrics) {
    String familyName = kind == PrometheusKind.COUNTER && !openMetrics ? name + "_total" : name;
    out.append("# HELP ")
        .append(familyName)
        .append(' ')
        .append(escapeHelp(help == null ? familyName : help))
        .append('\n');
    out.append("# TYPE ").append(familyName).append(' ').append(kind.typeName()).append('\n');
  }

  /** Appends one sample line: {@code <family><suffix>{<labels>} <value>}. */
  static void sample(StringBuilder out, String family, String suffix, String labels, double value) {
    out.append(family).append(suffix);
    if (!labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(formatValue(value)).append('\n');
  }

  /** The label set of a series, {@code k="v",…} in tag order, without braces. */
  static String labels(MetricKey key, boolean histogram) {
    if (!key.hasTags()) {
      return "";
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (Tag t : key.tags()) {
      String name = sanitizeLabel(t.key());
      if (histogram && name.equals("le")) {
        name = "tag_le";
      }
      labels.putIfAbsent(name, t.value() == null ? "true" : t.value());
    }
    StringBuilder sb = new StringBuilder();
    labels.forEach(
        (k, v) -> {
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
      sb.append(isNameChar(c) ? c : '_');
    }
    if (sb.length() == 0 || Character.isDigit(sb.charAt(0))) {
      sb.insert(0, '_');
    }
    return sb.toString();
  }

  /** Whether a metric name keeps {@code c} as it is: {@code [a-zA-Z0-9_:]}. */
  static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || c == ':'
        || (c >= '0' && c <= '9');
  }

  /** A label name following {@code [a-zA-Z_][a-zA-Z0-9_]*}, never starting with {@code __}. */
  static String sanitizeLabel(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
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
