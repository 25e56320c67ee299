package io.hollerith.server.storage;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.storage.PointRows.RowConsumer;
import io.hollerith.server.storage.PointRows.Segment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read side of {@code live_spans}: the intervals in which a node held a series live without
 * storing a row, given back as the rows an idle flush used to write (a counter 0, a timer with no
 * samples and an empty sketch, a set with no members and an empty HyperLogLog, a gauge the value
 * and set time it held), at any resolution: a bucket of resolution {@code r} is idle for a node
 * when the node's span overlaps it and the node has no row there. So every read, rollup or not,
 * merges exactly the rows it merged when idle intervals were stored.
 *
 * <p>A gauge's held value is the node's latest row before the bucket (the row read just before in
 * the same scan, or for the first buckets of a scan the node's latest row that ended before it at
 * any resolution, else its {@code gauge_values} row when that was set before). Not thread-safe; one
 * per read.
 */
final class IdleIntervals {

  /** Node ids stay below this, so a (time, node) pair sorts as one long. */
  private static final long NODE_SPACE = 1L << 20;

  /** One node's span: live from {@code since} (inclusive) to {@code end} (exclusive). */
  record Span(int node, long since, long end) {}

  private final List<Span> spans;
  private final Connection c;
  private final long seriesId;
  private final List<Long> resolutions;

  private IdleIntervals(List<Span> spans, Connection c, long seriesId, List<Long> resolutions) {
    this.spans = spans;
    this.c = c;
    this.seriesId = seriesId;
    this.resolutions = resolutions;
  }

  /**
   * The spans of series {@code seriesId} on every node, open ones ending where their node's latest
   * flush ended; {@code resolutions} are the stored ones, where a gauge's held value is looked for.
   */
  static IdleIntervals of(Connection c, long seriesId, List<Long> resolutions) throws SQLException {
    List<Span> spans = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT l.node_id, l.since, COALESCE(l.until, n.flushed_until)"
                + " FROM live_spans l JOIN nodes n ON n.id = l.node_id WHERE l.series_id = ?")) {
      ps.setLong(1, seriesId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long end = rs.getLong(3);
          if (!rs.wasNull() && end > rs.getLong(2)) {
            spans.add(new Span(rs.getInt(1), rs.getLong(2), end));
          }
        }
      }
    }
    return new IdleIntervals(spans, c, seriesId, resolutions);
  }

  /**
   * A consumer for a scan of one series in {@code seg} (rows in time then node order) that passes
   * the rows to {@code rows} with the segment's idle buckets merged in, in the same order; call
   * {@link Merge#finish} after the scan for the idle buckets after the last row. Past every
   * retention nothing is added: only rows not yet expired are there.
   */
  Merge around(MetricType type, Segment seg, RowConsumer rows) throws SQLException {
    long[] idle = seg.retained() ? idleKeys(seg) : new long[0];
    Merge merge = new Merge(type, seg.res(), idle, rows);
    if (type == MetricType.GAUGE && idle.length > 0) {
      for (Span s : spans) {
        if (!merge.held.containsKey(s.node()) && s.since() <= seg.to() && s.end() > seg.from()) {
          heldBefore(s.node(), seg.from(), merge.held);
        }
      }
    }
    return merge;
  }

  /**
   * Puts the gauge value (and its set time) {@code node} held at {@code time} into {@code held}, if
   * known.
   */
  private void heldBefore(int node, long time, Map<Integer, double[]> held) throws SQLException {
    long bestEnd = Long.MIN_VALUE;
    double[] best = null;
    for (long res : resolutions) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT ts, last, set_at FROM gauge_points"
                  + " WHERE series_id = ? AND res = ? AND node_id = ? AND ts <= ? ORDER BY ts DESC LIMIT 1")) {
        ps.setLong(1, seriesId);
        ps.setLong(2, res);
        ps.setInt(3, node);
        ps.setLong(4, time - res);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getLong(1) + res > bestEnd) {
            double last = rs.getDouble(2);
            if (!rs.wasNull()) {
              bestEnd = rs.getLong(1) + res;
              best = new double[] {last, rs.getLong(3)};
            }
          }
        }
      }
    }
    if (best == null) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT value, set_at FROM gauge_values WHERE series_id = ? AND node_id = ? AND set_at <= ?")) {
        ps.setLong(1, seriesId);
        ps.setInt(2, node);
        ps.setLong(3, time);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            best = new double[] {rs.getDouble(1), rs.getLong(2)};
          }
        }
      }
    }
    if (best != null) {
      held.put(node, best);
    }
  }

  /** Rows and idle buckets in one ordered stream. Not thread-safe. */
  static final class Merge implements RowConsumer {
    private final MetricType type;
    private final long res;
    private final long[] idle;
    private final RowConsumer rows;

    /** Gauges: per node, the value and set time of the latest row passed. */
    private final Map<Integer, double[]> held = new HashMap<>();

    private int next;

    private Merge(MetricType type, long res, long[] idle, RowConsumer rows) {
      this.type = type;
      this.res = res;
      this.idle = idle;
      this.rows = rows;
    }

    @Override
    public void accept(StoredPoint p, int node, long gaugeSetAt) throws SQLException {
      long key = p.timeMillis() * NODE_SPACE + node;
      while (next < idle.length && idle[next] <= key) {
        long k = idle[next++];
        if (k != key) {
          emit(k);
        }
      }
      if (type == MetricType.GAUGE) {
        held.put(node, new double[] {p.last(), gaugeSetAt});
      }
      rows.accept(p, node, gaugeSetAt);
    }

    /** Emits the idle buckets after the last row. */
    void finish() throws SQLException {
      while (next < idle.length) {
        emit(idle[next++]);
      }
    }

    private void emit(long key) throws SQLException {
      long ts = Math.floorDiv(key, NODE_SPACE);
      int node = (int) Math.floorMod(key, NODE_SPACE);
      if (type != MetricType.GAUGE) {
        rows.idle(idlePoint(type, ts, res), node, 0L);
        return;
      }
      double[] value = held.get(node);
      if (value != null) {
        rows.idle(StoredPoint.gauge(ts, res, value[0], value[0], value[0]), node, (long) value[1]);
      }
    }
  }

  /** The point an idle flush of {@code type} stored. */
  static StoredPoint idlePoint(MetricType type, long ts, long res) {
    return switch (type) {
      case COUNTER -> StoredPoint.counter(ts, res, 0);
      case TIMER ->
          StoredPoint.timer(
              ts,
              res,
              0,
              0,
              Double.NaN,
              Double.NaN,
              Double.NaN,
              Double.NaN,
              QuantileSketch.create());
      case SET -> StoredPoint.set(ts, res, 0, UniqueSketch.create());
      case GAUGE ->
          throw new IllegalArgumentException("an idle gauge holds the value it had: see Merge");
    };
  }

  /** Sorted (time, node) keys of the buckets in {@code seg} that some node's span covers. */
  private long[] idleKeys(Segment seg) {
    long[] keys = new long[16];
    int n = 0;
    for (Span s : spans) {
      for (long b = firstBucket(s, seg.res(), seg.from());
          b <= seg.to() && b < s.end();
          b += seg.res()) {
        if (n == keys.length) {
          keys = Arrays.copyOf(keys, n * 2);
        }
        keys[n++] = b * NODE_SPACE + s.node();
      }
    }
    keys = Arrays.copyOf(keys, n);
    Arrays.sort(keys);
    int distinct = 0;
    for (int i = 0; i < keys.length; i++) {
      if (distinct == 0 || keys[distinct - 1] != keys[i]) {
        keys[distinct++] = keys[i];
      }
    }
    return Arrays.copyOf(keys, distinct);
  }

  /** The first bucket at {@code res} that overlaps the span and starts at or after {@code from}. */
  private static long firstBucket(Span s, long res, long from) {
    long b = PointRows.floor(s.since(), res);
    long aligned = PointRows.floor(from, res);
    if (aligned < from) {
      aligned += res;
    }
    return Math.max(b, aligned);
  }
}
