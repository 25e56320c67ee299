package io.hollerith.server.config;

import java.time.Duration;
import java.time.LocalTime;

/**
 * Node operations: table-growth history and the read-only SQL endpoint.
 *
 * @param tableGrowth the daily table-size samples and their alert thresholds
 * @param query {@code POST /api/stats/query/}
 * @param files the data-directory file routes
 */
public record OpsConfig(TableGrowth tableGrowth, Query query, Files files) {
  public OpsConfig {
    files = files != null ? files : new Files(null);
    tableGrowth = tableGrowth != null ? tableGrowth : new TableGrowth(null, null, null, null);
    query = query != null ? query : new Query(null, null, null, null, null, null);
  }

  /**
   * The daily table-size sample and its growth alerts.
   *
   * @param retentionDays days of samples kept (default 90)
   * @param weeklyThresholdPercent a table growing by strictly more than this over 7 days is an
   *     alert (default 50)
   * @param monthlyThresholdPercent likewise over 30 days (default 200)
   * @param sampleAt the UTC time of day of the daily sample, the built-in job {@code
   *     hollerith.table-growth}, {@code HH:MM} or {@code HH:MM:SS} (default {@code 01:00})
   */
  public record TableGrowth(
      Integer retentionDays,
      Integer weeklyThresholdPercent,
      Integer monthlyThresholdPercent,
      String sampleAt) {
    public TableGrowth {
      retentionDays = retentionDays != null ? retentionDays : 90;
      weeklyThresholdPercent = weeklyThresholdPercent != null ? weeklyThresholdPercent : 50;
      monthlyThresholdPercent = monthlyThresholdPercent != null ? monthlyThresholdPercent : 200;
      sampleAt = sampleAt != null ? sampleAt : "01:00";
    }

    /** The form with the default sample time. */
    public TableGrowth(
        Integer retentionDays, Integer weeklyThresholdPercent, Integer monthlyThresholdPercent) {
      this(retentionDays, weeklyThresholdPercent, monthlyThresholdPercent, null);
    }

    /**
     * {@link #sampleAt()} as a time of day.
     *
     * @throws IllegalArgumentException when it is not {@code HH:MM} or {@code HH:MM:SS}
     */
    public LocalTime sampleAtTime() {
      return new JobConfig.Schedule("daily", null, sampleAt).atTime();
    }
  }

  /**
   * The read-only SQL endpoint.
   *
   * @param timeout a query running longer is cancelled and answered 408 (default 10 s)
   * @param maxRows rows returned at most; more are cut off and flagged {@code truncated} (default
   *     10,000)
   * @param maxResultBytes result size returned at most, roughly the characters of its values; more
   *     rows are cut off and flagged {@code truncated}, and a single larger value is an error
   *     (default 16 MiB)
   * @param threads queries running at once, on their own threads (default 2)
   * @param maxQueued queries waiting for a thread beyond which new ones get 503 (default 1); an
   *     HTTP worker waits with each, so keep {@code threads + max_queued} below {@code
   *     http.worker_threads} (the defaults do)
   * @param postgresql the read-only role used on PostgreSQL
   */
  public record Query(
      Duration timeout,
      Integer maxRows,
      Integer maxResultBytes,
      Integer threads,
      Integer maxQueued,
      ReadOnlyRole postgresql) {
    public Query {
      timeout = timeout != null ? timeout : Duration.ofSeconds(10);
      maxRows = maxRows != null ? maxRows : 10_000;
      maxResultBytes = maxResultBytes != null ? maxResultBytes : 16 * 1024 * 1024;
      threads = threads != null ? threads : 2;
      maxQueued = maxQueued != null ? maxQueued : 1;
      postgresql = postgresql != null ? postgresql : new ReadOnlyRole(null, null, null, null, null);
    }
  }

  /**
   * A PostgreSQL role that may only {@code SELECT} the metric schema (see README: creating it).
   *
   * @param user the role's name; without it the endpoint answers 503 on PostgreSQL
   * @param password its password; prefer {@code password_env} or {@code password_file}. Never
   *     logged.
   * @param passwordEnv name of an environment variable holding the password
   * @param passwordFile path of a file holding the password (trailing newline ignored)
   * @param replicaUrl JDBC URL of a read replica to query instead of {@code storage.postgresql.url}
   */
  public record ReadOnlyRole(
      String user, String password, String passwordEnv, String passwordFile, String replicaUrl) {
    /** Never prints the password. */
    @Override
    public String toString() {
      return "ReadOnlyRole[user=" + user + ", replicaUrl=" + replicaUrl + "]";
    }
  }

  /**
   * The data-directory file listing.
   *
   * @param maxEntries entries listed per directory at most; more are cut off and flagged {@code
   *     truncated} (default 10,000)
   */
  public record Files(Integer maxEntries) {
    public Files {
      maxEntries = maxEntries != null ? maxEntries : 10_000;
    }
  }
}
