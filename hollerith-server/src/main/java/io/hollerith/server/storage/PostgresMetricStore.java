package io.hollerith.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hollerith.server.config.OpsConfig.ReadOnlyRole;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.database.DatabaseBootstrap;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared store: PostgreSQL through a HikariCP pool, metric tables in their own schema (default
 * {@code hollerith}; the fleet's credentials live in {@code <schema>_auth}). Several nodes may
 * write to one database: every row carries the writer's node id, so nodes never update each other's
 * rows and need no coordination beyond the series table's unique key.
 *
 * <p>Writes and reads both take pooled connections; PostgreSQL's MVCC lets them run concurrently,
 * so no process-wide write lock is needed. A short connection timeout makes an outage surface as a
 * {@link StoreException} quickly, so {@link StoreSink} can queue and retry.
 *
 * <p>Thread-safe.
 */
final class PostgresMetricStore extends JdbcMetricStore {

  private final HikariDataSource pool;
  private final String where;

  /** Advisory lock key for rollups in this schema: one node of a fleet rolls up at a time. */
  private final long rollupLockKey;

  private final String url;
  private final String schema;

  private PostgresMetricStore(
      HikariDataSource pool, String where, String url, String schema, StoreSettings settings) {
    super(Dialect.POSTGRESQL, settings);
    this.pool = pool;
    this.url = url;
    this.schema = schema;
    this.where = where;
    this.rollupLockKey = (0x486F6C6CL << 32) | (schema.hashCode() & 0xFFFFFFFFL);
  }

  /**
   * Connects, creates the schema if needed and applies migrations.
   *
   * @throws StoreException if the database is unreachable or its schema is newer than this binary
   * @throws IllegalArgumentException if the settings are incomplete (no URL, unreadable password
   *     file)
   */
  static PostgresMetricStore open(StorageConfig.Postgresql pg, StoreSettings settings) {
    if (!pg.schema().matches("[A-Za-z_][A-Za-z0-9_]{0,57}")) {
      // 58 characters at most, so that the credential schema <schema>_auth fits PostgreSQL's 63.
      throw new IllegalArgumentException(
          "storage.postgresql.schema must be a plain identifier of at most 58"
              + " characters, got '"
              + pg.schema()
              + "'");
    }
    HikariConfig hc = DatabaseBootstrap.postgresPool("hollerith-metrics", pg);
    hc.setMaximumPoolSize(pg.poolSize());
    hc.setSchema(pg.schema());
    // Batches of INSERTs go to the server as multi-row INSERTs: several times fewer round trips.
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    hc.setAutoCommit(false);
    hc.setConnectionTimeout(5_000);
    hc.setValidationTimeout(2_000);
    String where = redact(pg.url()) + " (schema " + pg.schema() + ")";
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to the PostgreSQL metric database " + where + ": " + e.getMessage(), e);
    }
    try {
      migrate(pool, Dialect.POSTGRESQL, pg.schema(), where);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new PostgresMetricStore(pool, where, pg.url(), pg.schema(), settings);
  }

  /** The URL without a {@code password=} parameter, for messages. */
  static String redact(String url) {
    return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***");
  }

  /**
   * Runs the pass only if no other node sharing this database is running one (a session advisory
   * lock held on its own connection for the pass); otherwise returns an empty report at once.
   * Passes are idempotent, so this only saves duplicate work.
   */
  @Override
  public RollupReport rollup(long nowMillis) {
    try (Connection lock = pool.getConnection()) {
      boolean held;
      try (var ps = lock.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        ps.setLong(1, rollupLockKey);
        try (var rs = ps.executeQuery()) {
          held = rs.next() && rs.getBoolean(1);
        }
      }
      lock.commit();
      if (!held) {
        return new RollupReport(0, 0, 0, 0, 0, 0, 0);
      }
      try {
        return super.rollup(nowMillis);
      } finally {
        try (var ps = lock.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          ps.setLong(1, rollupLockKey);
          ps.executeQuery().close();
        }
        lock.commit();
      }
    } catch (SQLException e) {
      throw new StoreException(
          "PostgreSQL metric store " + where + ": rollup lock failed: " + e.getMessage(), e);
    }
  }

  @Override
  protected <T> T inWrite(String what, SqlWork<T> work) {
    return run(what, work, true);
  }

  @Override
  protected <T> T inRead(String what, SqlWork<T> work) {
    return run(what, work, false);
  }

  private <T> T run(String what, SqlWork<T> work, boolean commit) {
    long operation = running.begin(what, commit);
    try (Connection c = pool.getConnection()) {
      T result = runAndEnd(c, work, commit);
      if (commit) {
        transactions.committed();
      }
      return result;
    } catch (StoreException | IllegalArgumentException e) {
      if (commit) {
        transactions.failed(e, true);
      }
      throw e;
    } catch (SQLException | RuntimeException e) {
      if (commit) {
        transactions.failed(e, true);
      }
      throw new StoreException(
          "PostgreSQL metric store " + where + ": " + what + " failed: " + e.getMessage(),
          e,
          StoreException.isRetryable(e));
    } finally {
      running.end(operation);
    }
  }

  @Override
  public Map<String, Number> connectionPool() {
    Map<String, Number> m = new LinkedHashMap<>();
    m.put("max_size", pool.getMaximumPoolSize());
    var bean = pool.getHikariPoolMXBean();
    if (bean != null) {
      m.put("open", bean.getTotalConnections());
      m.put("active", bean.getActiveConnections());
      m.put("idle", bean.getIdleConnections());
      m.put("waiting", bean.getThreadsAwaitingConnection());
    }
    return m;
  }

  @Override
  public List<TableSize> tableSizes() {
    return inRead(
        "measure tables",
        c -> {
          List<TableSize> out = new ArrayList<>();
          try (var st = c.createStatement();
              var rs =
                  st.executeQuery(
                      "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid),"
                          + " COALESCE(s.n_live_tup, 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                          + " LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
                          + " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                          + " ORDER BY pg_total_relation_size(c.oid) DESC, c.relname")) {
            while (rs.next()) {
              out.add(new TableSize(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
            }
          }
          return out;
        });
  }

  @Override
  public ReadOnlySql readOnlySql(ReadOnlyRole role) {
    return new PostgresReadOnlySql(url, schema, role);
  }

  @Override
  public Map<String, Object> databaseStats() {
    List<TableSize> sizes = tableSizes();
    return inRead(
        "database statistics", c -> PostgresDatabaseStats.collect(c, sizes, transactions));
  }

  @Override
  public void close() {
    pool.close();
  }
}
