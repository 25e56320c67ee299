package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.snapshot.FlushSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetricStore#write}: one flushed snapshot in one write transaction — its points, new
 * series, counter totals, gauge values, the series' seen and sampled marks, late-bucket marks for
 * the rollup, and the write-log row that makes a retried write a no-op.
 *
 * <p>Thread-safe (no state of its own beyond the shared {@link SeriesIds}).
 */
final class SnapshotWriter {

  private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);

  /** {@code series.last_seen} is rewritten at most this often per series, to keep flush writes small. */
  static final long LAST_SEEN_GRANULARITY_MILLIS = 60_000L;

  /** Keys per {@code IN} lookup of existing rows. */
  private static final int LOOKUP_CHUNK = 500;

  private final JdbcMetricStore store;
  private final SeriesIds seriesIds;
  private final LiveSpans liveSpans = new LiveSpans();
  private final String upsertCounter;
  private final String upsertGauge;
  private final String upsertCounterTotal;
  private final String touchSeries;
  private final String markSampled;
  /** Also used by {@link PersistedValues#saveGaugeValues}. */
  final String upsertGaugeValue;

  SnapshotWriter(JdbcMetricStore store, SeriesIds seriesIds) {
    this.store = store;
    this.seriesIds = seriesIds;
    Dialect dialect = store.dialect;
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

  /**
   * See {@link MetricStore#write}. In a live snapshot that follows the node's previous one, an
   * idle series (nothing received in the interval: a counter 0, a timer or set without values, a
   * gauge holding its value) is written as no row: its interval is covered by the node's live span
   * ({@link LiveSpans}) and read back as the row the idle flush would have stored.
   */
  boolean write(String nodeId, long writeId, FlushSnapshot s) {
    // One statement may not upsert the same row twice (PostgreSQL refuses), so a series listed twice
    // in one snapshot is merged here: counts add, the later gauge value wins. A non-finite value
    // (SQLite would store NULL and refuse the row) is left out, so it cannot sink the whole flush.
    List<FlushSnapshot.CounterPoint> counters = dedupeCounters(s.counters());
    List<FlushSnapshot.GaugePoint> gauges = dedupeGauges(s.gauges());
    WriteStaging staging = new WriteStaging();
    boolean applied;
    try {
      applied = store.inWrite("write snapshot", c -> writeIn(c, nodeId, writeId, s, counters, gauges, staging));
    } catch (RuntimeException e) {
      // The commit may have happened all the same: read the node's spans afresh next time.
      staging.forgetSpans(liveSpans);
      throw e;
    }
    if (applied) {
      seriesIds.publish(staging);
      staging.publishSpans(liveSpans);
    } else {
      staging.forgetSpans(liveSpans);
    }
    return applied;
  }

  private boolean writeIn(Connection c, String nodeId, long writeId, FlushSnapshot s,
      List<FlushSnapshot.CounterPoint> counters, List<FlushSnapshot.GaugePoint> gauges, WriteStaging staging)
      throws SQLException {
    seriesIds.cacheFor(c, staging);
    int node = seriesIds.nodeId(c, nodeId, staging);
    staging.node = node;
    if (alreadyWritten(c, node, writeId)) {
      return false;
    }
    long ts = s.intervalStartMillis();
    long[] counterIds = seriesIds.ids(c, staging, keys(counters, FlushSnapshot.CounterPoint::key), MetricType.COUNTER, ts);
    long[] gaugeIds = seriesIds.ids(c, staging, keys(gauges, FlushSnapshot.GaugePoint::key), MetricType.GAUGE, ts);
    long[] timerIds = seriesIds.ids(c, staging, keys(s.timers(), FlushSnapshot.TimerPoint::key), MetricType.TIMER, ts);
    long[] setIds = seriesIds.ids(c, staging, keys(s.sets(), FlushSnapshot.SetPoint::key), MetricType.SET, ts);
    if (!s.backfill()) {
      staging.spans = liveSpans.record(c, node, ts, s.intervalEndMillis(),
          concat(counterIds, gaugeIds, timerIds, setIds));
    }
    // Rows only for what changed when the spans cover the idle rest; otherwise every point is a row.
    boolean skipIdle = staging.spans != null;
    IntPredicate counterRow = i -> !skipIdle || counters.get(i).sampled() || counters.get(i).count() != 0;
    IntPredicate timerRow = i -> !skipIdle || s.timers().get(i).stats().sampleCount() > 0
        || s.timers().get(i).stats().count() != 0;
    IntPredicate setRow = i -> !skipIdle || s.sets().get(i).unique() > 0;
    IntPredicate gaugeRow = i -> !skipIdle || gauges.get(i).sampled();
    writeCounters(c, s, node, counters, counterIds, counterRow);
    writeGauges(c, s, node, gauges, gaugeIds, gaugeRow);
    writeTimers(c, s, node, timerIds, timerRow);
    writeSets(c, s, node, setIds, setRow);
    touchSeries(c, staging, s.backfill(), ts, select(counterIds, counterRow), select(gaugeIds, gaugeRow),
        select(timerIds, timerRow), select(setIds, setRow));
    List<Long> sampled = new ArrayList<>();
    addSampled(sampled, counterIds, i -> counters.get(i).sampled());
    addSampled(sampled, gaugeIds, i -> gauges.get(i).sampled());
    addSampled(sampled, timerIds, i -> s.timers().get(i).stats().sampleCount() > 0);
    addSampled(sampled, setIds, i -> s.sets().get(i).unique() > 0);
    markSampled(c, staging, ts, sampled);
    markLate(c, s.intervalMillis(), ts);
    logWrite(c, node, writeId, ts, s.size());
    return true;
  }

  private static long[] concat(long[]... lists) {
    int n = 0;
    for (long[] l : lists) {
      n += l.length;
    }
    long[] out = new long[n];
    int at = 0;
    for (long[] l : lists) {
      System.arraycopy(l, 0, out, at, l.length);
      at += l.length;
    }
    return out;
  }

  /** The ids at the indexes {@code keep} accepts. */
  private static long[] select(long[] ids, IntPredicate keep) {
    long[] out = new long[ids.length];
    int n = 0;
    for (int i = 0; i < ids.length; i++) {
      if (keep.test(i)) {
        out[n++] = ids[i];
      }
    }
    return n == ids.length ? ids : Arrays.copyOf(out, n);
  }

  private static boolean alreadyWritten(Connection c, int node, long writeId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM write_log WHERE node_id = ? AND write_id = ?")) {
      ps.setInt(1, node);
      ps.setLong(2, writeId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void logWrite(Connection c, int node, long writeId, long ts, int points) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO write_log (node_id, write_id, interval_start, written_at, points) VALUES (?, ?, ?, ?, ?)")) {
      ps.setInt(1, node);
      ps.setLong(2, writeId);
      ps.setLong(3, ts);
      ps.setLong(4, store.settings.clock().millis());
      ps.setInt(5, points);
      ps.executeUpdate();
    }
  }

  private void writeCounters(Connection c, FlushSnapshot s, int node, List<FlushSnapshot.CounterPoint> counters,
      long[] ids, IntPredicate asRow) throws SQLException {
    if (select(ids, asRow).length == 0) {
      return;
    }
    try (PreparedStatement points = c.prepareStatement(upsertCounter);
        PreparedStatement totals = c.prepareStatement(upsertCounterTotal)) {
      for (int i = 0; i < ids.length; i++) {
        if (!asRow.test(i)) {
          continue;
        }
        double count = counters.get(i).count();
        PointRows.setKey(points, ids[i], s.intervalMillis(), s.intervalStartMillis(), node);
        points.setDouble(5, count);
        points.addBatch();
        totals.setLong(1, ids[i]);
        totals.setInt(2, node);
        // The running total is Prometheus' _total, which cannot go down: a negative interval adds nothing.
        totals.setDouble(3, Math.max(0, count));
        totals.setLong(4, s.intervalEndMillis());
        totals.addBatch();
      }
      points.executeBatch();
      totals.executeBatch();
    }
  }

  private void writeGauges(Connection c, FlushSnapshot s, int node, List<FlushSnapshot.GaugePoint> gauges,
      long[] ids, IntPredicate asRow) throws SQLException {
    if (select(ids, asRow).length == 0) {
      return;
    }
    long end = s.intervalEndMillis();
    try (PreparedStatement points = c.prepareStatement(upsertGauge);
        PreparedStatement values = c.prepareStatement(upsertGaugeValue)) {
      for (int i = 0; i < ids.length; i++) {
        if (!asRow.test(i)) {
          continue;
        }
        double v = gauges.get(i).value();
        long setAt = gauges.get(i).setAtMillis();
        PointRows.setKey(points, ids[i], s.intervalMillis(), s.intervalStartMillis(), node);
        points.setDouble(5, v);
        points.setDouble(6, v);
        points.setDouble(7, v);
        points.setLong(8, end);
        points.setLong(9, setAt);
        points.addBatch();
        values.setLong(1, ids[i]);
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

  private void writeTimers(Connection c, FlushSnapshot s, int node, long[] ids, IntPredicate asRow)
      throws SQLException {
    List<StoredPoint> pts = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      if (asRow.test(i)) {
        var t = s.timers().get(i);
        var st = t.stats();
        pts.add(StoredPoint.timer(s.intervalStartMillis(), s.intervalMillis(), st.count(), st.sampleCount(), st.sum(),
            st.sumSquares(), st.lower(), st.upper(), t.sketch()));
      }
    }
    if (!pts.isEmpty()) {
      insertOrMerge(c, MetricType.TIMER, select(ids, asRow), node, pts);
    }
  }

  private void writeSets(Connection c, FlushSnapshot s, int node, long[] ids, IntPredicate asRow)
      throws SQLException {
    List<StoredPoint> pts = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      if (asRow.test(i)) {
        FlushSnapshot.SetPoint p = s.sets().get(i);
        pts.add(StoredPoint.set(s.intervalStartMillis(), s.intervalMillis(), p.unique(), p.sketch()));
      }
    }
    if (!pts.isEmpty()) {
      insertOrMerge(c, MetricType.SET, select(ids, asRow), node, pts);
    }
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

  /** Of a gauge listed twice, the value set later is kept. */
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

  private static <T> List<MetricKey> keys(List<T> points, Function<T, MetricKey> key) {
    List<MetricKey> out = new ArrayList<>(points.size());
    for (T p : points) {
      out.add(key.apply(p));
    }
    return out;
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
    Set<Long> existing = existingRows(c, type, ids, res, ts, node);
    String insert = type == MetricType.TIMER
        ? "INSERT INTO timer_points (series_id, res, ts, node_id, count, sample_count, sum, sum_squares, min, max, sketch)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        : "INSERT INTO set_points (series_id, res, ts, node_id, unique_count, sketch) VALUES (?, ?, ?, ?, ?, ?)";
    int added = 0;
    boolean[] merge = new boolean[ids.length];
    Set<Long> inserting = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (int i = 0; i < ids.length; i++) {
        // A series listed twice in one snapshot merges its second entry into the first.
        if (existing.contains(ids[i]) || !inserting.add(ids[i])) {
          merge[i] = true;
        } else {
          PointRows.bindValues(ps, type, ids[i], node, pts.get(i));
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
        PointAccumulator acc = new PointAccumulator(type);
        PointRows.readOne(c, type, ids[i], res, ts, node, acc);
        acc.add(pts.get(i).withCopiedSketches(), 0L);
        PointRows.replaceRows(c, type, List.of(new PointRows.Row(ids[i], node, acc.toPoint(ts), 0L)), res,
            store.settings.clock().millis());
      }
    }
  }

  private static Set<Long> existingRows(Connection c, MetricType type, long[] ids, long res, long ts, int node)
      throws SQLException {
    Set<Long> existing = new HashSet<>();
    for (int from = 0; from < ids.length; from += LOOKUP_CHUNK) {
      int to = Math.min(ids.length, from + LOOKUP_CHUNK);
      try (PreparedStatement ps = c.prepareStatement("SELECT series_id FROM " + PointRows.table(type)
          + " WHERE res = ? AND ts = ? AND node_id = ? AND series_id IN " + PointRows.placeholders(to - from))) {
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
    return existing;
  }

  private void touchSeries(Connection c, WriteStaging staging, boolean backfill, long ts, long[]... idLists)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(touchSeries)) {
      int n = 0;
      for (long[] ids : idLists) {
        for (long id : ids) {
          Long prev = staging.cache.lastSeen.get(id);
          if (backfill || prev == null || ts >= prev + LAST_SEEN_GRANULARITY_MILLIS) {
            ps.setLong(1, ts);
            ps.setLong(2, ts);
            ps.setLong(3, id);
            ps.addBatch();
            n++;
            staging.seen.put(id, prev == null ? ts : Math.max(prev, ts));
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
  private void markSampled(Connection c, WriteStaging staging, long ts, List<Long> ids) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(markSampled)) {
      int n = 0;
      for (long id : ids) {
        Long prev = staging.cache.lastSample.get(id);
        if (prev == null || ts > prev) {
          ps.setLong(1, ts);
          ps.setLong(2, id);
          ps.addBatch();
          n++;
          staging.sampled.merge(id, ts, Math::max);
        }
      }
      if (n > 0) {
        ps.executeBatch();
      }
    }
  }

  /** If rows at {@code res} and {@code ts} land in an already rolled-up bucket, marks that bucket for a re-roll. */
  private void markLate(Connection c, long res, long ts) throws SQLException {
    List<Long> resolutions = store.resolutions();
    int i = resolutions.indexOf(res);
    if (i < 0 || i + 1 >= resolutions.size()) {
      return;
    }
    long next = resolutions.get(i + 1);
    try (PreparedStatement ps = c.prepareStatement("SELECT rolling_until FROM rollup_state WHERE res = ?")) {
      ps.setLong(1, next);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && ts < rs.getLong(1)) {
          Rollups.markDirty(c, next, PointRows.floor(ts, next));
        }
      }
    }
  }
}
