package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.storage.PointRows.Segment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link StoredSeries} on one read connection: the key's series rows are read once when it is made,
 * the rollup watermarks at most once, and every point or bucket read reuses both. Not thread-safe;
 * lives inside one read transaction.
 */
final class JdbcStoredSeries implements StoredSeries {

  private final JdbcMetricStore store;
  private final Connection c;
  private final MetricKey key;
  private final List<SeriesInfo> types = new ArrayList<>();
  private final Map<MetricType, Long> ids = new EnumMap<>(MetricType.class);

  /** {@code rollup_state.done_until} per resolution, read on first use. */
  private Map<Long, Long> doneUntil;

  /** The live spans per type, read on first use. */
  private final Map<MetricType, IdleIntervals> idle = new EnumMap<>(MetricType.class);

  JdbcStoredSeries(JdbcMetricStore store, Connection c, MetricKey key) throws SQLException {
    this.store = store;
    this.c = c;
    this.key = key;
    Map<MetricType, SeriesInfo> byType = new EnumMap<>(MetricType.class);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT type, id, first_seen, last_sample FROM series WHERE canonical_key = ?")) {
      ps.setString(1, key.canonical());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          MetricType type = PointRows.typeOf(rs.getString(1));
          ids.put(type, rs.getLong(2));
          byType.put(type, new SeriesInfo(key, type, rs.getLong(3), rs.getLong(4)));
        }
      }
    }
    types.addAll(byType.values());
  }

  @Override
  public MetricKey key() {
    return key;
  }

  @Override
  public List<SeriesInfo> types() {
    return List.copyOf(types);
  }

  @Override
  public List<StoredPoint> points(MetricType type, long fromMillis, long toMillis) {
    Long id = ids.get(type);
    if (id == null || toMillis < fromMillis) {
      return List.of();
    }
    try {
      List<StoredPoint> out = new ArrayList<>();
      for (Segment seg : plan(fromMillis, toMillis, new ArrayList<>(store.resolutions()))) {
        Merging merging = new Merging(type, out);
        IdleIntervals.Merge rows =
            idle(type, id)
                .around(type, seg, (p, node, setAt) -> merging.add(p.timeMillis(), p, setAt));
        PointRows.scan(c, type, id, seg, rows);
        rows.finish();
        merging.finish();
      }
      return out;
    } catch (SQLException e) {
      throw new SeriesReads.SqlFailure(e);
    }
  }

  @Override
  public List<StoredPoint> buckets(
      MetricType type, long fromMillis, long toMillis, long bucketMillis) {
    if (bucketMillis <= 0) {
      throw new IllegalArgumentException("bucket width must be positive, got " + bucketMillis);
    }
    Long id = ids.get(type);
    if (id == null || toMillis < fromMillis) {
      return List.of();
    }
    List<Long> resolutions = store.resolutions();
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
    try {
      List<Segment> segments = plan(fromMillis, toMillis, preference);
      if (type == MetricType.COUNTER) {
        return counterBuckets(id, segments, fromMillis, bucketMillis);
      }
      // Segments come in time order and rows in each by time, so buckets complete one after
      // another.
      List<StoredPoint> out = new ArrayList<>();
      Merging merging = new Merging(type, out);
      for (Segment seg : segments) {
        IdleIntervals.Merge rows =
            idle(type, id)
                .around(
                    type,
                    seg,
                    (p, node, setAt) ->
                        merging.add(
                            fromMillis
                                + Math.floorDiv(p.timeMillis() - fromMillis, bucketMillis)
                                    * bucketMillis,
                            p,
                            setAt));
        PointRows.scan(c, type, id, seg, rows);
        rows.finish();
      }
      merging.finish();
      return out;
    } catch (SQLException e) {
      throw new SeriesReads.SqlFailure(e);
    }
  }

  /**
   * Merges consecutive rows with the same time (a stored interval, or a bucket) into one point
   * each.
   */
  private static final class Merging {
    private final MetricType type;
    private final List<StoredPoint> out;
    private long current = Long.MIN_VALUE;
    private PointAccumulator acc;

    Merging(MetricType type, List<StoredPoint> out) {
      this.type = type;
      this.out = out;
    }

    void add(long time, StoredPoint p, long setAt) {
      if (time != current) {
        finish();
        acc = new PointAccumulator(type);
        current = time;
      }
      acc.add(p, setAt);
    }

    void finish() {
      if (acc != null) {
        out.add(acc.toPoint(current));
        acc = null;
      }
    }
  }

  /**
   * Counter buckets summed by the database: a counter bucket is a plain sum, and letting SQL add
   * avoids materialising every row (a month of 10 s rows reads several times faster).
   */
  private List<StoredPoint> counterBuckets(
      long id, List<Segment> segments, long from, long bucketMillis) throws SQLException {
    List<StoredPoint> out = new ArrayList<>();
    for (Segment seg : segments) {
      // The segment's buckets in order: the sums, and a 0 where only idle intervals fall.
      TreeMap<Long, Double> sums = new TreeMap<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT (ts - ?) / ? AS b, sum(count) FROM counter_points"
                  + " WHERE series_id = ? AND res = ? AND ts >= ? AND ts <= ? GROUP BY 1 ORDER BY 1")) {
        ps.setLong(1, from);
        ps.setLong(2, bucketMillis);
        ps.setLong(3, id);
        ps.setLong(4, seg.res());
        ps.setLong(5, seg.from());
        ps.setLong(6, seg.to());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sums.put(from + rs.getLong(1) * bucketMillis, rs.getDouble(2));
          }
        }
      }
      IdleIntervals.Merge idleBuckets =
          idle(MetricType.COUNTER, id)
              .around(
                  MetricType.COUNTER,
                  seg,
                  (p, node, setAt) ->
                      sums.putIfAbsent(
                          from + Math.floorDiv(p.timeMillis() - from, bucketMillis) * bucketMillis,
                          0.0));
      idleBuckets.finish();
      for (Map.Entry<Long, Double> e : sums.entrySet()) {
        long bucket = e.getKey();
        StoredPoint last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && last.timeMillis() == bucket) {
          out.set(
              out.size() - 1,
              StoredPoint.counter(
                  bucket,
                  Math.max(last.resolutionMillis(), seg.res()),
                  last.count() + e.getValue()));
        } else {
          out.add(StoredPoint.counter(bucket, seg.res(), e.getValue()));
        }
      }
    }
    return out;
  }

  private IdleIntervals idle(MetricType type, long id) throws SQLException {
    IdleIntervals spans = idle.get(type);
    if (spans == null) {
      spans = IdleIntervals.of(c, id, store.resolutions());
      idle.put(type, spans);
    }
    return spans;
  }

  /**
   * Splits {@code [from, to]} into segments, each read at the first resolution of {@code
   * preference} that holds data there. A resolution holds {@code [now - retention, doneUntil)}: the
   * raw resolution up to now, a rolled-up one up to its rollup watermark (so the newest, not yet
   * rolled part of a range is read from the finer resolution instead of coming back empty).
   */
  private List<Segment> plan(long from, long to, List<Long> preference) throws SQLException {
    if (doneUntil == null) {
      doneUntil = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT res, done_until FROM rollup_state");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          doneUntil.put(rs.getLong(1), rs.getLong(2));
        }
      }
    }
    return ReadPlan.segments(
        from,
        to,
        preference,
        store.resolutions().get(0),
        store.retention(),
        store.settings.clock().millis(),
        doneUntil);
  }
}
