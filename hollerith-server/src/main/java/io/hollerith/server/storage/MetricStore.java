package io.hollerith.server.storage;

import io.hollerith.server.config.OpsConfig.ReadOnlyRole;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.jobs.TaskStore;
import io.hollerith.server.jobs.WorkerHeartbeats;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.snapshot.FlushSnapshot;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Durable metric history: the write side used by {@link StoreSink}, the read side every query uses
 * ({@link SeriesReader}), the persisted counter totals and gauge values that survive a restart, the
 * rollup/retention pass, and the lifecycle. Open one with {@link MetricStores}; schema migrations
 * run when it opens, and a database whose schema is newer than this binary refuses to open.
 *
 * <p>Every row carries the node that wrote it, so several Hollerith nodes can share one PostgreSQL
 * database; reads merge the nodes' partial aggregates.
 *
 * <p>Implementations are thread-safe. Writes are serialised internally (SQLite allows one writer);
 * reads run concurrently on their own connections.
 */
public interface MetricStore extends SeriesReader, AutoCloseable {

  /** {@code sqlite} or {@code postgresql}. */
  String engine();

  /** The retention policy this store rolls up and expires by. */
  RetentionPolicy retention();

  /**
   * Writes one flushed snapshot in a single transaction: its points (at the snapshot's interval as
   * resolution), new series, each counter's running total and each gauge's last value. A snapshot
   * whose points already exist for this node (a backfill, or a flush of the same interval after a
   * restart) is merged into them.
   *
   * <p>Idempotent per {@code (nodeId, writeId)}: writing the same id again (a retry after a commit
   * whose acknowledgement was lost) changes nothing and returns false.
   *
   * @param nodeId the writing node
   * @param writeId unique per snapshot of this node
   * @return true if written now, false if this id had already been written
   * @throws StoreException if the store is unavailable; nothing of the snapshot is then stored
   */
  boolean write(String nodeId, long writeId, FlushSnapshot snapshot);

  /** True if the snapshot with this id was written (ids are kept for at least a day). */
  boolean isWritten(String nodeId, long writeId);

  /**
   * The running counter totals this node had stored, to continue Prometheus {@code _total} series.
   */
  Map<MetricKey, Double> loadCounterTotals(String nodeId);

  /**
   * The last value of every gauge this node stored, with its set time, to restore gauges after a
   * restart.
   */
  List<FlushSnapshot.GaugePoint> loadGaugeValues(String nodeId);

  /**
   * Replaces this node's stored counter totals for the given counters ({@link #write} keeps them up
   * to date by itself; this is for explicit checkpoints or a reset).
   */
  void saveCounterTotals(String nodeId, Map<MetricKey, Double> totals, long atMillis);

  /**
   * Replaces this node's stored last values for the given gauges, set at {@code atMillis} (a newer
   * stored value wins).
   */
  void saveGaugeValues(String nodeId, Map<MetricKey, Double> values, long atMillis);

  /**
   * One rollup and retention pass at time {@code nowMillis}: merges complete fine buckets into the
   * next coarser resolution, re-merges coarse buckets whose sources changed late, and deletes rows
   * older than their resolution's retention. Works in small transactions so a concurrent {@link
   * #write} waits for at most one of them.
   */
  RollupReport rollup(long nowMillis);

  /**
   * The size of every table of the metric store, largest first: the measurements behind database
   * statistics and table-growth history. On SQLite this reads every page ({@code dbstat}), so call
   * it occasionally (e.g. daily), not per request.
   */
  List<TableSize> tableSizes();

  /**
   * Stores the day's sample of every table's size, overwriting an earlier sample of the same day
   * (idempotent: every node sharing a database may store the same day).
   */
  void saveTableSizes(LocalDate day, List<TableSize> sizes);

  /**
   * The stored table-size samples from {@code from} to {@code to}, both inclusive, by day then
   * table.
   */
  List<TableSizeSample> tableSizeHistory(LocalDate from, LocalDate to);

  /** Deletes the table-size samples of days before {@code day}; returns how many rows went. */
  int deleteTableSizesBefore(LocalDate day);

  /**
   * The database's own statistics, JSON-ready (maps, lists, numbers, strings, nulls): the sections
   * {@code table_stats}, {@code connections}, {@code database_size}, {@code cache_performance},
   * {@code transactions}, {@code locks}, {@code maintenance}, {@code active_queries}, {@code
   * query_performance}, {@code replication}, and {@code notes} (field → why it is null or what it
   * means on this engine). Reads every table's pages on SQLite; meant for an operator's request,
   * not for scrapes.
   */
  Map<String, Object> databaseStats();

  /**
   * Connections for ad-hoc read-only SQL over the metric data alone (see {@link ReadOnlySql}).
   *
   * @param role the read-only PostgreSQL role ({@code ops.query.postgresql}); ignored on SQLite
   * @throws IllegalArgumentException when the role's password source is configured but missing
   */
  ReadOnlySql readOnlySql(ReadOnlyRole role);

  /**
   * The store's connection pool now: {@code max_size}, {@code open}, {@code active}, {@code idle}
   * and {@code waiting} (threads waiting for a connection; on SQLite the writers waiting for the
   * one write connection), as far as the engine knows them.
   */
  Map<String, Number> connectionPool();

  /**
   * The task history of the nodes sharing this store (the scheduler's {@link
   * io.hollerith.server.jobs.TaskStore}).
   */
  TaskStore tasks();

  /** The worker heartbeats of the nodes sharing this store. */
  WorkerHeartbeats heartbeats();

  /** Releases connections. Idempotent. */
  @Override
  void close();
}
