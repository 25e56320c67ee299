package io.hollerith.server.storage;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.sketch.MalformedSketchException;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;

/**
 * The SQL of the four point tables ({@code counter_points}, {@code gauge_points}, {@code
 * timer_points}, {@code set_points}), shared by writes, reads and rollups: their columns, binding a
 * {@link StoredPoint} to an insert, turning a row back into one, scanning a series, and replacing
 * whole rows. Stateless.
 */
final class PointRows {

  private PointRows() {}

  /**
   * A time range {@code [from, to]} read at one resolution; {@code retained} when the retention
   * policy keeps that resolution there (a read past every retention finds only rows not yet
   * expired).
   */
  record Segment(long res, long from, long to, boolean retained) {
    Segment(long res, long from, long to) {
      this(res, from, to, true);
    }
  }

  /** A row to write: series, node, merged values, and (gauges) when the kept value was set. */
  record Row(long seriesId, int node, StoredPoint point, long gaugeSetAtMillis) {}

  /** Receives one stored row. */
  @FunctionalInterface
  interface RowConsumer {
    /** {@code gaugeSetAt}: a gauge row's {@code set_at}; 0 for other types. */
    void accept(StoredPoint p, int node, long gaugeSetAt) throws SQLException;

    /**
     * Receives an idle interval stored as no row (see {@link IdleIntervals}); by default as a row.
     */
    default void idle(StoredPoint p, int node, long gaugeSetAt) throws SQLException {
      accept(p, node, gaugeSetAt);
    }
  }

  static String table(MetricType type) {
    return type.label() + "_points";
  }

  static MetricType typeOf(String label) {
    return MetricType.valueOf(label.toUpperCase(Locale.ROOT));
  }

  static long floor(long t, long unit) {
    return Math.floorDiv(t, unit) * unit;
  }

  private static String columns(MetricType type) {
    return switch (type) {
      case COUNTER -> "ts, node_id, count";
      case GAUGE -> "ts, node_id, last, min, max, set_at";
      case TIMER -> "ts, node_id, count, sample_count, sum, sum_squares, min, max, sketch";
      case SET -> "ts, node_id, unique_count, sketch";
    };
  }

  static void setKey(PreparedStatement ps, long seriesId, long res, long ts, int node)
      throws SQLException {
    ps.setLong(1, seriesId);
    ps.setLong(2, res);
    ps.setLong(3, ts);
    ps.setInt(4, node);
  }

  /** Streams the rows of one series in a segment, in time order. */
  static void scan(Connection c, MetricType type, long seriesId, Segment seg, RowConsumer consumer)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + columns(type)
                + " FROM "
                + table(type)
                + " WHERE series_id = ? AND res = ? AND ts >= ? AND ts <= ? ORDER BY ts, node_id")) {
      ps.setLong(1, seriesId);
      ps.setLong(2, seg.res());
      ps.setLong(3, seg.from());
      ps.setLong(4, seg.to());
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          consumer.accept(
              toPoint(type, rs, seg.res(), seriesId),
              rs.getInt(2),
              type == MetricType.GAUGE ? rs.getLong(6) : 0L);
        }
      }
    }
  }

  /** Reads one row (if present) into {@code acc}. */
  static void readOne(
      Connection c,
      MetricType type,
      long seriesId,
      long res,
      long ts,
      int node,
      PointAccumulator acc)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + columns(type)
                + " FROM "
                + table(type)
                + " WHERE series_id = ? AND res = ? AND ts = ? AND node_id = ?")) {
      setKey(ps, seriesId, res, ts, node);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          acc.add(toPoint(type, rs, res, seriesId), type == MetricType.GAUGE ? rs.getLong(6) : 0L);
        }
      }
    }
  }

  private static StoredPoint toPoint(MetricType type, ResultSet rs, long res, long seriesId)
      throws SQLException {
    long ts = rs.getLong(1);
    try {
      return switch (type) {
        case COUNTER -> StoredPoint.counter(ts, res, rs.getDouble(3));
        case GAUGE ->
            StoredPoint.gauge(ts, res, getDouble(rs, 3), getDouble(rs, 4), getDouble(rs, 5));
        case TIMER ->
            StoredPoint.timer(
                ts,
                res,
                rs.getDouble(3),
                rs.getLong(4),
                getDouble(rs, 5),
                getDouble(rs, 6),
                getDouble(rs, 7),
                getDouble(rs, 8),
                QuantileSketch.fromBytes(rs.getBytes(9)));
        case SET -> StoredPoint.set(ts, res, rs.getLong(3), UniqueSketch.fromBytes(rs.getBytes(4)));
      };
    } catch (MalformedSketchException e) {
      throw new StoreException(
          "corrupt sketch in "
              + table(type)
              + " (series "
              + seriesId
              + ", resolution "
              + res
              + ", time "
              + ts
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** A nullable REAL column: SQL NULL (SQLite's stored NaN) reads as NaN. */
  static double getDouble(ResultSet rs, int index) throws SQLException {
    double v = rs.getDouble(index);
    return rs.wasNull() ? Double.NaN : v;
  }

  /**
   * Binds {@code (series_id, res, ts, node_id, values...)} in the column order of the insert
   * statements.
   */
  static void bindValues(PreparedStatement ps, MetricType type, long id, int node, StoredPoint p)
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
        ps.setBytes(
            11, p.sketch() != null ? p.sketch().toBytes() : QuantileSketch.create().toBytes());
      }
      case SET -> {
        ps.setLong(5, p.unique());
        ps.setBytes(
            6,
            p.uniqueSketch() != null
                ? p.uniqueSketch().toBytes()
                : UniqueSketch.create().toBytes());
      }
    }
  }

  private static void setDoubleOrNull(PreparedStatement ps, int index, double v)
      throws SQLException {
    if (Double.isNaN(v)) {
      ps.setNull(index, Types.DOUBLE);
    } else {
      ps.setDouble(index, v);
    }
  }

  /**
   * Inserts or replaces whole rows at resolution {@code res} (rollup results, merged rows); a gauge
   * row is stamped {@code updated = nowMillis}.
   */
  static void replaceRows(Connection c, MetricType type, List<Row> rows, long res, long nowMillis)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    String pk = " ON CONFLICT (series_id, res, ts, node_id) DO UPDATE SET ";
    String sql =
        switch (type) {
          case COUNTER ->
              "INSERT INTO counter_points (series_id, res, ts, node_id, count) VALUES (?, ?, ?, ?, ?)"
                  + pk
                  + "count = excluded.count";
          case GAUGE ->
              "INSERT INTO gauge_points (series_id, res, ts, node_id, last, min, max, updated, set_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  + pk
                  + "last = excluded.last, min = excluded.min, max = excluded.max, updated = excluded.updated,"
                  + " set_at = excluded.set_at";
          case TIMER ->
              "INSERT INTO timer_points (series_id, res, ts, node_id, count, sample_count, sum, sum_squares,"
                  + " min, max, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  + pk
                  + "count = excluded.count, sample_count = excluded.sample_count, sum = excluded.sum,"
                  + " sum_squares = excluded.sum_squares, min = excluded.min, max = excluded.max, sketch = excluded.sketch";
          case SET ->
              "INSERT INTO set_points (series_id, res, ts, node_id, unique_count, sketch) VALUES (?, ?, ?, ?, ?, ?)"
                  + pk
                  + "unique_count = excluded.unique_count, sketch = excluded.sketch";
        };
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Row row : rows) {
        StoredPoint p = row.point();
        bindValues(ps, type, row.seriesId(), row.node(), p.at(p.timeMillis(), res));
        if (type == MetricType.GAUGE) {
          ps.setLong(8, nowMillis);
          ps.setLong(9, row.gaugeSetAtMillis());
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** {@code (?, ?, …)} with {@code n} placeholders. */
  static String placeholders(int n) {
    StringBuilder sql = new StringBuilder("(");
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    return sql.append(')').toString();
  }
}
