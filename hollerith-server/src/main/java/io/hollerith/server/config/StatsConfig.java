package io.hollerith.server.config;

/**
 * The {@code stats:} keys: collection on or off, persistence, buffered or real-time application of
 * samples, the node's own series, and what the statistics routes include.
 *
 * @param enabled enable statistics collection (default true); false stops ingest listeners from
 *     recording samples
 * @param persist keep statistics in the store so they survive restarts (default true)
 * @param noBuffer real-time mode (default true): every sample is applied to the live aggregates at
 *     once
 * @param includeStorageStatsInApi include storage sizes in {@code /stats} (default true)
 * @param bufferSize buffered mode: an ingest thread merges its batch after this many samples
 *     (default 1,000)
 * @param flushIntervalMs buffered mode: and at least this often, in milliseconds (default 1,000)
 * @param selfSeries record the node's own key figures as series every flush (default true)
 * @param selfSeriesPrefix the name prefix of those series (default {@code hollerith.})
 */
public record StatsConfig(
    Boolean enabled,
    Boolean persist,
    Boolean noBuffer,
    Boolean includeStorageStatsInApi,
    Integer bufferSize,
    Integer flushIntervalMs,
    Boolean selfSeries,
    String selfSeriesPrefix) {
  public StatsConfig {
    enabled = enabled != null ? enabled : true;
    persist = persist != null ? persist : true;
    noBuffer = noBuffer != null ? noBuffer : true;
    includeStorageStatsInApi = includeStorageStatsInApi != null ? includeStorageStatsInApi : true;
    bufferSize = bufferSize != null ? bufferSize : 1000;
    flushIntervalMs = flushIntervalMs != null ? flushIntervalMs : 1000;
    selfSeries = selfSeries != null ? selfSeries : true;
    selfSeriesPrefix = selfSeriesPrefix != null ? selfSeriesPrefix : "hollerith.";
  }

  /** Every key at its default: statistics on and persisted, samples applied in real time. */
  public static StatsConfig defaults() {
    return new StatsConfig(null, null, null, null, null, null, null, null);
  }

  /**
   * The defaults, but samples buffered per ingest thread and merged after {@code bufferSize}
   * samples or every {@code flushIntervalMs}, whichever comes first.
   */
  public static StatsConfig buffered(int bufferSize, int flushIntervalMs) {
    return new StatsConfig(null, null, false, null, bufferSize, flushIntervalMs, null, null);
  }
}
