package io.hollerith.server.api;

import io.hollerith.server.model.MetricKey;
import java.util.List;

/**
 * The four lists of a {@link LatestValues.Snapshot}, in the order their series claim Prometheus
 * names (counters, gauges, timers, sets), and how one entry of each becomes sample lines.
 */
enum StatsdSource {
  COUNTERS(PrometheusKind.COUNTER, "StatsD counter ", ""),
  GAUGES(PrometheusKind.GAUGE, "StatsD gauge ", ""),
  TIMERS(PrometheusKind.HISTOGRAM, "StatsD timer ", " (seconds)"),
  SETS(PrometheusKind.GAUGE, "StatsD set ", ": distinct members in the latest interval");

  private final PrometheusKind kind;
  private final String helpPrefix;
  private final String helpSuffix;

  StatsdSource(PrometheusKind kind, String helpPrefix, String helpSuffix) {
    this.kind = kind;
    this.helpPrefix = helpPrefix;
    this.helpSuffix = helpSuffix;
  }

  PrometheusKind kind() {
    return kind;
  }

  /** This source's list of the snapshot. */
  List<?> entries(LatestValues.Snapshot live) {
    return switch (this) {
      case COUNTERS -> live.counters();
      case GAUGES -> live.gauges();
      case TIMERS -> live.timers();
      case SETS -> live.sets();
    };
  }

  /** The series key of one entry of this source's list. */
  MetricKey key(Object entry) {
    return switch (this) {
      case COUNTERS -> ((LatestValues.CounterTotal) entry).key();
      case GAUGES -> ((LatestValues.GaugeValue) entry).key();
      case TIMERS -> ((LatestValues.TimerHistogram) entry).key();
      case SETS -> ((LatestValues.SetValue) entry).key();
    };
  }

  /**
   * A counter's family drops a {@code _total} its sanitised name ends with; the sample adds it
   * back.
   */
  boolean stripsTotal() {
    return this == COUNTERS;
  }

  /** The family name of a series of this source. */
  String family(MetricKey key) {
    String base = PrometheusWriter.sanitizeName(key.name());
    return stripsTotal() && base.endsWith("_total")
        ? base.substring(0, base.length() - "_total".length())
        : base;
  }

  /** The label set of a series of this source ({@code le} renamed on histograms). */
  String labels(MetricKey key) {
    return PrometheusWriter.labels(key, kind == PrometheusKind.HISTOGRAM);
  }

  /** The help text of a family whose first series is {@code key}. */
  String help(MetricKey key) {
    return helpPrefix + key.name() + helpSuffix;
  }

  /** Appends the sample lines of one entry to {@code out}. */
  void writeSamples(StringBuilder out, String family, String labels, Object entry) {
    switch (this) {
      case COUNTERS ->
          PrometheusWriter.sample(
              out, family, "_total", labels, ((LatestValues.CounterTotal) entry).total());
      case GAUGES ->
          PrometheusWriter.sample(
              out, family, "", labels, ((LatestValues.GaugeValue) entry).value());
      case SETS ->
          PrometheusWriter.sample(
              out, family, "", labels, (double) ((LatestValues.SetValue) entry).unique());
      case TIMERS -> {
        LatestValues.TimerHistogram t = (LatestValues.TimerHistogram) entry;
        String prefix = labels.isEmpty() ? "" : labels + ",";
        for (int i = 0; i < t.upperBounds().size(); i++) {
          PrometheusWriter.sample(
              out,
              family,
              "_bucket",
              prefix + "le=\"" + PrometheusWriter.formatBound(t.upperBounds().get(i)) + "\"",
              t.bucketCounts().get(i));
        }
        PrometheusWriter.sample(out, family, "_bucket", prefix + "le=\"+Inf\"", t.count());
        PrometheusWriter.sample(out, family, "_sum", labels, t.sum());
        PrometheusWriter.sample(out, family, "_count", labels, t.count());
      }
    }
  }
}
