package io.hollerith.server.stats;

import java.util.Objects;

/**
 * The name of one statistic in a {@link StatsRegistry}: its category and its metric ({@code
 * messages.bad_lines_seen}).
 *
 * <p>The constants name the statistics that one package registers and others read (aggregation, the
 * operations views, the self series), so both sides use the same name and a rename cannot leave a
 * reader silently finding nothing. A statistic registered and read in one class only keeps its
 * plain strings.
 */
public record StatName(String category, String metric) {

  /**
   * Packets received on all listeners (Etsy's {@code packets_received}); registered by {@code
   * ingest}.
   */
  public static final StatName PACKETS_RECEIVED = new StatName("messages", "packets_received");

  /**
   * Non-empty StatsD lines received (Etsy's {@code metrics_received}); registered by {@code
   * protocol}.
   */
  public static final StatName METRICS_RECEIVED = new StatName("messages", "metrics_received");

  /** Samples passed on to aggregation; registered by {@code protocol}. */
  public static final StatName SAMPLES_PARSED = new StatName("messages", "samples_parsed");

  /** Lines or values rejected (Etsy's {@code bad_lines_seen}); registered by {@code protocol}. */
  public static final StatName BAD_LINES_SEEN = new StatName("messages", "bad_lines_seen");

  /** Unix seconds of the last data received on any listener; registered by {@code ingest}. */
  public static final StatName LAST_MSG_SEEN = new StatName("messages", "last_msg_seen");

  /**
   * Datagrams the kernel dropped on the UDP sockets; registered by {@code ingest} where Linux
   * tells.
   */
  public static final StatName UDP_KERNEL_DROPS = new StatName("udp", "kernel_drops");

  /** Series held, live and pending backfill; registered by {@code aggregate}. */
  public static final StatName LIVE_SERIES = new StatName("aggregate", "live_series");

  /**
   * Samples for new series dropped by the {@code max_metrics} guard; registered by {@code
   * aggregate}.
   */
  public static final StatName DROPS_MAX_METRICS = new StatName("drops", "max_metrics");

  /** Timestamped samples older than the backfill age; registered by {@code aggregate}. */
  public static final StatName DROPS_BACKFILL_TOO_OLD = new StatName("drops", "backfill_too_old");

  /** Timestamped samples more than one interval ahead; registered by {@code aggregate}. */
  public static final StatName DROPS_BACKFILL_TOO_NEW = new StatName("drops", "backfill_too_new");

  /** Flush intervals closed; registered by {@code flush}. */
  public static final StatName FLUSHES = new StatName("flush", "flushes");

  /** Series points in flushed snapshots; registered by {@code flush}. */
  public static final StatName SERIES_FLUSHED = new StatName("flush", "series_flushed");

  /** Duration of the last flush, milliseconds; registered by {@code flush}. */
  public static final StatName FLUSH_LAST_DURATION_MS = new StatName("flush", "last_duration_ms");

  /**
   * How long after its interval ended the last interval was flushed; registered by {@code flush}.
   */
  public static final StatName FLUSH_PROCESSING_LAG_MS = new StatName("flush", "processing_lag_ms");

  /**
   * Snapshots waiting for the store writer; registered by {@code storage} when a store is
   * configured.
   */
  public static final StatName STORE_BACKLOG_SNAPSHOTS =
      new StatName("storage", "backlog_snapshots");

  /** Age of the oldest snapshot waiting for the store writer; registered by {@code storage}. */
  public static final StatName STORE_BACKLOG_AGE_SECONDS =
      new StatName("storage", "backlog_age_seconds");

  /** Duration of the latest store write; registered by {@code storage}. */
  public static final StatName STORE_LAST_WRITE_MILLIS =
      new StatName("storage", "last_write_millis");

  /** Failed store write attempts; registered by {@code storage}. */
  public static final StatName STORE_WRITE_FAILURES = new StatName("storage", "write_failures");

  /** Snapshots dropped because the store backlog was full; registered by {@code storage}. */
  public static final StatName STORE_SNAPSHOTS_DROPPED =
      new StatName("storage", "snapshots_dropped");

  /** HTTP requests answered; registered by {@code api}. */
  public static final StatName HTTP_REQUESTS = new StatName("http", "requests");

  /** HTTP worker threads; registered by {@code api}. */
  public static final StatName HTTP_WORKERS = new StatName("http", "workers");

  /** HTTP worker threads handling a request; registered by {@code api}. */
  public static final StatName HTTP_WORKERS_ACTIVE = new StatName("http", "workers_active");

  /** Requests waiting for an HTTP worker; registered by {@code api}. */
  public static final StatName HTTP_QUEUED_REQUESTS = new StatName("http", "queued_requests");

  /** Time spent in garbage collection since start; registered by {@link SystemStats}. */
  public static final StatName GC_TIME_SECONDS = new StatName("system", "gc_time_seconds");

  /** JVM heap in use; registered by {@link SystemStats}. */
  public static final StatName HEAP_USED_BYTES = new StatName("system", "heap_used_bytes");

  public StatName {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(metric, "metric");
  }

  @Override
  public String toString() {
    return category + "." + metric;
  }
}
