package io.hollerith.server.config;

import java.time.Duration;

/**
 * Where history is kept.
 *
 * @param type {@code sqlite} (default: embedded, files under {@code data_dir}) or {@code
 *     postgresql}
 * @param retention Graphite-style {@code precision:duration} list, finest first; default {@code
 *     10s:7d,1m:90d,1h:5y}
 * @param maxBacklog how much flushed data may wait in memory while the store is unavailable, as a
 *     duration of flushes (default 1 h); past it the oldest snapshots are dropped and counted
 * @param postgresql connection settings, used when {@code type} is {@code postgresql}
 * @param sqliteSynchronous SQLite {@code PRAGMA synchronous}: {@code FULL} (default) or {@code
 *     NORMAL}
 * @param rollupInterval how often the rollup and retention job runs, default 1 min
 * @param rollupBatchSeries series per rollup transaction (keeps each well under one flush
 *     interval), default 200
 * @param readTimeout an HTTP read of the store ({@code /api/v1/series}, {@code /api/v1/metrics})
 *     that has no answer after this long gets 503 (default 2 s)
 */
public record StorageConfig(
    String type,
    String retention,
    Duration maxBacklog,
    Postgresql postgresql,
    String sqliteSynchronous,
    Duration rollupInterval,
    Integer rollupBatchSeries,
    Duration readTimeout) {
  public StorageConfig {
    type = type != null ? type : "sqlite";
    retention = retention != null ? retention : "10s:7d,1m:90d,1h:5y";
    maxBacklog = maxBacklog != null ? maxBacklog : Duration.ofHours(1);
    postgresql =
        postgresql != null ? postgresql : new Postgresql(null, null, null, null, null, null, null);
    sqliteSynchronous = sqliteSynchronous != null ? sqliteSynchronous : "FULL";
    rollupInterval = rollupInterval != null ? rollupInterval : Duration.ofMinutes(1);
    rollupBatchSeries = rollupBatchSeries != null ? rollupBatchSeries : 200;
    readTimeout = readTimeout != null ? readTimeout : Duration.ofSeconds(2);
  }

  /** The original four-setting form; the newer settings take their defaults. */
  public StorageConfig(String type, String retention, Duration maxBacklog, Postgresql postgresql) {
    this(type, retention, maxBacklog, postgresql, null, null, null, null);
  }

  /**
   * The PostgreSQL connection.
   *
   * @param url JDBC URL, e.g. {@code jdbc:postgresql://db:5432/hollerith}
   * @param user database user
   * @param password the password; prefer {@code password_env} or {@code password_file}. Never
   *     logged.
   * @param passwordEnv name of an environment variable holding the password
   * @param passwordFile path of a file holding the password (trailing newline ignored)
   * @param poolSize connection pool size, default 4
   * @param schema schema holding the metric tables, default {@code hollerith}; the credentials of
   *     the same fleet live in {@code <schema>_auth}, so a read-only role can be granted this
   *     schema alone, and fleets with different schemas on one database keep their data and users
   *     apart
   */
  public record Postgresql(
      String url,
      String user,
      String password,
      String passwordEnv,
      String passwordFile,
      Integer poolSize,
      String schema) {
    public Postgresql {
      poolSize = poolSize != null ? poolSize : 4;
      schema = schema != null ? schema : "hollerith";
    }

    /** The original six-setting form; {@code schema} takes its default. */
    public Postgresql(
        String url,
        String user,
        String password,
        String passwordEnv,
        String passwordFile,
        Integer poolSize) {
      this(url, user, password, passwordEnv, passwordFile, poolSize, null);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
      return "Postgresql[url="
          + url
          + ", user="
          + user
          + ", poolSize="
          + poolSize
          + ", schema="
          + schema
          + "]";
    }
  }
}
