package io.hollerith.server.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import io.hollerith.server.sketch.MalformedSketchException;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL shared by both engines: writes, reads, totals and rollups over the schema in
 * {@code db/metrics/<engine>/}. Subclasses supply connections ({@link #inWrite}, {@link #inRead}).
 *
 * <p>Thread-safe: the id caches are concurrent maps, and values staged during a transaction reach
 * them only after it commits (a rolled-back insert must not leave a cached id behind; SQLite reuses
 * rowids). Writes from several threads are serialised by the subclass where the engine needs it.
 *
 * <p><b>Series expiry and cached ids.</b> The retention pass deletes series whose {@code last_seen}
 * is older than the longest retention (plus the last-seen granularity), with their points, totals and
 * gauge values. Cached series ids (here and in every other node sharing the database) would then
 * point at deleted rows, or on SQLite at a reused rowid. So the cache is tied to the
 * {@code series_epoch} row: the expiry transaction first bumps it (an exclusive row lock on
 * PostgreSQL, waiting for write transactions in flight), then deletes the series and every row that
 * refers to them (a fresh snapshot, so it sees what those writes committed). Every write transaction
 * first reads the epoch ({@code FOR SHARE} on PostgreSQL; SQLite write transactions are
 * {@code BEGIN IMMEDIATE}, so exclusive anyway) and, if it moved, starts from an empty cache for the new
 * epoch and resolves its series again by key, recreating the deleted ones. A write therefore either
 * commits before the deletion (which then removes what it wrote, only if the series still qualifies)
 * or starts after it with fresh ids: no point or total can refer to a deleted id, and no node keeps
 * using one. The cost is one row read per write, and one re-resolution of the series after a pass that
 * deleted some (at most hourly). Reads look series up by key, not through the cache.
 */
abstract class JdbcMetricStore implements MetricStore {

  private static final Logger log = LoggerFactory.getLogger(JdbcMetricStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code series.last_seen} is rewritten at most this often per series, to keep flush writes small. */
  static final long LAST_SEEN_GRANULARITY_MILLIS = 60_000L;

  /** Rollup lag beyond the source resolution, for flushes still queued or in flight. */
  static final long MIN_ROLLUP_GRACE_MILLIS = 30_000L;

  /** Target number of source rows per series in one rollup read. */
  private static final long SOURCE_ROWS_PER_CHUNK = 360;

  /** Retention deletes run at most this often. */
  static final long EXPIRY_EVERY_MILLIS = 3_600_000L;

  /** Write-log rows (idempotency of retried writes) are kept this long. */
  static final long WRITE_LOG_KEEP_MILLIS = 86_400_000L;

  /** Dirty buckets re-rolled per pass at most. */
  private static final int MAX_DIRTY_PER_PASS = 10_000;

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

  /** Series ids and last-seen marks valid for one {@code series_epoch}; replaced when the epoch moves. */
  private final AtomicReference<SeriesCache> seriesCache = new AtomicReference<>(new SeriesCache(-1));
  private final ConcurrentHashMap<String, Integer> nodeIds = new ConcurrentHashMap<>();
  private volatile long lastExpiryMillis = Long.MIN_VALUE;
  /** Rollup transaction size; halved when a transaction takes more than a quarter flush interval. */
  private volatile int rollupBatch;

  private final String upsertCounter;
  private final String upsertGauge;
  private final String upsertCounterTotal;
  private final String upsertGaugeValue;
  private final String touchSeries;
  private final String markSampled;
  private final JdbcJobRecords jobRecords = new JdbcJobRecords(this);

  JdbcMetricStore(Dialect dialect, StoreSettings settings) {
    this.dialect = dialect;
    this.settings = settings;
    this.policy = settings.retention();
    this.resolutions = policy.resolutions(settings.flushIntervalMillis());
    this.rollupBatch = settings.rollupBatchSeries();
    String pk = " ON CONFLICT (series_id, res, ts, node_id) DO UPDATE SET ";
    upsertCounter = "INSERT INTO counter_points (series_id, res, ts, node_id, count) VALUES (?, ?, ?, ?, ?)"
        + pk + "count = counter_points.count + excluded.count";
    upsertGauge = "INSERT INTO gauge_points (series_id, res, ts, node_id, last, min, max, updated, set_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" + pk
        + "last = CASE WHEN excluded.set_at >= gauge_points.set_at THEN excluded.last ELSE gauge_points.last END, "
        + "min = " + dialect.least("gauge_points.min", "excluded.min") + ", "
        + "max = " + dialect.greatest("gauge_points.max", "excluded.max") + ", "
        + "updated = " + dialect.greatest + "(gauge_points.updated, excluded.updated), "
        + "set_at = " + dialect.greatest + "(gauge_points.set_at, excluded.set_at)";
    upsertCounterTotal = "INSERT INTO counter_totals (series_id, node_id, total, updated) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (series_id, node_id) DO UPDATE SET total = counter_totals.total + excluded.total, "
        + "updated = " + dialect.greatest + "(counter_totals.updated, excluded.updated)";
    upsertGaugeValue = "INSERT INTO gauge_values (series_id, node_id, value, updated, set_at) VALUES (?, ?, ?, ?, ?)"
        + " ON CONFLICT (series_id, node_id) DO UPDATE SET value = excluded.value, updated = excluded.updated,"
        + " set_at = excluded.set_at WHERE excluded.updated >= gauge_values.updated";
    markSampled = "UPDATE series SET last_sample = " + dialect.greatest + "(last_sample, ?) WHERE id = ?";
    touchSeries = "UPDATE series SET last_seen = " + dialect.greatest + "(last_seen, ?), first_seen = "
        + dialect.least + "(first_seen, ?) WHERE id = ?";
  }

  @Override
  public io.hollerith.server.jobs.TaskStore tasks() {
    return jobRecords;
  }

  @Override
  public io.hollerith.server.jobs.WorkerHeartbeats heartbeats() {
    return jobRecords;
  }

  /** Runs {@code work} in one write transaction: commits if it returns, rolls back if it throws. */
  protected abstract <T> T inWrite(String what, SqlWork<T> work);

  /** Runs {@code work} on a read connection, in one read transaction where the engine supports it. */
  protected abstract <T> T inRead(String what, SqlWork<T> work);

  /**
   * Runs {@code work} on {@code c} (auto-commit off) and ends its transaction: commits when
   * {@code commit}, else rolls back (a read keeps nothing). If the work or the commit throws, rolls
   * back, attaching a failed rollback as suppressed, and rethrows; wrapping is the caller's.
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
  public void saveTableSizes(java.time.LocalDate day, List<TableSize> sizes) {
    inWrite("save table sizes", c -> {
      TableSizeHistory.save(c, dialect, day, sizes);
      return null;
    });
  }

  @Override
  public List<TableSizeSample> tableSizeHistory(java.time.LocalDate from, java.time.LocalDate to) {
    return inRead("read table size history", c -> TableSizeHistory.read(c, dialect, from, to));
  }

  @Override
  public int deleteTableSizesBefore(java.time.LocalDate day) {
    return inWrite("delete old table sizes", c -> TableSizeHistory.deleteBefore(c, dialect, day));
  }

  /** Hollerith's own counts of its write transactions (commits, rollbacks, lock waits that failed). */
  final TransactionCounters transactions() {
    return transactions;
  }

  // ------------------------------------------------------------------ writes

  @Override
  public boolean write(String nodeId, long writeId, FlushSnapshot s) {
    // One statement may not upsert the same row twice (PostgreSQL refuses), so a series listed twice
    // in one snapshot is merged here: counts add, the later gauge value wins. A non-finite value
    // (SQLite would store NULL and refuse the row) is left out, so it cannot sink the whole flush.
    // Of a gauge listed twice, the value set later is kept.
    List<FlushSnapshot.CounterPoint> counters = dedupeCounters(s.counters());
    List<FlushSnapshot.GaugePoint> gauges = dedupeGauges(s.gauges());
    Map<String, Long> stagedSeries = new HashMap<>();
    Map<String, Integer> stagedNodes = new HashMap<>();
    Map<Long, Long> stagedSeen = new HashMap<>();
    Map<Long, Long> stagedSampled = new HashMap<>();
    SeriesCache[] cacheUsed = new SeriesCache[1];
    boolean applied = inWrite("write snapshot", c -> {
      SeriesCache cache = seriesCache(c);
      cacheUsed[0] = cache;
      int node = nodeId(c, nodeId, stagedNodes);
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM write_log WHERE node_id = ? AND write_id = ?")) {
        ps.setInt(1, node);
        ps.setLong(2, writeId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      long res = s.intervalMillis();
      long ts = s.intervalStartMillis();
      long end = s.intervalEndMillis();
      long[] counterIds = seriesIds(c, cache, keys(counters, FlushSnapshot.CounterPoint::key), MetricType.COUNTER, ts, stagedSeries);
      long[] gaugeIds = seriesIds(c, cache, keys(gauges, FlushSnapshot.GaugePoint::key), MetricType.GAUGE, ts, stagedSeries);
      long[] timerIds = seriesIds(c, cache, keys(s.timers(), FlushSnapshot.TimerPoint::key), MetricType.TIMER, ts, stagedSeries);
      long[] setIds = seriesIds(c, cache, keys(s.sets(), FlushSnapshot.SetPoint::key), MetricType.SET, ts, stagedSeries);

      if (!counters.isEmpty()) {
        try (PreparedStatement points = c.prepareStatement(upsertCounter);
            PreparedStatement totals = c.prepareStatement(upsertCounterTotal)) {
          for (int i = 0; i < counterIds.length; i++) {
            double count = counters.get(i).count();
            setKey(points, counterIds[i], res, ts, node);
            points.setDouble(5, count);
            points.addBatch();
            totals.setLong(1, counterIds[i]);
            totals.setInt(2, node);
            // The running total is Prometheus' _total, which cannot go down: a negative interval adds nothing.
            totals.setDouble(3, Math.max(0, count));
            totals.setLong(4, end);
            totals.addBatch();
          }
          points.executeBatch();
          totals.executeBatch();
        }
      }
      if (!gauges.isEmpty()) {
        try (PreparedStatement points = c.prepareStatement(upsertGauge);
            PreparedStatement values = c.prepareStatement(upsertGaugeValue)) {
          for (int i = 0; i < gaugeIds.length; i++) {
            double v = gauges.get(i).value();
            long setAt = gauges.get(i).setAtMillis();
            setKey(points, gaugeIds[i], res, ts, node);
            points.setDouble(5, v);
            points.setDouble(6, v);
            points.setDouble(7, v);
            points.setLong(8, end);
            points.setLong(9, setAt);
            points.addBatch();
            values.setLong(1, gaugeIds[i]);
            values.setInt(2, node);
            values.setDouble(3, v);
            values.setLong(4, end);
            values.setLong(5, setAt);
            values.addBatch();
          }
          points.executeBatch();
          values.executeBatch();
        }
      }
      if (!s.timers().isEmpty()) {
        List<StoredPoint> pts = new ArrayList<>(timerIds.length);
        for (FlushSnapshot.TimerPoint t : s.timers()) {
          var st = t.stats();
          pts.add(new StoredPoint(ts, res, MetricType.TIMER, st.count(), st.sampleCount(), st.sum(), st.sumSquares(),
              st.lower(), st.upper(), Double.NaN, 0, t.sketch(), null));
        }
        insertOrMerge(c, MetricType.TIMER, timerIds, node, pts);
      }
      if (!s.sets().isEmpty()) {
        List<StoredPoint> pts = new ArrayList<>(setIds.length);
        for (FlushSnapshot.SetPoint p : s.sets()) {
          pts.add(new StoredPoint(ts, res, MetricType.SET, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN,
              Double.NaN, Double.NaN, p.unique(), null, p.sketch()));
        }
        insertOrMerge(c, MetricType.SET, setIds, node, pts);
      }
      touchSeries(c, cache, s.backfill(), ts, stagedSeen, counterIds, gaugeIds, timerIds, setIds);
      List<Long> sampled = new ArrayList<>();
      addSampled(sampled, counterIds, i -> counters.get(i).sampled());
      addSampled(sampled, gaugeIds, i -> gauges.get(i).sampled());
      addSampled(sampled, timerIds, i -> s.timers().get(i).stats().sampleCount() > 0);
      addSampled(sampled, setIds, i -> s.sets().get(i).unique() > 0);
      markSampled(c, cache, ts, sampled, stagedSampled);
      markLate(c, res, ts);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO write_log (node_id, write_id, interval_start, written_at, points) VALUES (?, ?, ?, ?, ?)")) {
        ps.setInt(1, node);
        ps.setLong(2, writeId);
        ps.setLong(3, ts);
        ps.setLong(4, settings.clock().millis());
        ps.setInt(5, s.size());
        ps.executeUpdate();
      }
      return true;
    });
    if (applied) {
      // Into the cache of the epoch this transaction validated: if a deletion has moved the epoch
      // since it committed, that cache is already replaced and these entries are discarded with it.
      cacheUsed[0].ids.putAll(stagedSeries);
      nodeIds.putAll(stagedNodes);
      stagedSeen.forEach((id, seen) -> cacheUsed[0].lastSeen.merge(id, seen, Math::max));
      stagedSampled.forEach((id, at) -> cacheUsed[0].lastSample.merge(id, at, Math::max));
    }
    return applied;
  }

  private static List<FlushSnapshot.CounterPoint> dedupeCounters(List<FlushSnapshot.CounterPoint> in) {
    Map<MetricKey, FlushSnapshot.CounterPoint> byKey = new LinkedHashMap<>();
    for (FlushSnapshot.CounterPoint p : in) {
      if (!Double.isFinite(p.count())) {
        log.warn("not storing counter {}: its count is {}", p.key(), p.count());
        continue;
      }
      byKey.merge(p.key(), p, (x, y) -> new FlushSnapshot.CounterPoint(x.key(), x.count() + y.count(),
          x.ratePerSecond() + y.ratePerSecond(), x.sampled() || y.sampled()));
    }
    return byKey.size() == in.size() ? in : new ArrayList<>(byKey.values());
  }

  private static List<FlushSnapshot.GaugePoint> dedupeGauges(List<FlushSnapshot.GaugePoint> in) {
    Map<MetricKey, FlushSnapshot.GaugePoint> byKey = new LinkedHashMap<>();
    for (FlushSnapshot.GaugePoint p : in) {
      if (!Double.isFinite(p.value())) {
        log.warn("not storing gauge {}: its value is {}", p.key(), p.value());
        continue;
      }
      byKey.merge(p.key(), p, (x, y) -> {
        FlushSnapshot.GaugePoint later = y.setAtMillis() >= x.setAtMillis() ? y : x;
        return new FlushSnapshot.GaugePoint(later.key(), later.value(), x.sampled() || y.sampled(),
            later.setAtMillis());
      });
    }
    return byKey.size() == in.size() ? in : new ArrayList<>(byKey.values());
  }

  private static <T> List<MetricKey> keys(List<T> points, java.util.function.Function<T, MetricKey> key) {
    List<MetricKey> out = new ArrayList<>(points.size());
    for (T p : points) {
      out.add(key.apply(p));
    }
    return out;
  }

  private static void setKey(PreparedStatement ps, long seriesId, long res, long ts, int node) throws SQLException {
    ps.setLong(1, seriesId);
    ps.setLong(2, res);
    ps.setLong(3, ts);
    ps.setInt(4, node);
  }

  /**
   * Inserts timer or set rows; rows that already exist for this node and interval (a backfill, a
   * re-flush after a restart) are merged in Java. Existing rows are found first with a keyed
   * {@code IN} lookup rather than from batch update counts, which PostgreSQL's rewritten batches
   * do not report.
   */
  private void insertOrMerge(Connection c, MetricType type, long[] ids, int node, List<StoredPoint> pts)
      throws SQLException {
    long res = pts.get(0).resolutionMillis();
    long ts = pts.get(0).timeMillis();
    java.util.Set<Long> existing = new java.util.HashSet<>();
    final int chunk = 500;
    for (int from = 0; from < ids.length; from += chunk) {
      int to = Math.min(ids.length, from + chunk);
      StringBuilder sql = new StringBuilder("SELECT series_id FROM ").append(table(type))
          .append(" WHERE res = ? AND ts = ? AND node_id = ? AND series_id IN (");
      for (int i = from; i < to; i++) {
        sql.append(i == from ? "?" : ", ?");
      }
      sql.append(')');
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        ps.setLong(1, res);
        ps.setLong(2, ts);
        ps.setInt(3, node);
        for (int i = from; i < to; i++) {
          ps.setLong(4 + i - from, ids[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            existing.add(rs.getLong(1));
          }
        }
      }
    }
    String insert = type == MetricType.TIMER
        ? "INSERT INTO timer_points (series_id, res, ts, node_id, count, sample_count, sum, sum_squares, min, max, sketch)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        : "INSERT INTO set_points (series_id, res, ts, node_id, unique_count, sketch) VALUES (?, ?, ?, ?, ?, ?)";
    int added = 0;
    boolean[] merge = new boolean[ids.length];
    java.util.Set<Long> inserting = new java.util.HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (int i = 0; i < ids.length; i++) {
        // A series listed twice in one snapshot merges its second entry into the first.
        if (existing.contains(ids[i]) || !inserting.add(ids[i])) {
          merge[i] = true;
        } else {
          bindValues(ps, type, ids[i], node, pts.get(i));
          ps.addBatch();
          added++;
        }
      }
      if (added > 0) {
        ps.executeBatch();
      }
    }
    for (int i = 0; i < ids.length; i++) {
      if (merge[i]) {
        StoredPoint p = pts.get(i);
        PointAccumulator acc = new PointAccumulator(type);
        readOne(c, type, ids[i], res, ts, node, acc);
        acc.add(copySketches(p), 0L);
        replaceRows(c, type, List.of(new Row(ids[i], node, acc.toPoint(ts), 0L)), res);
      }
    }
  }

  private static StoredPoint copySketches(StoredPoint p) {
    return new StoredPoint(p.timeMillis(), p.resolutionMillis(), p.type(), p.count(), p.sampleCount(), p.sum(),
        p.sumSquares(), p.min(), p.max(), p.last(), p.unique(),
        p.sketch() == null ? null : p.sketch().copy(), p.uniqueSketch() == null ? null : p.uniqueSketch().copy());
  }

  /** Binds {@code (series_id, res, ts, node_id, values...)} in the column order of the insert statements. */
  private static void bindValues(PreparedStatement ps, MetricType type, long id, int node, StoredPoint p)
      throws SQLException {
    setKey(ps, id, p.resolutionMillis(), p.timeMillis(), node);
    switch (type) {
      case COUNTER -> ps.setDouble(5, p.count());
      case GAUGE -> {
        setDoubleOrNull(ps, 5, p.last());
        setDoubleOrNull(ps, 6, p.min());
        setDoubleOrNull(ps, 7, p.max());
      }
      case TIMER -> {
        ps.setDouble(5, p.count());
        ps.setLong(6, p.sampleCount());
        setDoubleOrNull(ps, 7, p.sum());
        setDoubleOrNull(ps, 8, p.sumSquares());
        setDoubleOrNull(ps, 9, p.min());
        setDoubleOrNull(ps, 10, p.max());
        ps.setBytes(11, p.sketch() != null ? p.sketch().toBytes() : QuantileSketch.create().toBytes());
      }
      case SET -> {
        ps.setLong(5, p.unique());
        ps.setBytes(6, p.uniqueSketch() != null ? p.uniqueSketch().toBytes() : UniqueSketch.create().toBytes());
      }
    }
  }

  private static void setDoubleOrNull(PreparedStatement ps, int index, double v) throws SQLException {
    if (Double.isNaN(v)) {
      ps.setNull(index, Types.DOUBLE);
    } else {
      ps.setDouble(index, v);
    }
  }

  /** A row to write: series, node, merged values, and (gauges) when the kept value was set. */
  record Row(long seriesId, int node, StoredPoint point, long gaugeSetAtMillis) {}

  /** Inserts or replaces whole rows at resolution {@code res} (rollup results, merged rows). */
  private void replaceRows(Connection c, MetricType type, List<Row> rows, long res) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    String pk = " ON CONFLICT (series_id, res, ts, node_id) DO UPDATE SET ";
    String sql = switch (type) {
      case COUNTER -> "INSERT INTO counter_points (series_id, res, ts, node_id, count) VALUES (?, ?, ?, ?, ?)"
          + pk + "count = excluded.count";
      case GAUGE -> "INSERT INTO gauge_points (series_id, res, ts, node_id, last, min, max, updated, set_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" + pk
          + "last = excluded.last, min = excluded.min, max = excluded.max, updated = excluded.updated,"
          + " set_at = excluded.set_at";
      case TIMER -> "INSERT INTO timer_points (series_id, res, ts, node_id, count, sample_count, sum, sum_squares,"
          + " min, max, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + pk
          + "count = excluded.count, sample_count = excluded.sample_count, sum = excluded.sum,"
          + " sum_squares = excluded.sum_squares, min = excluded.min, max = excluded.max, sketch = excluded.sketch";
      case SET -> "INSERT INTO set_points (series_id, res, ts, node_id, unique_count, sketch) VALUES (?, ?, ?, ?, ?, ?)"
          + pk + "unique_count = excluded.unique_count, sketch = excluded.sketch";
    };
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Row row : rows) {
        StoredPoint p = row.point();
        StoredPoint at = new StoredPoint(p.timeMillis(), res, p.type(), p.count(), p.sampleCount(), p.sum(),
            p.sumSquares(), p.min(), p.max(), p.last(), p.unique(), p.sketch(), p.uniqueSketch());
        bindValues(ps, type, row.seriesId(), row.node(), at);
        if (type == MetricType.GAUGE) {
          ps.setLong(8, settings.clock().millis());
          ps.setLong(9, row.gaugeSetAtMillis());
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void touchSeries(Connection c, SeriesCache cache, boolean backfill, long ts, Map<Long, Long> staged,
      long[]... idLists) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(touchSeries)) {
      int n = 0;
      for (long[] ids : idLists) {
        for (long id : ids) {
          Long prev = cache.lastSeen.get(id);
          if (backfill || prev == null || ts >= prev + LAST_SEEN_GRANULARITY_MILLIS) {
            ps.setLong(1, ts);
            ps.setLong(2, ts);
            ps.setLong(3, id);
            ps.addBatch();
            n++;
            staged.put(id, prev == null ? ts : Math.max(prev, ts));
          }
        }
      }
      if (n > 0) {
        ps.executeBatch();
      }
    }
  }

  /** Adds the ids whose point (at the same index) received samples in the interval. */
  private static void addSampled(List<Long> out, long[] ids, IntPredicate sampledAt) {
    for (int i = 0; i < ids.length; i++) {
      if (sampledAt.test(i)) {
        out.add(ids[i]);
      }
    }
  }

  /**
   * Moves {@code series.last_sample} (the API's {@code lastSeen}) to {@code ts} for series that
   * received samples in this interval; idle flushes (zero counters, empty timers, gauges sent again)
   * leave it. Unlike {@code last_seen}, which tracks rows written for rollups and expiry, it is
   * written for every interval with samples.
   */
  private void markSampled(Connection c, SeriesCache cache, long ts, List<Long> ids, Map<Long, Long> staged)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(markSampled)) {
      int n = 0;
      for (long id : ids) {
        Long prev = cache.lastSample.get(id);
        if (prev == null || ts > prev) {
          ps.setLong(1, ts);
          ps.setLong(2, id);
          ps.addBatch();
          n++;
          staged.merge(id, ts, Math::max);
        }
      }
      if (n > 0) {
        ps.executeBatch();
      }
    }
  }

  /** If rows at {@code res} and {@code ts} land in an already rolled-up bucket, marks that bucket for a re-roll. */
  private void markLate(Connection c, long res, long ts) throws SQLException {
    int i = resolutions.indexOf(res);
    if (i < 0 || i + 1 >= resolutions.size()) {
      return;
    }
    long next = resolutions.get(i + 1);
    try (PreparedStatement ps = c.prepareStatement("SELECT rolling_until FROM rollup_state WHERE res = ?")) {
      ps.setLong(1, next);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && ts < rs.getLong(1)) {
          markDirty(c, next, floor(ts, next));
        }
      }
    }
  }

  private void markDirty(Connection c, long res, long bucket) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO rollup_dirty (res, ts) VALUES (?, ?) ON CONFLICT (res, ts) DO NOTHING")) {
      ps.setLong(1, res);
      ps.setLong(2, bucket);
      ps.executeUpdate();
    }
  }

  private static Long doneUntil(Connection c, long res) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT done_until FROM rollup_state WHERE res = ?")) {
      ps.setLong(1, res);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private int nodeId(Connection c, String name, Map<String, Integer> staged) throws SQLException {
    Integer cached = nodeIds.get(name);
    if (cached != null) {
      return cached;
    }
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO nodes (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
      ins.setString(1, name);
      ins.executeUpdate();
    }
    Integer id = findNodeId(c, name);
    if (id == null) {
      throw new SQLException("node row for " + name + " vanished");
    }
    staged.put(name, id);
    return id;
  }

  private static Integer findNodeId(Connection c, String name) throws SQLException {
    try (PreparedStatement sel = c.prepareStatement("SELECT id FROM nodes WHERE name = ?")) {
      sel.setString(1, name);
      try (ResultSet rs = sel.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  private static String cacheKey(MetricType type, String canonical) {
    return type.code() + '|' + canonical;
  }

  /** Series ids and last-seen marks valid while {@code series_epoch} is {@code epoch}. */
  private static final class SeriesCache {
    final long epoch;
    final ConcurrentHashMap<String, Long> ids = new ConcurrentHashMap<>();
    /** {@code series.last_seen} this store last wrote per series id. */
    final ConcurrentHashMap<Long, Long> lastSeen = new ConcurrentHashMap<>();
    /** {@code series.last_sample} this store last wrote per series id. */
    final ConcurrentHashMap<Long, Long> lastSample = new ConcurrentHashMap<>();

    SeriesCache(long epoch) {
      this.epoch = epoch;
    }
  }

  /**
   * Reads {@code series_epoch} in the current write transaction (holding a share lock on PostgreSQL
   * until it ends, so no series can be deleted meanwhile) and returns the cache valid for it,
   * replacing an older one. Epochs only grow; a transaction that read an older epoch than the cache
   * has (it cannot, while it holds the lock, but cheaply guarded) gets a private empty cache.
   */
  private SeriesCache seriesCache(Connection c) throws SQLException {
    long epoch;
    try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM series_epoch WHERE id = 1" + dialect.forShare);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the series_epoch row is missing");
      }
      epoch = rs.getLong(1);
    }
    return advanceCache(epoch);
  }

  private SeriesCache advanceCache(long epoch) {
    while (true) {
      SeriesCache current = seriesCache.get();
      if (current.epoch == epoch) {
        return current;
      }
      if (current.epoch > epoch) {
        return new SeriesCache(epoch);
      }
      SeriesCache fresh = new SeriesCache(epoch);
      if (seriesCache.compareAndSet(current, fresh)) {
        return fresh;
      }
    }
  }

  /** Ids of these series, creating the missing ones with first/last seen {@code ts}. */
  private long[] seriesIds(Connection c, SeriesCache cache, List<MetricKey> keys, MetricType type, long ts,
      Map<String, Long> staged) throws SQLException {
    long[] ids = new long[keys.size()];
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      String k = cacheKey(type, keys.get(i).canonical());
      Long id = cache.ids.get(k);
      if (id == null) {
        id = staged.get(k);
      }
      if (id == null) {
        missing.add(i);
      } else {
        ids[i] = id;
      }
    }
    if (missing.isEmpty()) {
      return ids;
    }
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO series (name, canonical_key, type, tags, first_seen, last_seen, last_sample) VALUES (?, ?, ?, "
            + dialect.jsonParam + ", ?, ?, ?) ON CONFLICT (canonical_key, type) DO NOTHING")) {
      for (int i : missing) {
        MetricKey key = keys.get(i);
        ins.setString(1, key.name());
        ins.setString(2, key.canonical());
        ins.setString(3, type.label());
        ins.setString(4, tagsJson(key));
        ins.setLong(5, ts);
        ins.setLong(6, ts);
        ins.setLong(7, ts);
        ins.addBatch();
      }
      ins.executeBatch();
    }
    // Looked up in chunks with IN lists: after an expiry every series a node writes is resolved
    // again, and one query per series would be a round trip each on PostgreSQL.
    final int chunk = 500;
    for (int from = 0; from < missing.size(); from += chunk) {
      List<Integer> part = missing.subList(from, Math.min(missing.size(), from + chunk));
      StringBuilder sql = new StringBuilder("SELECT canonical_key, id FROM series WHERE type = ? AND canonical_key IN (");
      for (int k = 0; k < part.size(); k++) {
        sql.append(k == 0 ? "?" : ", ?");
      }
      sql.append(')');
      Map<String, Long> found = new HashMap<>();
      try (PreparedStatement sel = c.prepareStatement(sql.toString())) {
        sel.setString(1, type.label());
        for (int k = 0; k < part.size(); k++) {
          sel.setString(2 + k, keys.get(part.get(k)).canonical());
        }
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            found.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      for (int i : part) {
        MetricKey key = keys.get(i);
        Long id = found.get(key.canonical());
        if (id == null) {
          throw new SQLException("series row for " + key + " vanished");
        }
        ids[i] = id;
        staged.put(cacheKey(type, key.canonical()), id);
      }
    }
    return ids;
  }

  /**
   * Tags as a JSON object for SQL users ({@code {"env":"prod","canary":null}}); a key given with
   * several values maps to an array of them. The canonical key, not this, is the series identity.
   */
  static String tagsJson(MetricKey key) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Tag tag : key.tags()) {
      if (out.containsKey(tag.key())) {
        Object prev = out.get(tag.key());
        List<Object> values;
        if (prev instanceof List<?> list) {
          values = new ArrayList<>(list);
        } else {
          values = new ArrayList<>();
          values.add(prev);
        }
        values.add(tag.value());
        out.put(tag.key(), values);
      } else {
        out.put(tag.key(), tag.value());
      }
    }
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("tags of " + key + " cannot be encoded", e);
    }
  }

  // ------------------------------------------------------------------ totals and gauge values

  @Override
  public boolean isWritten(String nodeId, long writeId) {
    return inRead("check write", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM write_log w JOIN nodes n ON n.id = w.node_id WHERE n.name = ? AND w.write_id = ?")) {
        ps.setString(1, nodeId);
        ps.setLong(2, writeId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public Map<MetricKey, Double> loadCounterTotals(String nodeId) {
    return loadValues(nodeId, "SELECT s.canonical_key, t.total FROM counter_totals t JOIN series s ON s.id = t.series_id"
        + " JOIN nodes n ON n.id = t.node_id WHERE n.name = ?");
  }

  @Override
  public List<FlushSnapshot.GaugePoint> loadGaugeValues(String nodeId) {
    return inRead("load gauge values", c -> {
      List<FlushSnapshot.GaugePoint> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT s.canonical_key, g.value, g.set_at FROM gauge_values g"
          + " JOIN series s ON s.id = g.series_id JOIN nodes n ON n.id = g.node_id WHERE n.name = ?")) {
        ps.setString(1, nodeId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new FlushSnapshot.GaugePoint(MetricKey.fromCanonical(rs.getString(1)), getDouble(rs, 2), false,
                rs.getLong(3)));
          }
        }
      }
      return out;
    });
  }

  private Map<MetricKey, Double> loadValues(String nodeId, String sql) {
    return inRead("load persisted values", c -> {
      Map<MetricKey, Double> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, nodeId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(MetricKey.fromCanonical(rs.getString(1)), getDouble(rs, 2));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void saveCounterTotals(String nodeId, Map<MetricKey, Double> totals, long atMillis) {
    saveValues(nodeId, totals, atMillis, MetricType.COUNTER,
        "INSERT INTO counter_totals (series_id, node_id, total, updated) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (series_id, node_id) DO UPDATE SET total = excluded.total, updated = excluded.updated");
  }

  @Override
  public void saveGaugeValues(String nodeId, Map<MetricKey, Double> values, long atMillis) {
    saveValues(nodeId, values, atMillis, MetricType.GAUGE, upsertGaugeValue);
  }

  private void saveValues(String nodeId, Map<MetricKey, Double> values, long at, MetricType type, String sql) {
    if (values.isEmpty()) {
      return;
    }
    Map<String, Long> stagedSeries = new HashMap<>();
    Map<String, Integer> stagedNodes = new HashMap<>();
    List<MetricKey> keys = new ArrayList<>(values.keySet());
    SeriesCache[] cacheUsed = new SeriesCache[1];
    inWrite("save " + type.label() + " values", c -> {
      SeriesCache cache = seriesCache(c);
      cacheUsed[0] = cache;
      int node = nodeId(c, nodeId, stagedNodes);
      long[] ids = seriesIds(c, cache, keys, type, at, stagedSeries);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < ids.length; i++) {
          ps.setLong(1, ids[i]);
          ps.setInt(2, node);
          ps.setDouble(3, values.get(keys.get(i)));
          ps.setLong(4, at);
          if (type == MetricType.GAUGE) {
            ps.setLong(5, at);
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
    cacheUsed[0].ids.putAll(stagedSeries);
    nodeIds.putAll(stagedNodes);
  }

  // ------------------------------------------------------------------ reads

  @Override
  public long finestPrecisionMillis() {
    return resolutions.get(0);
  }

  @Override
  public Optional<SeriesInfo> findSeries(MetricKey key, MetricType type) {
    return inRead("find series", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT first_seen, last_sample FROM series WHERE canonical_key = ? AND type = ?")) {
        ps.setString(1, key.canonical());
        ps.setString(2, type.label());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new SeriesInfo(key, type, rs.getLong(1), rs.getLong(2))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<SeriesInfo> listSeries(String namePrefix, MetricType type, String afterCanonicalKey, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    String prefix = namePrefix == null ? "" : namePrefix;
    StringBuilder sql = new StringBuilder("SELECT canonical_key, type, first_seen, last_sample FROM series WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (!prefix.isEmpty()) {
      sql.append(" AND canonical_key >= ? AND canonical_key < ?");
      params.add(prefix);
      params.add(prefix + Character.toString(Character.MAX_CODE_POINT));
    }
    if (afterCanonicalKey != null) {
      sql.append(" AND canonical_key > ?");
      params.add(afterCanonicalKey);
    }
    if (type != null) {
      sql.append(" AND type = ?");
      params.add(type.label());
    }
    // Extra rows (a key has at most four types) to see whether the page would split a key.
    sql.append(" ORDER BY canonical_key, type LIMIT ?");
    params.add(limit + 4);
    return inRead("list series", c -> {
      List<SeriesInfo> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < params.size(); i++) {
          ps.setObject(i + 1, params.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new SeriesInfo(MetricKey.fromCanonical(rs.getString(1)), typeOf(rs.getString(2)),
                rs.getLong(3), rs.getLong(4)));
          }
        }
      }
      if (rows.size() <= limit) {
        return rows;
      }
      // The cursor is the key alone, so a page must not end between two types of one key: end it
      // before that key instead (or, if the key fills the whole page, after all its types).
      String boundary = rows.get(limit - 1).key().canonical();
      if (!rows.get(limit).key().canonical().equals(boundary)) {
        return List.copyOf(rows.subList(0, limit));
      }
      int start = limit - 1;
      while (start > 0 && rows.get(start - 1).key().canonical().equals(boundary)) {
        start--;
      }
      if (start > 0) {
        return List.copyOf(rows.subList(0, start));
      }
      int end = limit;
      while (end < rows.size() && rows.get(end).key().canonical().equals(boundary)) {
        end++;
      }
      return List.copyOf(rows.subList(0, end));
    });
  }

  private static MetricType typeOf(String label) {
    return MetricType.valueOf(label.toUpperCase(java.util.Locale.ROOT));
  }

  @Override
  public List<StoredPoint> readPoints(MetricKey key, MetricType type, long fromMillis, long toMillis) {
    if (toMillis < fromMillis) {
      return List.of();
    }
    return inRead("read points", c -> {
      Long id = findSeriesId(c, key, type);
      if (id == null) {
        return List.of();
      }
      List<StoredPoint> out = new ArrayList<>();
      for (Segment seg : plan(c, fromMillis, toMillis, new ArrayList<>(resolutions))) {
        long[] current = {Long.MIN_VALUE};
        PointAccumulator[] acc = {null};
        scan(c, type, id, seg, (p, node, setAt) -> {
          if (p.timeMillis() != current[0]) {
            if (acc[0] != null) {
              out.add(acc[0].toPoint(current[0]));
            }
            acc[0] = new PointAccumulator(type);
            current[0] = p.timeMillis();
          }
          acc[0].add(p, setAt);
        });
        if (acc[0] != null) {
          out.add(acc[0].toPoint(current[0]));
        }
      }
      return out;
    });
  }

  @Override
  public List<StoredPoint> readBuckets(MetricKey key, MetricType type, long fromMillis, long toMillis, long bucketMillis) {
    if (bucketMillis <= 0) {
      throw new IllegalArgumentException("bucket width must be positive, got " + bucketMillis);
    }
    if (toMillis < fromMillis) {
      return List.of();
    }
    List<Long> preference = new ArrayList<>();
    for (int i = resolutions.size() - 1; i >= 0; i--) {
      if (resolutions.get(i) <= bucketMillis) {
        preference.add(resolutions.get(i));
      }
    }
    for (long r : resolutions) {
      if (r > bucketMillis) {
        preference.add(r);
      }
    }
    return inRead("read buckets", c -> {
      Long id = findSeriesId(c, key, type);
      if (id == null) {
        return List.of();
      }
      // Segments come in time order and rows in each by time, so buckets complete one after another.
      List<StoredPoint> out = new ArrayList<>();
      long[] current = {Long.MIN_VALUE};
      PointAccumulator[] acc = {null};
      if (type == MetricType.COUNTER) {
        return counterBuckets(c, id, plan(c, fromMillis, toMillis, preference), fromMillis, bucketMillis);
      }
      for (Segment seg : plan(c, fromMillis, toMillis, preference)) {
        scan(c, type, id, seg, (p, node, setAt) -> {
          long bucket = fromMillis + Math.floorDiv(p.timeMillis() - fromMillis, bucketMillis) * bucketMillis;
          if (bucket != current[0]) {
            if (acc[0] != null) {
              out.add(acc[0].toPoint(current[0]));
            }
            acc[0] = new PointAccumulator(type);
            current[0] = bucket;
          }
          acc[0].add(p, setAt);
        });
      }
      if (acc[0] != null) {
        out.add(acc[0].toPoint(current[0]));
      }
      return out;
    });
  }

  /**
   * Counter buckets summed by the database: a counter bucket is a plain sum, and letting SQL add
   * avoids materialising every row (a month of 10 s rows reads several times faster).
   */
  private static List<StoredPoint> counterBuckets(Connection c, long id, List<Segment> segments, long from,
      long bucketMillis) throws SQLException {
    List<StoredPoint> out = new ArrayList<>();
    double nan = Double.NaN;
    for (Segment seg : segments) {
      try (PreparedStatement ps = c.prepareStatement("SELECT (ts - ?) / ? AS b, sum(count) FROM counter_points"
          + " WHERE series_id = ? AND res = ? AND ts >= ? AND ts <= ? GROUP BY 1 ORDER BY 1")) {
        ps.setLong(1, from);
        ps.setLong(2, bucketMillis);
        ps.setLong(3, id);
        ps.setLong(4, seg.res());
        ps.setLong(5, seg.from());
        ps.setLong(6, seg.to());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long bucket = from + rs.getLong(1) * bucketMillis;
            double sum = rs.getDouble(2);
            StoredPoint last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.timeMillis() == bucket) {
              out.set(out.size() - 1, new StoredPoint(bucket, Math.max(last.resolutionMillis(), seg.res()),
                  MetricType.COUNTER, last.count() + sum, 0, nan, nan, nan, nan, nan, 0, null, null));
            } else {
              out.add(new StoredPoint(bucket, seg.res(), MetricType.COUNTER, sum, 0, nan, nan, nan, nan, nan, 0,
                  null, null));
            }
          }
        }
      }
    }
    return out;
  }

  /** By key, not through the write cache: another node may have expired and recreated the series. */
  private static Long findSeriesId(Connection c, MetricKey key, MetricType type) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM series WHERE canonical_key = ? AND type = ?")) {
      ps.setString(1, key.canonical());
      ps.setString(2, type.label());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /** A time range {@code [from, to]} read at one resolution. */
  record Segment(long res, long from, long to) {}

  /**
   * Splits {@code [from, to]} into segments, each read at the first resolution of {@code preference}
   * that holds data there. A resolution holds {@code [now - retention, doneUntil)}: the raw
   * resolution up to now, a rolled-up one up to its rollup watermark (so the newest, not yet rolled
   * part of a range is read from the finer resolution instead of coming back empty).
   */
  List<Segment> plan(Connection c, long from, long to, List<Long> preference) throws SQLException {
    long now = settings.clock().millis();
    Map<Long, Long> done = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT res, done_until FROM rollup_state");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        done.put(rs.getLong(1), rs.getLong(2));
      }
    }
    long raw = resolutions.get(0);
    Map<Long, long[]> windows = new HashMap<>();
    for (long r : preference) {
      long start = now - policy.retentionMillis(r);
      long end = r == raw ? Long.MAX_VALUE : done.getOrDefault(r, start);
      windows.put(r, new long[] {start, end});
    }
    List<Segment> out = new ArrayList<>();
    long cursor = from;
    while (cursor <= to) {
      Long chosen = null;
      for (long r : preference) {
        long[] w = windows.get(r);
        if (w[0] <= cursor && cursor < w[1]) {
          chosen = r;
          break;
        }
      }
      if (chosen == null) {
        long next = Long.MAX_VALUE;
        for (long[] w : windows.values()) {
          if (w[0] > cursor && w[0] < w[1]) {
            next = Math.min(next, w[0]);
          }
        }
        if (next == Long.MAX_VALUE) {
          // Nothing is retained here by policy; rows not yet expired may still exist at the raw resolution.
          out.add(new Segment(preference.get(0), cursor, to));
          break;
        }
        cursor = next;
        continue;
      }
      long end = Math.min(to == Long.MAX_VALUE ? Long.MAX_VALUE : to + 1, windows.get(chosen)[1]);
      for (long r : preference) {
        if (r == chosen) {
          break;
        }
        long[] w = windows.get(r);
        if (w[0] > cursor && w[0] < w[1]) {
          end = Math.min(end, w[0]);
        }
      }
      out.add(new Segment(chosen, cursor, end - 1));
      if (end == Long.MAX_VALUE) {
        break;
      }
      cursor = end;
    }
    return out;
  }

  /** Receives one stored row. */
  @FunctionalInterface
  interface RowConsumer {
    /** {@code gaugeSetAt}: a gauge row's {@code set_at}; 0 for other types. */
    void accept(StoredPoint p, int node, long gaugeSetAt) throws SQLException;
  }

  private static String columns(MetricType type) {
    return switch (type) {
      case COUNTER -> "ts, node_id, count";
      case GAUGE -> "ts, node_id, last, min, max, set_at";
      case TIMER -> "ts, node_id, count, sample_count, sum, sum_squares, min, max, sketch";
      case SET -> "ts, node_id, unique_count, sketch";
    };
  }

  static String table(MetricType type) {
    return type.label() + "_points";
  }

  /** Streams the rows of one series in a segment, in time order. */
  void scan(Connection c, MetricType type, long seriesId, Segment seg, RowConsumer consumer) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + columns(type) + " FROM " + table(type)
        + " WHERE series_id = ? AND res = ? AND ts >= ? AND ts <= ? ORDER BY ts, node_id")) {
      ps.setLong(1, seriesId);
      ps.setLong(2, seg.res());
      ps.setLong(3, seg.from());
      ps.setLong(4, seg.to());
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          consumer.accept(toPoint(type, rs, seg.res(), seriesId), rs.getInt(2),
              type == MetricType.GAUGE ? rs.getLong(6) : 0L);
        }
      }
    }
  }

  /** Reads one row (if present) into {@code acc}. */
  private void readOne(Connection c, MetricType type, long seriesId, long res, long ts, int node, PointAccumulator acc)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + columns(type) + " FROM " + table(type)
        + " WHERE series_id = ? AND res = ? AND ts = ? AND node_id = ?")) {
      setKey(ps, seriesId, res, ts, node);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          acc.add(toPoint(type, rs, res, seriesId), type == MetricType.GAUGE ? rs.getLong(6) : 0L);
        }
      }
    }
  }

  private static StoredPoint toPoint(MetricType type, ResultSet rs, long res, long seriesId) throws SQLException {
    long ts = rs.getLong(1);
    double nan = Double.NaN;
    try {
      return switch (type) {
        case COUNTER -> new StoredPoint(ts, res, type, rs.getDouble(3), 0, nan, nan, nan, nan, nan, 0, null, null);
        case GAUGE -> new StoredPoint(ts, res, type, nan, 0, nan, nan, getDouble(rs, 4), getDouble(rs, 5),
            getDouble(rs, 3), 0, null, null);
        case TIMER -> new StoredPoint(ts, res, type, rs.getDouble(3), rs.getLong(4), getDouble(rs, 5),
            getDouble(rs, 6), getDouble(rs, 7), getDouble(rs, 8), nan, 0, QuantileSketch.fromBytes(rs.getBytes(9)), null);
        case SET -> new StoredPoint(ts, res, type, nan, 0, nan, nan, nan, nan, nan, rs.getLong(3), null,
            UniqueSketch.fromBytes(rs.getBytes(4)));
      };
    } catch (MalformedSketchException e) {
      throw new StoreException("corrupt sketch in " + table(type) + " (series " + seriesId + ", resolution " + res
          + ", time " + ts + "): " + e.getMessage(), e);
    }
  }

  /** A nullable REAL column: SQL NULL (SQLite's stored NaN) reads as NaN. */
  private static double getDouble(ResultSet rs, int index) throws SQLException {
    double v = rs.getDouble(index);
    return rs.wasNull() ? Double.NaN : v;
  }

  static long floor(long t, long unit) {
    return Math.floorDiv(t, unit) * unit;
  }

  // ------------------------------------------------------------------ rollup and retention

  @Override
  public RollupReport rollup(long now) {
    long started = System.nanoTime();
    RollupCounters rc = new RollupCounters();
    for (int k = 1; k < resolutions.size(); k++) {
      long source = resolutions.get(k - 1);
      long target = resolutions.get(k);
      Long stored = inRead("read rollup state", c -> doneUntil(c, target));
      long done;
      if (stored != null) {
        done = stored;
      } else {
        Long firstSeen = inRead("read first series", c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT min(first_seen) FROM series");
              ResultSet rs = ps.executeQuery()) {
            long v = rs.next() ? rs.getLong(1) : 0;
            return rs.wasNull() ? null : v;
          }
        });
        done = firstSeen == null ? floor(now, target) : floor(firstSeen, target);
      }
      long limit = floor(now - source - Math.max(source, MIN_ROLLUP_GRACE_MILLIS), target);
      // Aim at about SOURCE_ROWS_PER_CHUNK rows per series per transaction batch: with few series
      // a chunk spans more time, so a long catch-up is not thousands of tiny transactions.
      long seriesCount = inRead("count series", c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM series"); ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      });
      long rowsPerSeries = Math.max(SOURCE_ROWS_PER_CHUNK, SOURCE_ROWS_PER_CHUNK * rollupBatch / Math.max(1, seriesCount));
      long chunk = target * Math.max(1, rowsPerSeries * source / target);
      if (stored == null) {
        long initial = Math.min(done, limit);
        inWrite("start rollup state", c -> {
          setDoneUntil(c, target, initial);
          return null;
        });
        done = initial;
      }
      while (done < limit) {
        long chunkEnd = Math.min(limit, done + chunk);
        rollRange(source, target, done, chunkEnd, rc, true);
        done = chunkEnd;
      }
      // Buckets whose sources were written after they were rolled up (backfill, a drained backlog).
      List<Long> dirty = inRead("read dirty buckets", c -> {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT ts FROM rollup_dirty WHERE res = ? ORDER BY ts LIMIT " + MAX_DIRTY_PER_PASS)) {
          ps.setLong(1, target);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getLong(1));
            }
          }
        }
        return out;
      });
      long sourceRetainedFrom = now - policy.retentionMillis(source);
      for (long bucket : dirty) {
        if (bucket >= sourceRetainedFrom) {
          rollRange(source, target, bucket, bucket + target, rc, false);
        } else {
          log.warn("not re-rolling {} bucket at {}: its {} sources are past retention", RetentionPolicy.format(target),
              bucket, RetentionPolicy.format(source));
        }
        inWrite("clear dirty bucket", c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM rollup_dirty WHERE res = ? AND ts = ?")) {
            ps.setLong(1, target);
            ps.setLong(2, bucket);
            ps.executeUpdate();
          }
          return null;
        });
      }
    }
    if (lastExpiryMillis == Long.MIN_VALUE || now - lastExpiryMillis >= EXPIRY_EVERY_MILLIS || now < lastExpiryMillis) {
      expire(now, rc);
      lastExpiryMillis = now;
    }
    return new RollupReport(rc.read, rc.written, rc.expired, rc.seriesExpired, rc.transactions, rc.longestMillis,
        (System.nanoTime() - started) / 1_000_000);
  }

  /** Mutable tallies of one pass. */
  private static final class RollupCounters {
    long read;
    long written;
    long expired;
    long seriesExpired;
    int transactions;
    long longestMillis;

    void transaction(long nanos) {
      transactions++;
      longestMillis = Math.max(longestMillis, nanos / 1_000_000);
    }
  }

  private void setDoneUntil(Connection c, long res, long doneUntil) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollup_state (res, done_until, rolling_until)"
        + " VALUES (?, ?, ?) ON CONFLICT (res) DO UPDATE SET done_until = excluded.done_until,"
        + " rolling_until = " + dialect.greatest + "(rollup_state.rolling_until, excluded.rolling_until)")) {
      ps.setLong(1, res);
      ps.setLong(2, doneUntil);
      ps.setLong(3, doneUntil);
      ps.executeUpdate();
    }
  }

  /**
   * Rolls source rows in {@code [from, to)} into target buckets, a few series per transaction,
   * replacing target rows (so re-rolling is idempotent). With {@code advance}, the last transaction
   * also moves the watermark to {@code to}.
   */
  private void rollRange(long source, long target, long from, long to, RollupCounters rc, boolean advance) {
    if (advance) {
      // Nothing can be in the range when no series was seen in it: just move the watermark. The
      // check runs inside the write transaction, so no write can slip in between.
      boolean empty = inWrite("advance empty rollup range", c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT count(*) FROM series WHERE last_seen >= ? AND first_seen < ?")) {
          ps.setLong(1, from - LAST_SEEN_GRANULARITY_MILLIS - source);
          ps.setLong(2, to);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) > 0) {
              return false;
            }
          }
        }
        setDoneUntil(c, target, to);
        return true;
      });
      if (empty) {
        rc.transactions++;
        return;
      }
      // Before reading: a write landing in [from, to) from now on sees it and marks its bucket dirty.
      inWrite("mark rollup range", c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE rollup_state SET rolling_until = "
            + dialect.greatest + "(rolling_until, ?) WHERE res = ?")) {
          ps.setLong(1, to);
          ps.setLong(2, target);
          ps.executeUpdate();
        }
        return null;
      });
    }
    List<long[]> series = inRead("list series to roll up", c -> {
      List<long[]> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, type FROM series WHERE last_seen >= ? AND first_seen < ? ORDER BY id")) {
        ps.setLong(1, from - LAST_SEEN_GRANULARITY_MILLIS - source);
        ps.setLong(2, to);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new long[] {rs.getLong(1), typeOf(rs.getString(2)).ordinal()});
          }
        }
      }
      return out;
    });
    int i = 0;
    do {
      int batch = rollupBatch;
      List<long[]> part = series.subList(i, Math.min(series.size(), i + batch));
      boolean last = i + batch >= series.size();
      long t0 = System.nanoTime();
      long[] tallies = inWrite("roll up", c -> {
        long read = 0;
        long written = 0;
        for (long[] s : part) {
          MetricType type = MetricType.values()[(int) s[1]];
          TreeMap<Long, Map<Integer, PointAccumulator>> byBucket = new TreeMap<>();
          long[] n = {0};
          scan(c, type, s[0], new Segment(source, from, to - 1), (p, node, upd) -> {
            n[0]++;
            byBucket.computeIfAbsent(floor(p.timeMillis(), target), b -> new HashMap<>())
                .computeIfAbsent(node, x -> new PointAccumulator(type))
                .add(p, upd);
          });
          read += n[0];
          List<Row> rows = new ArrayList<>();
          byBucket.forEach((bucket, nodes) -> nodes.forEach(
              (node, acc) -> rows.add(new Row(s[0], node, acc.toPoint(bucket), acc.lastSetAt()))));
          replaceRows(c, type, rows, target);
          written += rows.size();
        }
        if (last) {
          if (advance) {
            setDoneUntil(c, target, to);
          }
          markCascade(c, target, from, to);
        }
        return new long[] {read, written};
      });
      long nanos = System.nanoTime() - t0;
      rc.transaction(nanos);
      rc.read += tallies[0];
      rc.written += tallies[1];
      if (nanos / 1_000_000 > settings.flushIntervalMillis() / 4 && rollupBatch > 1) {
        rollupBatch = Math.max(1, rollupBatch / 2);
        log.info("rollup transaction took {} ms; now {} series per transaction", nanos / 1_000_000, rollupBatch);
      }
      i += batch;
    } while (i < series.size());
  }

  /** A re-rolled range below the next level's watermark makes those coarser buckets dirty in turn. */
  private void markCascade(Connection c, long target, long from, long to) throws SQLException {
    int k = resolutions.indexOf(target);
    if (k + 1 >= resolutions.size()) {
      return;
    }
    long next = resolutions.get(k + 1);
    Long nextDone = doneUntil(c, next);
    if (nextDone == null) {
      return;
    }
    for (long b = floor(from, next); b < Math.min(to, nextDone); b += next) {
      markDirty(c, next, b);
    }
  }

  /** Series deleted per transaction at most. */
  private static final int EXPIRE_SERIES_BATCH = 500;

  /** Tables whose rows refer to a series, all keyed with {@code series_id} first. */
  private static final List<String> SERIES_TABLES = List.of("counter_points", "gauge_points", "timer_points",
      "set_points", "counter_totals", "gauge_values");

  /**
   * Deletes series that outlived every retention level, with every row referring to them, at most
   * {@link #EXPIRE_SERIES_BATCH} per transaction. A series qualifies when {@code last_seen} (which
   * lags its newest point by less than {@link #LAST_SEEN_GRANULARITY_MILLIS}) is older than the
   * longest retention plus that lag, so none of its points can remain. See the class Javadoc for
   * why the epoch bump comes first and how writers holding a cached id are kept safe.
   */
  private void expireSeries(long now, RollupCounters rc) {
    long cutoff = now - policy.retentionMillis(resolutions.get(resolutions.size() - 1)) - LAST_SEEN_GRANULARITY_MILLIS;
    List<Long> candidates = inRead("list expired series", c -> {
      List<Long> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM series WHERE last_seen < ? ORDER BY id")) {
        ps.setLong(1, cutoff);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getLong(1));
          }
        }
      }
      return out;
    });
    for (int i = 0; i < candidates.size(); i += EXPIRE_SERIES_BATCH) {
      List<Long> part = candidates.subList(i, Math.min(candidates.size(), i + EXPIRE_SERIES_BATCH));
      long t0 = System.nanoTime();
      long[] result = inWrite("expire series", c -> {
        long epoch;
        // First: waits for write transactions holding the epoch (PostgreSQL) and keeps new ones out.
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE series_epoch SET epoch = epoch + 1 WHERE id = 1")) {
          if (ps.executeUpdate() != 1) {
            throw new SQLException("the series_epoch row is missing");
          }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM series_epoch WHERE id = 1");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          epoch = rs.getLong(1);
        }
        // Then, in a fresh statement (it sees what those writes committed), the series that still qualify.
        List<Long> gone = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT id FROM series WHERE last_seen < ? AND id IN (");
        for (int k = 0; k < part.size(); k++) {
          sql.append(k == 0 ? "?" : ", ?");
        }
        sql.append(')');
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
          ps.setLong(1, cutoff);
          for (int k = 0; k < part.size(); k++) {
            ps.setLong(2 + k, part.get(k));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              gone.add(rs.getLong(1));
            }
          }
        }
        long rows = 0;
        if (!gone.isEmpty()) {
          for (String table : SERIES_TABLES) {
            rows += deleteBySeries(c, "DELETE FROM " + table + " WHERE series_id = ?", gone);
          }
          deleteBySeries(c, "DELETE FROM series WHERE id = ?", gone);
        }
        return new long[] {epoch, gone.size(), rows};
      });
      rc.transaction(System.nanoTime() - t0);
      // Drop this store's cached ids at once rather than at its next write.
      advanceCache(result[0]);
      rc.seriesExpired += result[1];
      rc.expired += result[2];
      if (result[1] > 0) {
        log.info("expired {} series that outlived every retention level ({} rows)", result[1], result[2]);
      }
    }
  }

  private static long deleteBySeries(Connection c, String sql, List<Long> ids) throws SQLException {
    long n = 0;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (long id : ids) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      for (int count : ps.executeBatch()) {
        n += Math.max(0, count);
      }
    }
    return n;
  }

  /**
   * Deletes series that outlived every retention level, then rows past their retention, a few
   * series per transaction, and prunes the write log.
   */
  private void expire(long now, RollupCounters rc) {
    expireSeries(now, rc);
    List<long[]> series = inRead("list series to expire", c -> {
      List<long[]> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, type FROM series ORDER BY id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new long[] {rs.getLong(1), typeOf(rs.getString(2)).ordinal()});
        }
      }
      return out;
    });
    int batch = Math.max(1, settings.rollupBatchSeries()) * 4;
    for (int i = 0; i < series.size(); i += batch) {
      List<long[]> part = series.subList(i, Math.min(series.size(), i + batch));
      long t0 = System.nanoTime();
      long deleted = inWrite("expire rows", c -> {
        long n = 0;
        for (MetricType type : MetricType.values()) {
          try (PreparedStatement ps = c.prepareStatement(
              "DELETE FROM " + table(type) + " WHERE series_id = ? AND res = ? AND ts < ?")) {
            int added = 0;
            for (long[] s : part) {
              if (s[1] != type.ordinal()) {
                continue;
              }
              for (long r : resolutions) {
                ps.setLong(1, s[0]);
                ps.setLong(2, r);
                ps.setLong(3, now - policy.retentionMillis(r));
                ps.addBatch();
                added++;
              }
            }
            if (added > 0) {
              for (int count : ps.executeBatch()) {
                n += Math.max(0, count);
              }
            }
          }
        }
        return n;
      });
      rc.transaction(System.nanoTime() - t0);
      rc.expired += deleted;
    }
    long t0 = System.nanoTime();
    inWrite("prune write log", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM write_log WHERE written_at < ?")) {
        ps.setLong(1, now - WRITE_LOG_KEEP_MILLIS);
        ps.executeUpdate();
      }
      return null;
    });
    rc.transaction(System.nanoTime() - t0);
  }
}
