package io.hollerith.server.api;

import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hollerith's own statistics as Prometheus families, sorted by name: the registry's as {@code
 * hollerith_<category>_<metric>} (milliseconds exported as seconds), then the system gauges, with
 * storage table sizes gathered under a {@code table} label. A few hundred families at most, so they
 * are built whole; the sample names they use are reserved before any StatsD family.
 *
 * <p>Immutable once built.
 */
final class InternalFamilies {

  private static final String MILLIS_SUFFIX = "_ms";
  private static final Pattern STORAGE_TABLE =
      Pattern.compile("storage_(?!total_)(\\w+)_(bytes|rows)");

  /** One family: its samples by label set, each sample line as {@code suffix, labels, value}. */
  record Family(String name, PrometheusKind kind, String help, TreeMap<String, Sample> byLabels) {
    Family(String name, PrometheusKind kind, String help) {
      this(name, kind, help, new TreeMap<>());
    }
  }

  /** One sample line of an internal family. */
  record Sample(String suffix, String labels, double value) {}

  private final List<Family> families;
  private final Set<String> claimed;

  private InternalFamilies(List<Family> families, Set<String> claimed) {
    this.families = families;
    this.claimed = claimed;
  }

  /**
   * The families of {@code internal} and {@code system}.
   *
   * @param seesEverything whether the caller sees every tenant; only then are figures that name
   *     series ({@link StatsRegistry#seriesNamingGauge}) included
   */
  static InternalFamilies of(
      StatsRegistry internal,
      Map<String, Map.Entry<Double, String>> system,
      boolean seesEverything) {
    TreeMap<String, Family> sorted = new TreeMap<>();
    internal
        .snapshot(seesEverything)
        .forEach(
            (category, metrics) ->
                metrics.forEach(
                    (metric, number) -> {
                      double value = number.doubleValue();
                      String exported = metric;
                      if (metric.endsWith(MILLIS_SUFFIX)) {
                        exported =
                            metric.substring(0, metric.length() - MILLIS_SUFFIX.length())
                                + "_seconds";
                        value /= 1000.0;
                      }
                      String base =
                          PrometheusWriter.sanitizeName("hollerith_" + category + "_" + exported);
                      PrometheusKind kind =
                          internal.isGauge(category, metric)
                              ? PrometheusKind.GAUGE
                              : PrometheusKind.COUNTER;
                      if (kind == PrometheusKind.COUNTER && base.endsWith("_total")) {
                        base = base.substring(0, base.length() - "_total".length());
                      }
                      Family f = new Family(base, kind, internal.help(category, metric));
                      f.byLabels()
                          .put(
                              "",
                              new Sample(
                                  kind == PrometheusKind.COUNTER ? "_total" : "", "", value));
                      sorted.putIfAbsent(base, f);
                    }));
    system.forEach(
        (key, valueAndHelp) -> {
          Matcher table = STORAGE_TABLE.matcher(key);
          if (table.matches()) {
            String unit = table.group(2);
            Family f =
                sorted.computeIfAbsent(
                    "hollerith_storage_table_" + unit,
                    n ->
                        new Family(
                            n,
                            PrometheusKind.GAUGE,
                            unit.equals("bytes")
                                ? "Storage: size of each table, bytes"
                                : "Storage: estimated rows of each table"));
            String labels = "table=\"" + PrometheusWriter.escapeLabelValue(table.group(1)) + "\"";
            f.byLabels().put(labels, new Sample("", labels, valueAndHelp.getKey()));
            return;
          }
          String name = PrometheusWriter.sanitizeName("hollerith_system_" + key);
          Family f = new Family(name, PrometheusKind.GAUGE, valueAndHelp.getValue());
          f.byLabels().put("", new Sample("", "", valueAndHelp.getKey()));
          sorted.putIfAbsent(name, f);
        });
    List<Family> kept = new ArrayList<>();
    Set<String> claimed = new HashSet<>();
    for (Family f : sorted.values()) {
      List<String> names = f.kind().claims(f.name());
      if (names.stream().noneMatch(claimed::contains)) {
        claimed.addAll(names);
        kept.add(f);
      }
    }
    return new InternalFamilies(List.copyOf(kept), Set.copyOf(claimed));
  }

  /** The families in output order. */
  List<Family> families() {
    return families;
  }

  /** Every sample name the families write or reserve. */
  Set<String> claimed() {
    return claimed;
  }

  /** Writes one family: its header, then its samples by label set. */
  static void write(StringBuilder out, Family f, boolean openMetrics) {
    PrometheusWriter.header(out, f.name(), f.kind(), f.help(), openMetrics);
    for (Sample s : f.byLabels().values()) {
      PrometheusWriter.sample(out, f.name(), s.suffix(), s.labels(), s.value());
    }
  }
}
