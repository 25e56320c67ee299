package io.hollerith.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The markdown report of a results file written by {@link Measure}: one table row per (setting,
 * target, type mix), in the order they first appear, with a CPU column per packed rate measured;
 * then Hollerith against each peer and against the bare receiver, per setting and mix, wherever
 * both were measured the same way.
 *
 * <p>Results written before the type mix was recorded count as counters only ({@code c=100}); the
 * generators that sent the load ({@code java}, {@code native}) are named below the table when the
 * results record them.
 *
 * <p>Not thread-safe; build one per report.
 */
final class ResultsReport {

  /**
   * The mix of results that do not name one: the generator's only mix before mixes were recorded.
   */
  static final String COUNTERS_ONLY = "c=100";

  private static final String HOLLERITH = "hollerith";
  private static final String BARE = "bare";

  /**
   * One row of the table: its cells by column id, and the load averages seen while it was measured.
   */
  private static final class Row {
    final String setting;
    final String target;
    final String mix;
    final Map<String, String> cells = new TreeMap<>();

    /** Packed rate to CPU s per million, medians of the lossless trials only. */
    final Map<Long, Double> losslessPacked = new TreeMap<>();

    double search20Median = Double.NaN;

    /**
     * The 20-per-packet median came from a search that stopped at the generator's ceiling: a lower
     * bound.
     */
    boolean search20Limited;

    double loadMin = Double.POSITIVE_INFINITY;
    double loadMax = Double.NEGATIVE_INFINITY;

    Row(String setting, String target, String mix) {
      this.setting = setting;
      this.target = target;
      this.mix = mix;
    }

    String group() {
      return setting + ", " + mix;
    }
  }

  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final TreeSet<Long> packedRates = new TreeSet<>();
  private final TreeSet<String> generators = new TreeSet<>();

  /** The report of every JSON line in {@code resultsFile}. */
  static String render(Path resultsFile) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ResultsReport report = new ResultsReport();
    for (String line : Files.readAllLines(resultsFile, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        report.add(json.readTree(line));
      }
    }
    return report.markdown();
  }

  /** Adds one result line. */
  void add(JsonNode n) {
    String setting = n.path("setting").asText();
    String target = n.path("target").asText();
    String mix = n.path("mix").asText(COUNTERS_ONLY);
    Row row =
        rows.computeIfAbsent(
            setting + "|" + target + "|" + mix, k -> new Row(setting, target, mix));
    if (n.hasNonNull("generator")) {
      generators.add(n.path("generator").asText());
    }
    if (n.hasNonNull("loadavg_end")) {
      double load = Double.parseDouble(n.path("loadavg_end").asText().split(" ")[0]);
      row.loadMin = Math.min(row.loadMin, load);
      row.loadMax = Math.max(row.loadMax, load);
    }
    switch (n.path("kind").asText()) {
      case "search" -> addSearch(row, n);
      case "cpu" -> addCpu(row, n);
      case "memory" ->
          row.cells.put(
              "memory",
              String.format(
                  Locale.ROOT,
                  "%,d (%,d series%s)",
                  n.path("bytes_per_series").asLong(),
                  n.path("series").asLong(),
                  n.path("series_counted").asLong() == n.path("series").asLong()
                      ? ""
                      : String.format(
                          Locale.ROOT, " sent, %,d held", n.path("series_counted").asLong())));
      default -> {}
    }
  }

  /**
   * The median of the searches, with "≥" when the search that gave it stopped at the generator's
   * ceiling.
   */
  private static void addSearch(Row row, JsonNode n) {
    // values are fractional rates: rounded alike, so that the median's own search is found
    long median = Math.round(n.path("median").asDouble());
    boolean limited = false;
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n.path("values").size(); i++) {
      long value = Math.round(n.path("values").get(i).asDouble());
      if (value == median) {
        limited |= n.path("generator_limited").path(i).asBoolean();
      }
      values.add(String.format(Locale.ROOT, "%,d", value));
    }
    int lines = n.path("lines").asInt();
    if (lines == 20) {
      row.search20Median = median;
      row.search20Limited = limited;
    }
    row.cells.put(
        "search" + lines,
        String.format(
            Locale.ROOT, "%s%,d (%s)", limited ? "≥ " : "", median, String.join(" / ", values)));
  }

  private void addCpu(Row row, JsonNode n) {
    long sent = 0;
    long counted = 0;
    for (JsonNode t : n.path("trials")) {
      sent += t.path("sent").asLong();
      counted += t.path("counted").asLong();
    }
    long rate = n.path("rate").asLong();
    double median = n.path("median").asDouble();
    if (n.path("values").size() > 0) {
      // older files round the median to 0.01, too coarse for packed rates (~0.06 s per million)
      List<Double> values = new ArrayList<>();
      n.path("values").forEach(v -> values.add(v.asDouble()));
      median = Measure.median(values);
    }
    String column = "cpu" + rate;
    String format = "%.2f%s";
    if (n.path("lines").asInt(1) > 1) {
      format = "%.3f%s";
      column = "cpuPacked" + rate;
      packedRates.add(rate);
      List<Double> lossless = new ArrayList<>();
      for (int i = 0; i < n.path("trials").size(); i++) {
        JsonNode t = n.path("trials").get(i);
        if (t.path("counted").asLong() == t.path("sent").asLong() && n.path("values").has(i)) {
          lossless.add(n.path("values").get(i).asDouble());
        }
      }
      if (!lossless.isEmpty()) {
        row.losslessPacked.put(rate, Measure.median(lossless));
      }
    }
    row.cells.put(
        column,
        String.format(
            Locale.ROOT,
            format,
            median,
            counted < sent
                ? String.format(
                    Locale.ROOT,
                    " (lossy: %.1f%% counted)",
                    Math.floor(1000.0 * counted / sent) / 10)
                : ""));
  }

  /** The table, then the comparisons. */
  String markdown() {
    StringBuilder sb = new StringBuilder();
    appendTable(sb);
    if (!generators.isEmpty()) {
      sb.append("\nLoad generator: ").append(String.join(", ", generators)).append('\n');
    }
    appendSection(
        sb,
        peerLines(),
        "Hollerith against each peer, same setting and mix (Hollerith ÷ peer; highest "
            + "lossless rate at 20 per packet, and CPU per million at the same fixed rate, medians of lossless trials):");
    appendSection(
        sb,
        capacityLines(),
        "Hollerith's receive capacity against the bare receiver's, from CPU per metric "
            + "at the same fixed rate (bare ÷ Hollerith, medians of their lossless trials; 20 per packet):");
    return sb.toString();
  }

  private void appendTable(StringBuilder sb) {
    sb.append(
        "| rmem setting | target | mix | max lossless metrics/s, 1 per packet: median (3 searches) "
            + "| max lossless, 20 per packet | CPU s per million @ 20,000/s | CPU s per million @ 200,000/s |");
    for (long rate : packedRates) {
      sb.append(String.format(Locale.ROOT, " CPU s per million, 20 per packet @ %,d/s |", rate));
    }
    sb.append(" RSS bytes per idle counter | 1-min load avg |\n");
    sb.append("|---|---|---|---:|---:|---:|---:|")
        .append("---:|".repeat(packedRates.size()))
        .append("---:|---:|\n");
    for (Row r : rows.values()) {
      sb.append("| ").append(r.setting).append(" | ").append(r.target).append(" | ").append(r.mix);
      List<String> columns =
          new ArrayList<>(List.of("search1", "search20", "cpu20000", "cpu200000"));
      packedRates.forEach(rate -> columns.add("cpuPacked" + rate));
      columns.add("memory");
      for (String column : columns) {
        sb.append(" | ").append(r.cells.getOrDefault(column, "–"));
      }
      sb.append(" | ")
          .append(
              r.loadMin <= r.loadMax
                  ? String.format(Locale.ROOT, "%.1f–%.1f", r.loadMin, r.loadMax)
                  : "–")
          .append(" |\n");
    }
  }

  private static void appendSection(StringBuilder sb, List<String> lines, String title) {
    if (!lines.isEmpty()) {
      sb.append('\n').append(title).append("\n\n");
      lines.forEach(l -> sb.append("- ").append(l).append('\n'));
    }
  }

  /**
   * Hollerith against every peer (neither Hollerith nor the bare receiver) measured under the same
   * setting and mix: the ratio of their highest lossless rates at 20 per packet (above 1 is
   * better), and of their CPU per million at each packed rate where both counted everything (below
   * 1 is better).
   */
  List<String> peerLines() {
    List<String> lines = new ArrayList<>();
    for (Row h : rows.values()) {
      if (!h.target.equals(HOLLERITH)) {
        continue;
      }
      for (Row peer : rows.values()) {
        if (peer.target.equals(HOLLERITH) || peer.target.equals(BARE) || !sameGroup(h, peer)) {
          continue;
        }
        if (!Double.isNaN(h.search20Median) && peer.search20Median > 0) {
          // a generator-limited side is a lower bound, so the ratio is one too (or an upper one)
          String bound =
              h.search20Limited == peer.search20Limited ? "" : h.search20Limited ? "≥ " : "≤ ";
          lines.add(
              String.format(
                  Locale.ROOT,
                  "%s, %s: highest lossless, 20 per packet: %s%,.0f ÷ %s%,.0f = %s%.2f×%s",
                  h.group(),
                  peer.target,
                  h.search20Limited ? "≥ " : "",
                  h.search20Median,
                  peer.search20Limited ? "≥ " : "",
                  peer.search20Median,
                  bound,
                  h.search20Median / peer.search20Median,
                  h.search20Limited && peer.search20Limited
                      ? " (both generator-limited: no ratio can be read from it)"
                      : ""));
        }
        h.losslessPacked.forEach(
            (rate, cpu) -> {
              Double other = peer.losslessPacked.get(rate);
              if (other != null && other > 0) {
                lines.add(
                    String.format(
                        Locale.ROOT,
                        "%s, %s: CPU s per million @ %,d/s, 20 per packet: %.3f ÷ %.3f = %.2f×",
                        h.group(),
                        peer.target,
                        rate,
                        cpu,
                        other,
                        cpu / other));
              }
            });
      }
    }
    return lines;
  }

  /**
   * Under a fixed load both receivers do the same receive work per datagram, and Hollerith also
   * parses and aggregates every line; so, while neither is saturated, the ratio of their CPU per
   * metric is the ratio of the rates each could take on a core of its own. Unlike the lossless
   * search, it does not stop at the generator's ceiling. The bare receiver must rest after reads as
   * Hollerith does ({@code --read-delay-us}), or its figure measures wake-ups.
   */
  List<String> capacityLines() {
    List<String> lines = new ArrayList<>();
    for (Row h : rows.values()) {
      if (!h.target.equals(HOLLERITH)) {
        continue;
      }
      for (Row bare : rows.values()) {
        if (!bare.target.equals(BARE) || !sameGroup(h, bare)) {
          continue;
        }
        h.losslessPacked.forEach(
            (rate, cpu) -> {
              Double b = bare.losslessPacked.get(rate);
              if (b != null && cpu > 0) {
                lines.add(
                    String.format(
                        Locale.ROOT,
                        "%s @ %,d/s: %.3f ÷ %.3f = %.0f %%",
                        h.group(),
                        rate,
                        b,
                        cpu,
                        100 * b / cpu));
              }
            });
      }
    }
    return lines;
  }

  private static boolean sameGroup(Row a, Row b) {
    return a.setting.equals(b.setting) && a.mix.equals(b.mix);
  }
}
