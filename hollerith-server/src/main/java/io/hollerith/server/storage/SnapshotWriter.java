package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.FlushSnapshot.CounterPoint;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import io.hollerith.server.snapshot.FlushSnapshot.SetPoint;
import io.hollerith.server.snapshot.FlushSnapshot.TimerPoint;
import io.hollerith.server.snapshot.LiveSetChanges;
import io.hollerith.server.snapshot.LiveSetChanges.SeriesRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * {@link MetricStore#write}: one flushed snapshot in one write transaction — its points, new
 * series, counter totals, gauge values, the series' seen and sampled marks, late-bucket marks for
 * the rollup, and the write-log row that makes a retried write a no-op.
 *
 * <p>Thread-safe (no state of its own beyond the shared {@link SeriesIds}).
 */
final class SnapshotWriter {

  /**
   * {@code series.last_seen} is rewritten at most this often per series, to keep flush writes
   * small.
   */
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
    upsertCounter =
        "INSERT INTO counter_points (series_id, res, ts, node_id, count) VALUES (?, ?, ?, ?, ?)"
            + pk
            + "count = counter_points.count + excluded.count";
    upsertGauge =
        "INSERT INTO gauge_points (series_id, res, ts, node_id, last, min, max, updated, set_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + pk
            + "last = CASE WHEN excluded.set_at >= gauge_points.set_at THEN excluded.last ELSE gauge_points.last END, "
            + "min = "
            + dialect.least("gauge_points.min", "excluded.min")
            + ", "
            + "max = "
            + dialect.greatest("gauge_points.max", "excluded.max")
            + ", "
            + "updated = "
            + dialect.greatest
            + "(gauge_points.updated, excluded.updated), "
            + "set_at = "
            + dialect.greatest
            + "(gauge_points.set_at, excluded.set_at)";
    upsertCounterTotal =
        "INSERT INTO counter_totals (series_id, node_id, total, updated) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (series_id, node_id) DO UPDATE SET total = counter_totals.total + excluded.total, "
            + "updated = "
            + dialect.greatest
            + "(counter_totals.updated, excluded.updated)";
    upsertGaugeValue =
        "INSERT INTO gauge_values (series_id, node_id, value, updated, set_at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (series_id, node_id) DO UPDATE SET value = excluded.value, updated = excluded.updated,"
            + " set_at = excluded.set_at WHERE excluded.updated >= gauge_values.updated";
    markSampled =
        "UPDATE series SET last_sample = " + dialect.greatest + "(last_sample, ?) WHERE id IN ";
    touchSeries =
        "UPDATE series SET last_seen = "
            + dialect.greatest
            + "(last_seen, ?), first_seen = "
            + dialect.least
            + "(first_seen, ?) WHERE id IN ";
  }

  /**
   * See {@link MetricStore#write}. In a live snapshot that follows the node's previous one, an idle
   * series (nothing received in the interval: a counter 0, a timer or set without values, a gauge
   * holding its value) is written as no row: its interval is covered by the node's live span
   * ({@link LiveSpans}) and read back as the row the idle flush would have stored. With the
   * snapshot's {@link LiveSetChanges} following the node's previous flush, only the series with
   * rows and those that joined or left the live set are resolved and touched.
   */
  boolean write(String nodeId, long writeId, FlushSnapshot s) {
    WriteStaging staging = new WriteStaging();
    boolean applied;
    try {
      applied = store.inWrite("write snapshot", c -> writeIn(c, nodeId, writeId, s, staging));
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

  /**
   * How many live flushes so far compared full lists of series with the open spans (see {@link
   * LiveSpans}).
   */
  long liveSpanFullComparisons() {
    return liveSpans.fullComparisons();
  }

  private boolean writeIn(
      Connection c, String nodeId, long writeId, FlushSnapshot s, WriteStaging staging)
      throws SQLException {
    seriesIds.cacheFor(c, staging);
    int node = seriesIds.nodeId(c, nodeId, staging);
    staging.node = node;
    if (alreadyWritten(c, node, writeId)) {
      return false;
    }
    long ts = s.intervalStartMillis();
    LiveSpans.Update update =
        s.backfill() ? LiveSpans.Update.NONE : liveSpans.updateFor(c, node, s);
    // Rows only for what changed when the spans cover the idle rest; otherwise every point is a
    // row.
    SnapshotRows rows =
        SnapshotRows.of(
            s, update != LiveSpans.Update.NONE, update == LiveSpans.Update.FULL_AFTER_GAP);
    long[] counterIds =
        seriesIds.ids(c, staging, keys(rows.counters(), CounterPoint::key), MetricType.COUNTER, ts);
    long[] gaugeIds =
        seriesIds.ids(c, staging, keys(rows.gauges(), GaugePoint::key), MetricType.GAUGE, ts);
    long[] timerIds =
        seriesIds.ids(c, staging, keys(rows.timers(), TimerPoint::key), MetricType.TIMER, ts);
    long[] setIds = seriesIds.ids(c, staging, keys(rows.sets(), SetPoint::key), MetricType.SET, ts);
    if (update == LiveSpans.Update.CHANGES) {
      LiveSetChanges changes = s.liveChanges();
      staging.spans =
          liveSpans.applyChanges(
              c,
              node,
              s,
              refIds(c, staging, changes.joined(), ts),
              refIds(c, staging, changes.left(), ts));
    } else if (update != LiveSpans.Update.NONE) {
      staging.spans = liveSpans.applyFull(c, node, s, listedIds(c, staging, s));
    }
    writeCounters(c, s, node, rows.counters(), counterIds);
    writeGauges(c, s, node, rows.gauges(), gaugeIds);
    writeTimers(c, s, node, rows.timers(), timerIds);
    writeSets(c, s, node, rows.sets(), setIds);
    touchSeries(c, staging, s.backfill(), ts, counterIds, gaugeIds, timerIds, setIds);
    List<Long> sampled = new ArrayList<>();
    addSampled(sampled, counterIds, i -> rows.counters().get(i).sampled());
    addSampled(sampled, gaugeIds, i -> rows.gauges().get(i).sampled());
    addSampled(sampled, timerIds, i -> rows.timers().get(i).stats().sampleCount() > 0);
    addSampled(sampled, setIds, i -> rows.sets().get(i).unique() > 0);
    markSampled(c, staging, ts, sampled);
    markLate(c, s.intervalMillis(), ts);
    logWrite(c, node, writeId, ts, s.size());
    return true;
  }

  /** Ids of the listed series, created if missing. */
  private long[] refIds(Connection c, WriteStaging staging, List<SeriesRef> refs, long ts)
      throws SQLException {
    Map<MetricType, List<MetricKey>> byType = new EnumMap<>(MetricType.class);
    for (SeriesRef r : refs) {
      byType.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r.key());
    }
    List<long[]> ids = new ArrayList<>();
    for (Map.Entry<MetricType, List<MetricKey>> e : byType.entrySet()) {
      ids.add(seriesIds.ids(c, staging, e.getValue(), e.getKey(), ts));
    }
    return concat(ids);
  }

  /**
   * Ids of every series the snapshot lists, idle ones included (not those whose value is not
   * finite).
   */
  private long[] listedIds(Connection c, WriteStaging staging, FlushSnapshot s)
      throws SQLException {
    long ts = s.intervalStartMillis();
    List<MetricKey> counters = new ArrayList<>();
    s.counters().stream()
        .filter(p -> Double.isFinite(p.count()))
        .forEach(p -> counters.add(p.key()));
    List<MetricKey> gauges = new ArrayList<>();
    s.gauges().stream().filter(p -> Double.isFinite(p.value())).forEach(p -> gauges.add(p.key()));
    return concat(
        List.of(
            seriesIds.ids(c, staging, counters, MetricType.COUNTER, ts),
            seriesIds.ids(c, staging, gauges, MetricType.GAUGE, ts),
            seriesIds.ids(c, staging, keys(s.timers(), TimerPoint::key), MetricType.TIMER, ts),
            seriesIds.ids(c, staging, keys(s.sets(), SetPoint::key), MetricType.SET, ts)));
  }

  private static long[] concat(List<long[]> lists) {
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

  private static boolean alreadyWritten(Connection c, int node, long writeId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM write_log WHERE node_id = ? AND write_id = ?")) {
      ps.setInt(1, node);
      ps.setLong(2, writeId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void logWrite(Connection c, int node, long writeId, long ts, int points)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO write_log (node_id, write_id, interval_start, written_at, points) VALUES (?, ?, ?, ?, ?)")) {
      ps.setInt(1, node);
      ps.setLong(2, writeId);
      ps.setLong(3, ts);
      ps.setLong(4, store.settings.clock().millis());
      ps.setInt(5, points);
      ps.executeUpdate();
    }
  }

  private void writeCounters(
      Connection c, FlushSnapshot s, int node, List<CounterPoint> counters, long[] ids)
      throws SQLException {
    if (ids.length == 0) {
      return;
    }
    try (PreparedStatement points = c.prepareStatement(upsertCounter);
        PreparedStatement totals = c.prepareStatement(upsertCounterTotal)) {
      for (int i = 0; i < ids.length; i++) {
        double count = counters.get(i).count();
        PointRows.setKey(points, ids[i], s.intervalMillis(), s.intervalStartMillis(), node);
        points.setDouble(5, count);
        points.addBatch();
        totals.setLong(1, ids[i]);
        totals.setInt(2, node);
        // The running total is Prometheus' _total, which cannot go down: a negative interval adds
        // nothing.
        totals.setDouble(3, Math.max(0, count));
        totals.setLong(4, s.intervalEndMillis());
        totals.addBatch();
      }
      points.executeBatch();
      totals.executeBatch();
    }
  }

  private void writeGauges(
      Connection c, FlushSnapshot s, int node, List<GaugePoint> gauges, long[] ids)
      throws SQLException {
    if (ids.length == 0) {
      return;
    }
    long end = s.intervalEndMillis();
    try (PreparedStatement points = c.prepareStatement(upsertGauge);
        PreparedStatement values = c.prepareStatement(upsertGaugeValue)) {
      for (int i = 0; i < ids.length; i++) {
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

  private void writeTimers(
      Connection c, FlushSnapshot s, int node, List<TimerPoint> timers, long[] ids)
      throws SQLException {
    List<StoredPoint> pts = new ArrayList<>(timers.size());
    for (TimerPoint t : timers) {
      var st = t.stats();
      pts.add(
          StoredPoint.timer(
              s.intervalStartMillis(),
              s.intervalMillis(),
              st.count(),
              st.sampleCount(),
              st.sum(),
              st.sumSquares(),
              st.lower(),
              st.upper(),
              t.sketch()));
    }
    if (!pts.isEmpty()) {
      insertOrMerge(c, MetricType.TIMER, ids, node, pts);
    }
  }

  private void writeSets(Connection c, FlushSnapshot s, int node, List<SetPoint> sets, long[] ids)
      throws SQLException {
    List<StoredPoint> pts = new ArrayList<>(sets.size());
    for (SetPoint p : sets) {
      pts.add(StoredPoint.set(s.intervalStartMillis(), s.intervalMillis(), p.unique(), p.sketch()));
    }
    if (!pts.isEmpty()) {
      insertOrMerge(c, MetricType.SET, ids, node, pts);
    }
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
   * re-flush after a restart) are merged in Java. Existing rows are found first with a keyed {@code
   * IN} lookup rather than from batch update counts, which PostgreSQL's rewritten batches do not
   * report.
   */
  private void insertOrMerge(
      Connection c, MetricType type, long[] ids, int node, List<StoredPoint> pts)
      throws SQLException {
    long res = pts.get(0).resolutionMillis();
    long ts = pts.get(0).timeMillis();
    Set<Long> existing = existingRows(c, type, ids, res, ts, node);
    String insert =
        type == MetricType.TIMER
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
        PointRows.replaceRows(
            c,
            type,
            List.of(new PointRows.Row(ids[i], node, acc.toPoint(ts), 0L)),
            res,
            store.settings.clock().millis());
      }
    }
  }

  private static Set<Long> existingRows(
      Connection c, MetricType type, long[] ids, long res, long ts, int node) throws SQLException {
    Set<Long> existing = new HashSet<>();
    for (int from = 0; from < ids.length; from += LOOKUP_CHUNK) {
      int to = Math.min(ids.length, from + LOOKUP_CHUNK);
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT series_id FROM "
                  + PointRows.table(type)
                  + " WHERE res = ? AND ts = ? AND node_id = ? AND series_id IN "
                  + PointRows.placeholders(to - from))) {
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

  private void touchSeries(
      Connection c, WriteStaging staging, boolean backfill, long ts, long[]... idLists)
      throws SQLException {
    long[] touched = new long[Arrays.stream(idLists).mapToInt(ids -> ids.length).sum()];
    int n = 0;
    for (long[] ids : idLists) {
      for (long id : ids) {
        Long prev = staging.cache.lastSeen.get(id);
        if (backfill || prev == null || ts >= prev + LAST_SEEN_GRANULARITY_MILLIS) {
          touched[n++] = id;
          staging.seen.put(id, prev == null ? ts : Math.max(prev, ts));
        }
      }
    }
    IdChunks.update(c, touchSeries, new long[] {ts, ts}, touched, n);
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
   * received samples in this interval; idle flushes (zero counters, empty timers, gauges sent
   * again) leave it. Unlike {@code last_seen}, which tracks rows written for rollups and expiry, it
   * is written for every interval with samples.
   */
  private void markSampled(Connection c, WriteStaging staging, long ts, List<Long> ids)
      throws SQLException {
    long[] marked = new long[ids.size()];
    int n = 0;
    for (long id : ids) {
      Long prev = staging.cache.lastSample.get(id);
      if (prev == null || ts > prev) {
        marked[n++] = id;
        staging.sampled.merge(id, ts, Math::max);
      }
    }
    IdChunks.update(c, markSampled, new long[] {ts}, marked, n);
  }

  /**
   * If rows at {@code res} and {@code ts} land in an already rolled-up bucket, marks that bucket
   * for a re-roll.
   */
  private void markLate(Connection c, long res, long ts) throws SQLException {
    List<Long> resolutions = store.resolutions();
    int i = resolutions.indexOf(res);
    if (i < 0 || i + 1 >= resolutions.size()) {
      return;
    }
    long next = resolutions.get(i + 1);
    try (PreparedStatement ps =
        c.prepareStatement("SELECT rolling_until FROM rollup_state WHERE res = ?")) {
      ps.setLong(1, next);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && ts < rs.getLong(1)) {
          Rollups.markDirty(c, next, PointRows.floor(ts, next));
        }
      }
    }
  }
}
