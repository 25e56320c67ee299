package io.hollerith.server.model;

import java.util.Locale;

/**
 * The four StatsD metric kinds Hollerith aggregates. Histograms ({@code h}) and distributions
 * ({@code d}) are aggregated as timers, as DogStatsD and Etsy StatsD do.
 */
public enum MetricType {
  COUNTER("c"),
  GAUGE("g"),
  TIMER("ms"),
  SET("s");

  private final String code;

  MetricType(String code) {
    this.code = code;
  }

  /** The StatsD type code ({@code c}, {@code g}, {@code ms}, {@code s}). */
  public String code() {
    return code;
  }

  /** Lower-case name as used in JSON and storage ({@code counter}, {@code gauge}, …). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
