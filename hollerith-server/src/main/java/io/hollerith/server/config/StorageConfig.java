package io.hollerith.server.config;

/**
 * Where history is kept.
 *
 * @param type {@code sqlite} (default: embedded, files under {@code data_dir}) or {@code postgresql}
 * @param retention Graphite-style {@code precision:duration} list, finest first; default {@code 10s:7d,1m:90d,1h:5y}
 * @param maxBacklog how much flushed data may wait in memory while the store is unavailable, as a
 *     duration of flushes (default 1 h); past it the oldest snapshots are dropped and counted
 * @param postgresql connection settings, used when {@code type} is {@code postgresql}
 */
public record StorageConfig(String type, String retention, java.time.Duration maxBacklog, Postgresql postgresql) {
  public StorageConfig {
    type = type != null ? type : "sqlite";
    retention = retention != null ? retention : "10s:7d,1m:90d,1h:5y";
    maxBacklog = maxBacklog != null ? maxBacklog : java.time.Duration.ofHours(1);
    postgresql = postgresql != null ? postgresql : new Postgresql(null, null, null, null, null, null);
  }

  /**
   * @param url JDBC URL, e.g. {@code jdbc:postgresql://db:5432/hollerith}
   * @param user database user
   * @param password the password; prefer {@code password_env} or {@code password_file}. Never logged.
   * @param passwordEnv name of an environment variable holding the password
   * @param passwordFile path of a file holding the password (trailing newline ignored)
   * @param poolSize connection pool size, default 4
   */
  public record Postgresql(
      String url, String user, String password, String passwordEnv, String passwordFile, Integer poolSize) {
    public Postgresql {
      poolSize = poolSize != null ? poolSize : 4;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
      return "Postgresql[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
  }
}
