package io.hollerith.server.storage;

import static io.hollerith.server.storage.DatabaseStatsSections.percent;
import static io.hollerith.server.storage.DatabaseStatsSections.section;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database statistics of the SQLite store: PostgreSQL's sections filled with SQLite's real
 * equivalents (dbstat sizes, page and freelist counts, the WAL, Hollerith's own connection pool,
 * transaction counters and running operations). A field SQLite has no equivalent for is null, and
 * {@code notes} says why.
 */
final class SqliteDatabaseStats {

  /** A freelist above this share of the file's pages makes {@code VACUUM} worth running. */
  static final double VACUUM_FREELIST_PERCENT = 10.0;

  /**
   * What the store measured; {@code checkpoint} is {@code busy, WAL frames, checkpointed frames}.
   */
  record Facts(
      String fileName,
      List<TableSize> sizes,
      long pageSize,
      long pageCount,
      long freelistCount,
      long cacheSize,
      long walBytes,
      long[] checkpoint,
      int maxConnections,
      int activeReaders,
      int idleReaders,
      boolean writerBusy,
      int waitingWriters,
      long commits,
      long rollbacks,
      long busy,
      List<RunningOperations.Operation> running,
      long nowNanos) {}

  private SqliteDatabaseStats() {}

  static Map<String, Object> build(Facts f) {
    Map<String, String> notes = new LinkedHashMap<>();
    long data = 0;
    long total = 0;
    long rows = 0;
    for (TableSize t : f.sizes()) {
      data += t.dataBytes();
      total += t.totalBytes();
      rows += t.rowEstimate();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("table_stats", DatabaseStatsSections.tableStats(f.sizes()));

    int active = f.activeReaders() + (f.writerBusy() ? 1 : 0);
    out.put(
        "connections",
        section(
            "active",
            active,
            "idle",
            f.idleReaders() + (f.writerBusy() ? 0 : 1),
            "idle_in_transaction",
            null,
            "waiting",
            f.waitingWriters(),
            "max_connections",
            f.maxConnections(),
            "utilization_percent",
            percent(active, f.maxConnections(), 2)));
    notes.put(
        "connections",
        "Hollerith's own connections to the file: one writer and up to "
            + (f.maxConnections() - 1)
            + " readers; waiting counts threads queued for the writer");
    notes.put(
        "connections.idle_in_transaction",
        "Hollerith never keeps a transaction open between operations");

    out.put(
        "database_size",
        section(
            "database_name",
            f.fileName(),
            "total_size_bytes",
            f.pageSize() * f.pageCount(),
            "data_size_bytes",
            data,
            "index_size_bytes",
            total - data,
            "page_size_bytes",
            f.pageSize(),
            "page_count",
            f.pageCount(),
            "freelist_pages",
            f.freelistCount(),
            "wal_size_bytes",
            f.walBytes()));
    notes.put(
        "database_size",
        "total_size_bytes is the main file (page_count × page_size) without its WAL;"
            + " the credential store is a separate file (auth.db) and not included");

    out.put(
        "cache_performance",
        section(
            "buffer_cache_hit_ratio",
            null,
            "index_hit_ratio",
            null,
            "cache_size",
            Long.toString(f.cacheSize()),
            "page_size",
            Long.toString(f.pageSize())));
    notes.put(
        "cache_performance.buffer_cache_hit_ratio",
        "SQLite keeps page-cache hit counts per connection"
            + " in C (sqlite3_db_status) and the JDBC driver does not expose them");
    notes.put("cache_performance.index_hit_ratio", "as buffer_cache_hit_ratio");
    notes.put(
        "cache_performance.cache_size",
        "PRAGMA cache_size: pages when positive, KiB when negative");

    out.put(
        "transactions",
        section(
            "committed",
            f.commits(),
            "rolled_back",
            f.rollbacks(),
            "busy",
            f.busy(),
            "deadlocks",
            0,
            "rollback_ratio_percent",
            f.commits() + f.rollbacks() == 0
                ? 0.0
                : percent((double) f.rollbacks(), (double) (f.commits() + f.rollbacks()), 4)));
    notes.put(
        "transactions",
        "Hollerith's own write transactions since this node started;"
            + " busy counts those that failed because the file stayed locked");
    notes.put(
        "transactions.deadlocks",
        "SQLite has one writer at a time and takes its lock up front"
            + " (BEGIN IMMEDIATE), so it cannot deadlock");

    out.put(
        "locks",
        section(
            "total_locks",
            f.writerBusy() ? 1 : 0,
            "waiting_locks",
            f.waitingWriters(),
            "access_exclusive_locks",
            null));
    notes.put(
        "locks", "the single write lock: held (1) or not (0), and the writers waiting for it");
    notes.put("locks.access_exclusive_locks", "SQLite has no lock modes per table");

    double freelistPercent =
        f.pageCount() == 0 ? 0 : percent((double) f.freelistCount(), (double) f.pageCount(), 2);
    out.put(
        "maintenance",
        section(
            "oldest_transaction_age",
            null,
            "tables_needing_vacuum",
            null,
            "total_dead_tuples",
            null,
            "total_live_tuples",
            rows,
            "dead_tuple_ratio_percent",
            null,
            "freelist_percent",
            freelistPercent,
            "vacuum_recommended",
            freelistPercent > VACUUM_FREELIST_PERCENT,
            "wal_checkpoint",
            section(
                "busy",
                f.checkpoint()[0] != 0,
                "wal_frames",
                f.checkpoint()[1],
                "checkpointed_frames",
                f.checkpoint()[2])));
    notes.put("maintenance.oldest_transaction_age", "SQLite has no transaction ids to wrap around");
    notes.put(
        "maintenance.tables_needing_vacuum",
        "SQLite frees deleted rows' space at once; only the whole"
            + " file is vacuumed: see freelist_percent and vacuum_recommended (above "
            + VACUUM_FREELIST_PERCENT
            + " %)");
    notes.put("maintenance.total_dead_tuples", "SQLite keeps no dead row versions");
    notes.put("maintenance.dead_tuple_ratio_percent", "as total_dead_tuples");
    notes.put(
        "maintenance.wal_checkpoint",
        "a passive checkpoint's report: WAL frames and how many of them"
            + " are copied into the main file");

    out.put("active_queries", DatabaseStatsSections.activeQueries(f.running(), f.nowNanos()));
    notes.put(
        "active_queries", "Hollerith's own store operations in flight; pid is the thread's name");

    out.put(
        "query_performance",
        section(
            "seq_scan_count",
            null,
            "seq_scan_rows",
            null,
            "index_scan_count",
            null,
            "index_scan_rows",
            null,
            "temp_files_count",
            null,
            "temp_files_bytes",
            null));
    notes.put("query_performance", "SQLite keeps no scan or temporary-file counters");

    out.put(
        "replication",
        section("is_replica", false, "wal_bytes", f.walBytes(), "replication_lag_bytes", null));
    notes.put(
        "replication.replication_lag_bytes",
        "SQLite has no replication; wal_bytes is the WAL file's size");
    out.put("notes", notes);
    return out;
  }
}
