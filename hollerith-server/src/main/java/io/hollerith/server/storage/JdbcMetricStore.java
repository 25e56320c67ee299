package io.hollerith.server.storage;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.database.SchemaException;
import io.hollerith.server.database.SchemaMigrations;
import io.hollerith.server.jobs.TaskStore;
import io.hollerith.server.jobs.WorkerHeartbeats;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.snapshot.FlushSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The SQL shared by both engines over the schema in {@code db/metrics/<engine>/}, in parts: {@link
 * SnapshotWriter} (writes), {@link PersistedValues} (counter totals and gauge values), {@link
 * SeriesReads} (reads), {@link Rollups} and {@link Retention}, and {@link SeriesIds} (the write
 * side's series-id cache, tied to the {@code series_epoch} so that expired series are never written
 * through a stale id). Subclasses supply connections ({@link #inWrite}, {@link #inRead}).
 *
 * <p>Thread-safe: the parts are. Writes from several threads are serialised by the subclass where
 * the engine needs it.
 */
abstract class JdbcMetricStore implements MetricStore {

  /** SQL work on a connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  protected final Dialect dialect;
  protected final StoreSettings settings;

  /** Counted around every write transaction by the subclasses. */
  protected final TransactionCounters transactions = new TransactionCounters();

  /** The reads and writes running now, for the database statistics' active queries. */
  protected final RunningOperations running = new RunningOperations();

  private final RetentionPolicy policy;
  private final List<Long> resolutions;

  private final SnapshotWriter writer;
  private final PersistedValues persisted;
  private final SeriesReads reads;
  private final Rollups rollups;
  private final JdbcJobRecords jobRecords = new JdbcJobRecords(this);

  JdbcMetricStore(Dialect dialect, StoreSettings settings) {
    this.dialect = dialect;
    this.settings = settings;
    this.policy = settings.retention();
    this.resolutions = policy.resolutions(settings.flushIntervalMillis());
    SeriesIds seriesIds = new SeriesIds(dialect);
    this.writer = new SnapshotWriter(this, seriesIds);
    this.persisted = new PersistedValues(this, seriesIds, writer.upsertGaugeValue);
    this.reads = new SeriesReads(this);
    this.rollups = new Rollups(this, new Retention(this, seriesIds));
  }

  @Override
  public TaskStore tasks() {
    return jobRecords;
  }

  @Override
  public WorkerHeartbeats heartbeats() {
    return jobRecords;
  }

  /**
   * Applies the metric schema migrations ({@code classpath:db/metrics/<engine>}).
   *
   * @param schema PostgreSQL schema to migrate (created if missing), or null for SQLite
   * @throws StoreException if the schema is newer than this binary or a migration fails
   */
  static void migrate(DataSource dataSource, Dialect dialect, String schema, String where) {
    try {
      SchemaMigrations.migrate(
          dataSource,
          new SchemaMigrations.Target(
              "classpath:db/metrics/" + dialect.engine,
              "flyway_schema_history",
              schema,
              "the " + dialect.engine + " metric database " + where));
    } catch (SchemaException e) {
      throw new StoreException(e.getMessage(), e.getCause() != null ? e.getCause() : e);
    }
  }

  /** Runs {@code work} in one write transaction: commits if it returns, rolls back if it throws. */
  protected abstract <T> T inWrite(String what, SqlWork<T> work);

  /**
   * Runs {@code work} on a read connection, in one read transaction where the engine supports it.
   */
  protected abstract <T> T inRead(String what, SqlWork<T> work);

  /**
   * Runs {@code work} on {@code c} (auto-commit off) and ends its transaction: commits when {@code
   * commit}, else rolls back (a read keeps nothing). If the work or the commit throws, rolls back,
   * attaching a failed rollback as suppressed, and rethrows; wrapping is the caller's.
   */
  static <T> T runAndEnd(Connection c, SqlWork<T> work, boolean commit) throws SQLException {
    try {
      T result = work.run(c);
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public String engine() {
    return dialect.engine;
  }

  @Override
  public RetentionPolicy retention() {
    return policy;
  }

  /** Stored resolutions, finest first. */
  List<Long> resolutions() {
    return resolutions;
  }

  @Override
  public void saveTableSizes(LocalDate day, List<TableSize> sizes) {
    inWrite(
        "save table sizes",
        c -> {
          TableSizeHistory.save(c, dialect, day, sizes);
          return null;
        });
  }

  @Override
  public List<TableSizeSample> tableSizeHistory(LocalDate from, LocalDate to) {
    return inRead("read table size history", c -> TableSizeHistory.read(c, dialect, from, to));
  }

  @Override
  public int deleteTableSizesBefore(LocalDate day) {
    return inWrite("delete old table sizes", c -> TableSizeHistory.deleteBefore(c, dialect, day));
  }

  /**
   * Hollerith's own counts of its write transactions (commits, rollbacks, lock waits that failed).
   */
  final TransactionCounters transactions() {
    return transactions;
  }

  @Override
  public boolean write(String nodeId, long writeId, FlushSnapshot snapshot) {
    return writer.write(nodeId, writeId, snapshot);
  }

  /**
   * How many live flushes so far compared full lists of series with the open spans, rather than
   * applying changes.
   */
  final long liveSpanFullComparisons() {
    return writer.liveSpanFullComparisons();
  }

  @Override
  public boolean isWritten(String nodeId, long writeId) {
    return persisted.isWritten(nodeId, writeId);
  }

  @Override
  public Map<MetricKey, Double> loadCounterTotals(String nodeId) {
    return persisted.loadCounterTotals(nodeId);
  }

  @Override
  public List<FlushSnapshot.GaugePoint> loadGaugeValues(String nodeId) {
    return persisted.loadGaugeValues(nodeId);
  }

  @Override
  public void saveCounterTotals(String nodeId, Map<MetricKey, Double> totals, long atMillis) {
    persisted.saveCounterTotals(nodeId, totals, atMillis);
  }

  @Override
  public void saveGaugeValues(String nodeId, Map<MetricKey, Double> values, long atMillis) {
    persisted.saveGaugeValues(nodeId, values, atMillis);
  }

  @Override
  public long finestPrecisionMillis() {
    return resolutions.get(0);
  }

  @Override
  public <T> T readSeries(MetricKey key, Function<StoredSeries, T> work) {
    return reads.readSeries(key, work);
  }

  @Override
  public List<SeriesInfo> listSeries(
      String namePrefix, MetricType type, String afterCanonicalKey, int limit) {
    return reads.listSeries(namePrefix, type, afterCanonicalKey, limit);
  }

  @Override
  public RollupReport rollup(long nowMillis) {
    return rollups.rollup(nowMillis);
  }
}
