package io.hollerith.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write side of {@code live_spans}: which series each node holds live, so
 * that an interval in which one received nothing needs no row. A flush of the live interval that
 * follows the node's previous one compares the series it lists with the node's open spans: a
 * series new to the node opens a span at the interval's start, a series no longer listed (it left
 * the live set) closes its span there. A flush after a gap (a restart, dropped snapshots) first
 * closes every open span of the node where its previous flush ended, so the gap reads as it did
 * when every interval was a row: nothing stored.
 *
 * <p>What a node holds open is kept in memory (a sorted array of series ids) and read from the
 * database on the node's first flush in this process, or again after a write whose outcome was
 * unknown. Thread-safe: one writer per node at a time (the store sink), the state per node in a
 * concurrent map, replaced only after the transaction commits.
 */
final class LiveSpans {

  /** What one node holds open, as of the end of its latest live flush. */
  record NodeState(Long flushedUntil, long[] open) {}

  private final ConcurrentHashMap<Integer, NodeState> nodes = new ConcurrentHashMap<>();

  /**
   * Records that {@code node} flushed {@code liveIds} (every series of the flush, idle ones included)
   * for the interval {@code [start, end)}. Returns the node's state after this flush, to
   * {@link #publish} once the transaction commits, or null when the interval does not follow the
   * node's latest (a re-flush of an interval already written): then spans are left alone, and the
   * caller writes every point as a row.
   */
  NodeState record(Connection c, int node, long start, long end, long[] liveIds) throws SQLException {
    NodeState state = nodes.get(node);
    if (state == null) {
      state = load(c, node);
    }
    Long flushedUntil = state.flushedUntil();
    if (flushedUntil != null && start < flushedUntil) {
      return null;
    }
    long[] open = state.open();
    if (flushedUntil != null && start != flushedUntil && open.length > 0) {
      closeAll(c, node, flushedUntil);
      open = new long[0];
    }
    long[] current = liveIds.clone();
    Arrays.sort(current);
    current = distinct(current);
    openSpans(c, node, start, missingFrom(current, open));
    closeSpans(c, node, start, missingFrom(open, current));
    try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET flushed_until = ? WHERE id = ?")) {
      ps.setLong(1, end);
      ps.setInt(2, node);
      ps.executeUpdate();
    }
    return new NodeState(end, current);
  }

  /** The node's state after a committed {@link #record}. */
  void publish(int node, NodeState state) {
    nodes.put(node, state);
  }

  /** Forgets the node's state, so its next flush reads it from the database (after a write of unknown outcome). */
  void forget(int node) {
    nodes.remove(node);
  }

  private static NodeState load(Connection c, int node) throws SQLException {
    Long flushedUntil = null;
    try (PreparedStatement ps = c.prepareStatement("SELECT flushed_until FROM nodes WHERE id = ?")) {
      ps.setInt(1, node);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long v = rs.getLong(1);
          flushedUntil = rs.wasNull() ? null : v;
        }
      }
    }
    long[] open = new long[16];
    int n = 0;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT series_id FROM live_spans WHERE node_id = ? AND until IS NULL ORDER BY series_id")) {
      ps.setInt(1, node);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (n == open.length) {
            open = Arrays.copyOf(open, n * 2);
          }
          open[n++] = rs.getLong(1);
        }
      }
    }
    return new NodeState(flushedUntil, Arrays.copyOf(open, n));
  }

  private static void closeAll(Connection c, int node, long at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE live_spans SET until = ? WHERE node_id = ? AND until IS NULL")) {
      ps.setLong(1, at);
      ps.setInt(2, node);
      ps.executeUpdate();
    }
  }

  private static void openSpans(Connection c, int node, long start, long[] ids) throws SQLException {
    if (ids.length == 0) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO live_spans (series_id, node_id, since, until) VALUES (?, ?, ?, NULL)")) {
      for (long id : ids) {
        ps.setLong(1, id);
        ps.setInt(2, node);
        ps.setLong(3, start);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void closeSpans(Connection c, int node, long at, long[] ids) throws SQLException {
    if (ids.length == 0) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE live_spans SET until = ? WHERE series_id = ? AND node_id = ? AND until IS NULL")) {
      for (long id : ids) {
        ps.setLong(1, at);
        ps.setLong(2, id);
        ps.setInt(3, node);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The ids of sorted {@code a} that sorted {@code b} lacks. */
  static long[] missingFrom(long[] a, long[] b) {
    long[] out = new long[a.length];
    int n = 0;
    int j = 0;
    for (long x : a) {
      while (j < b.length && b[j] < x) {
        j++;
      }
      if (j == b.length || b[j] != x) {
        out[n++] = x;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static long[] distinct(long[] sorted) {
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (n == 0 || sorted[n - 1] != sorted[i]) {
        sorted[n++] = sorted[i];
      }
    }
    return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
  }
}
