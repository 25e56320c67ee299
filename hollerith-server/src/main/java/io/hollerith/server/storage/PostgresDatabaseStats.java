package io.hollerith.server.storage;

import static io.hollerith.server.storage.DatabaseStatsSections.percent;
import static io.hollerith.server.storage.DatabaseStatsSections.section;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database statistics of the PostgreSQL store, from the statistics views. The index hit ratio
 * is summed over all indexes, table sizes are the metric schema's, and the counters are those of
 * the current database. Stateless.
 */
final class PostgresDatabaseStats {

  private PostgresDatabaseStats() {}

  static Map<String, Object> collect(Connection c, List<TableSize> sizes, TransactionCounters own)
      throws SQLException {
    Report r = new Report();
    r.add(
        "table_stats",
        DatabaseStatsSections.tableStats(sizes),
        "the metric schema's tables; external_size is indexes and TOAST");
    r.add(
        "connections",
        connections(c),
        "client backends of the whole server; utilization_percent excludes waiting");
    r.add(
        "database_size",
        databaseSize(c, sizes),
        "total_size_bytes is the whole database: it includes the"
            + " credential schema (the metric schema's name + _auth) and system catalogs; metric_schema_size_bytes is"
            + " the metric tables alone");
    r.add(
        "cache_performance",
        cachePerformance(c),
        "ratios in percent, null before any block was read;"
            + " shared_buffers and effective_cache_size are pg_settings values in 8 kB pages");
    r.add(
        "transactions",
        transactions(c, own),
        "the database's counters since its statistics were reset;"
            + " hollerith_* and busy count this node's own write transactions since it started");
    r.add(
        "locks",
        row(
            c,
            "SELECT COUNT(*) AS total_locks, COUNT(*) FILTER (WHERE NOT granted) AS waiting_locks,"
                + " COUNT(*) FILTER (WHERE mode = 'AccessExclusiveLock') AS access_exclusive_locks FROM pg_locks"),
        null);
    r.add("maintenance", maintenance(c), null);
    r.note(
        "maintenance.oldest_transaction_age",
        "transactions (XIDs) since the database's frozen horizon,"
            + " the wraparound distance, not a time");
    r.note(
        "maintenance.dead_tuple_ratio_percent",
        "null while the statistics count no tuple at all; they"
            + " are collected asynchronously and may lag recent writes by a second or so");
    r.add(
        "active_queries",
        activeQueries(c),
        "count covers every active query; queries lists the ten oldest");
    r.add("query_performance", queryPerformance(c), null);
    r.note(
        "query_performance.index_scan_ratio_percent",
        "null while the statistics count no scan at all; they"
            + " are collected asynchronously and may lag recent queries by a second or so");
    r.add(
        "replication",
        row(
            c,
            "SELECT pg_is_in_recovery() AS is_replica,"
                + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') END AS wal_bytes,"
                + " CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())"
                + " ELSE NULL END AS replication_lag_bytes,"
                + " (SELECT COUNT(*) FROM pg_stat_replication) AS replicas"),
        "wal_bytes on a primary, replication_lag_bytes on a replica, the other null");
    return r.finish();
  }

  /** The sections in order, each with its optional note, and the notes last under {@code notes}. */
  private static final class Report {
    private final Map<String, Object> out = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    void add(String name, Object section, String note) {
      out.put(name, section);
      if (note != null) {
        note(name, note);
      }
    }

    void note(String key, String text) {
      notes.put(key, text);
    }

    Map<String, Object> finish() {
      out.put("notes", notes);
      return out;
    }
  }

  private static Map<String, Object> connections(Connection c) throws SQLException {
    Map<String, Object> conn =
        row(
            c,
            "SELECT COUNT(*) FILTER (WHERE state = 'active') AS active,"
                + " COUNT(*) FILTER (WHERE state = 'idle') AS idle,"
                + " COUNT(*) FILTER (WHERE state = 'idle in transaction') AS idle_in_transaction,"
                + " COUNT(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting,"
                + " (SELECT setting::int FROM pg_settings WHERE name = 'max_connections') AS max_connections"
                + " FROM pg_stat_activity WHERE backend_type = 'client backend'");
    long used = num(conn, "active") + num(conn, "idle") + num(conn, "idle_in_transaction");
    Double utilization = percent((double) used, (double) num(conn, "max_connections"), 2);
    conn.put("utilization_percent", utilization == null ? 0.0 : utilization);
    return conn;
  }

  private static Map<String, Object> databaseSize(Connection c, List<TableSize> sizes)
      throws SQLException {
    Map<String, Object> size =
        row(
            c,
            "SELECT current_database() AS database_name,"
                + " pg_database_size(current_database()) AS total_size_bytes,"
                + " (SELECT COALESCE(SUM(pg_relation_size(oid)), 0) FROM pg_class WHERE relkind = 'r') AS data_size_bytes,"
                + " (SELECT COALESCE(SUM(pg_relation_size(oid)), 0) FROM pg_class WHERE relkind = 'i') AS index_size_bytes");
    size.put("metric_schema_size_bytes", sizes.stream().mapToLong(TableSize::totalBytes).sum());
    return size;
  }

  private static Map<String, Object> cachePerformance(Connection c) throws SQLException {
    Map<String, Object> cache =
        row(
            c,
            "SELECT CASE WHEN blks_hit + blks_read = 0 THEN NULL"
                + " ELSE ROUND(100.0 * blks_hit / (blks_hit + blks_read), 2) END AS buffer_cache_hit_ratio,"
                + " (SELECT setting FROM pg_settings WHERE name = 'shared_buffers') AS shared_buffers,"
                + " (SELECT setting FROM pg_settings WHERE name = 'effective_cache_size') AS effective_cache_size"
                + " FROM pg_stat_database WHERE datname = current_database()");
    cache.putAll(
        row(
            c,
            "SELECT CASE WHEN COALESCE(SUM(idx_blks_hit + idx_blks_read), 0) = 0 THEN NULL"
                + " ELSE ROUND(100.0 * SUM(idx_blks_hit) / SUM(idx_blks_hit + idx_blks_read), 2) END AS index_hit_ratio"
                + " FROM pg_statio_user_indexes"));
    return cache;
  }

  private static Map<String, Object> transactions(Connection c, TransactionCounters own)
      throws SQLException {
    Map<String, Object> tx =
        row(
            c,
            "SELECT xact_commit AS committed, xact_rollback AS rolled_back, deadlocks,"
                + " CASE WHEN xact_commit + xact_rollback = 0 THEN 0"
                + " ELSE ROUND(100.0 * xact_rollback / (xact_commit + xact_rollback), 4) END AS rollback_ratio_percent"
                + " FROM pg_stat_database WHERE datname = current_database()");
    tx.put("hollerith_committed", own.commits());
    tx.put("hollerith_rolled_back", own.rollbacks());
    tx.put("busy", own.busy());
    return tx;
  }

  private static Map<String, Object> maintenance(Connection c) throws SQLException {
    Map<String, Object> maint =
        row(
            c,
            "SELECT (SELECT age(datfrozenxid) FROM pg_database"
                + " WHERE datname = current_database()) AS oldest_transaction_age,"
                + " COUNT(*) FILTER (WHERE n_dead_tup > n_live_tup * 0.1 AND n_live_tup > 0) AS tables_needing_vacuum,"
                + " COALESCE(SUM(n_dead_tup), 0) AS total_dead_tuples, COALESCE(SUM(n_live_tup), 0) AS total_live_tuples"
                + " FROM pg_stat_user_tables");
    maint.put(
        "dead_tuple_ratio_percent",
        percent(
            (double) num(maint, "total_dead_tuples"),
            (double) (num(maint, "total_dead_tuples") + num(maint, "total_live_tuples")),
            2));
    return maint;
  }

  private static Map<String, Object> activeQueries(Connection c) throws SQLException {
    List<Map<String, Object>> queries =
        rows(
            c,
            "SELECT pid, EXTRACT(EPOCH FROM (now() - query_start))::float8"
                + " AS duration_seconds, state, wait_event_type, LEFT(query, "
                + DatabaseStatsSections.PREVIEW_CHARS
                + ") AS query_preview FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()"
                + " AND backend_type = 'client backend' ORDER BY query_start ASC");
    double longest = 0;
    long onLocks = 0;
    for (Map<String, Object> q : queries) {
      longest =
          Math.max(
              longest,
              q.get("duration_seconds") == null
                  ? 0
                  : ((Number) q.get("duration_seconds")).doubleValue());
      onLocks += "Lock".equals(q.get("wait_event_type")) ? 1 : 0;
    }
    return section(
        "count",
        queries.size(),
        "longest_duration_seconds",
        longest,
        "waiting_on_locks",
        onLocks,
        "queries",
        queries.subList(0, Math.min(DatabaseStatsSections.TOP, queries.size())));
  }

  private static Map<String, Object> queryPerformance(Connection c) throws SQLException {
    Map<String, Object> perf =
        row(
            c,
            "SELECT COALESCE(SUM(seq_scan), 0) AS seq_scan_count,"
                + " COALESCE(SUM(seq_tup_read), 0) AS seq_scan_rows, COALESCE(SUM(idx_scan), 0) AS index_scan_count,"
                + " COALESCE(SUM(idx_tup_fetch), 0) AS index_scan_rows FROM pg_stat_user_tables");
    perf.put(
        "index_scan_ratio_percent",
        percent(
            (double) num(perf, "index_scan_count"),
            (double) (num(perf, "index_scan_count") + num(perf, "seq_scan_count")),
            2));
    perf.putAll(
        row(
            c,
            "SELECT COALESCE(temp_files, 0) AS temp_files_count, COALESCE(temp_bytes, 0)"
                + " AS temp_files_bytes FROM pg_stat_database WHERE datname = current_database()"));
    return perf;
  }

  private static long num(Map<String, Object> row, String key) {
    Object v = row.get(key);
    return v instanceof Number n ? n.longValue() : 0;
  }

  private static Map<String, Object> row(Connection c, String sql) throws SQLException {
    List<Map<String, Object>> rows = rows(c, sql);
    return rows.isEmpty() ? new LinkedHashMap<>() : rows.get(0);
  }

  private static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (var st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          m.put(md.getColumnLabel(i), plain(rs.getObject(i)));
        }
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Integral decimals become longs, other decimals doubles; anything else as the driver gives it.
   */
  static Object plain(Object v) {
    if (v instanceof BigDecimal d) {
      return d.stripTrailingZeros().scale() <= 0
          ? (Object) d.longValue()
          : (Object) d.doubleValue();
    }
    return v;
  }
}
