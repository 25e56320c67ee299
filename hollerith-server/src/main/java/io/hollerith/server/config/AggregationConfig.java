package io.hollerith.server.config;

import java.time.Duration;
import java.util.List;

/**
 * How samples become flushed values; the names follow Etsy StatsD's {@code config.js}.
 *
 * @param flushInterval default 10 s; flushes happen at wall-clock multiples of it
 * @param percentThresholds Etsy's percentThreshold option, default {@code [90]}; negative means the
 *     lower tail
 * @param histograms Etsy's histogram option: bins per metric-name substring, first match wins
 * @param deleteIdleStats Etsy's {@code deleteIdleStats}: default for the four below, default false
 * @param deleteCounters do not send counters that received nothing in the interval (default: {@code
 *     deleteIdleStats})
 * @param deleteTimers likewise for timers
 * @param deleteGauges likewise for gauges
 * @param deleteSets likewise for sets
 * @param maxMetrics most live series; samples for new series beyond it are dropped and counted
 *     (default 1,000,000)
 * @param seriesTtl a series that receives no sample for this long leaves the live set at a flush
 *     (it stops being flushed and frees its room under {@code maxMetrics}; its stored history
 *     stays); default 24 h, 0 keeps every series until restart as Etsy does
 * @param maxMetricsPerNamespace most live series under one namespace (the name up to its first
 *     dot), so one namespace cannot take all of {@code maxMetrics}; default 0, no such cap
 * @param backgroundNice how many nice steps below the ingest threads the flusher and the store
 *     writer run (0 to 19, default 10; 0 leaves them at the process's priority), so that a flush on
 *     a core shared with ingest takes the time ingest leaves rather than half the core
 */
public record AggregationConfig(
    Duration flushInterval,
    List<Double> percentThresholds,
    List<Histogram> histograms,
    Boolean deleteIdleStats,
    Boolean deleteCounters,
    Boolean deleteTimers,
    Boolean deleteGauges,
    Boolean deleteSets,
    Integer maxMetrics,
    Duration seriesTtl,
    Integer maxMetricsPerNamespace,
    Integer backgroundNice) {

  /** The largest {@code backgroundNice}: Linux's highest nice value. */
  public static final int MAX_BACKGROUND_NICE = 19;

  public AggregationConfig {
    flushInterval = flushInterval != null ? flushInterval : Duration.ofSeconds(10);
    percentThresholds = percentThresholds != null ? List.copyOf(percentThresholds) : List.of(90.0);
    histograms = histograms != null ? List.copyOf(histograms) : List.of();
    deleteIdleStats = deleteIdleStats != null ? deleteIdleStats : false;
    deleteCounters = deleteCounters != null ? deleteCounters : deleteIdleStats;
    deleteTimers = deleteTimers != null ? deleteTimers : deleteIdleStats;
    deleteGauges = deleteGauges != null ? deleteGauges : deleteIdleStats;
    deleteSets = deleteSets != null ? deleteSets : deleteIdleStats;
    maxMetrics = maxMetrics != null ? maxMetrics : 1_000_000;
    seriesTtl = seriesTtl != null ? seriesTtl : Duration.ofHours(24);
    maxMetricsPerNamespace = maxMetricsPerNamespace != null ? maxMetricsPerNamespace : 0;
    backgroundNice = backgroundNice != null ? backgroundNice : 10;
  }

  /** Every option at its default. */
  public static AggregationConfig defaults() {
    return builder().build();
  }

  /** A builder whose options left unset take their defaults, derived as the constructor does. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sets some options and leaves the rest to {@link AggregationConfig}'s defaults, so that a config
   * written in code names only what it changes. An option left unset, or set to null, takes its
   * default as in the configuration file; unset per-type delete flags still follow {@code
   * deleteIdleStats}, which a copy-with-one-field-changed of a built config could not do.
   */
  public static final class Builder {
    private Duration flushInterval;
    private List<Double> percentThresholds;
    private List<Histogram> histograms;
    private Boolean deleteIdleStats;
    private Boolean deleteCounters;
    private Boolean deleteTimers;
    private Boolean deleteGauges;
    private Boolean deleteSets;
    private Integer maxMetrics;
    private Duration seriesTtl;
    private Integer maxMetricsPerNamespace;
    private Integer backgroundNice;

    private Builder() {}

    public Builder flushInterval(Duration value) {
      flushInterval = value;
      return this;
    }

    public Builder percentThresholds(List<Double> value) {
      percentThresholds = value;
      return this;
    }

    public Builder histograms(List<Histogram> value) {
      histograms = value;
      return this;
    }

    public Builder deleteIdleStats(Boolean value) {
      deleteIdleStats = value;
      return this;
    }

    public Builder deleteCounters(Boolean value) {
      deleteCounters = value;
      return this;
    }

    public Builder deleteTimers(Boolean value) {
      deleteTimers = value;
      return this;
    }

    public Builder deleteGauges(Boolean value) {
      deleteGauges = value;
      return this;
    }

    public Builder deleteSets(Boolean value) {
      deleteSets = value;
      return this;
    }

    public Builder maxMetrics(Integer value) {
      maxMetrics = value;
      return this;
    }

    public Builder seriesTtl(Duration value) {
      seriesTtl = value;
      return this;
    }

    public Builder maxMetricsPerNamespace(Integer value) {
      maxMetricsPerNamespace = value;
      return this;
    }

    public Builder backgroundNice(Integer value) {
      backgroundNice = value;
      return this;
    }

    public AggregationConfig build() {
      return new AggregationConfig(
          flushInterval,
          percentThresholds,
          histograms,
          deleteIdleStats,
          deleteCounters,
          deleteTimers,
          deleteGauges,
          deleteSets,
          maxMetrics,
          seriesTtl,
          maxMetricsPerNamespace,
          backgroundNice);
    }
  }

  /**
   * One entry of Etsy's {@code histogram} list.
   *
   * @param metric substring of the timer name this applies to; {@code ""} matches every timer
   * @param bins upper bounds of the bins, ascending; the last may be {@code inf} (or {@code
   *     Infinity}), as in Etsy
   */
  public record Histogram(String metric, List<Double> bins) {
    public Histogram {
      metric = metric != null ? metric : "";
      bins = bins != null ? List.copyOf(bins) : List.of();
    }
  }
}
