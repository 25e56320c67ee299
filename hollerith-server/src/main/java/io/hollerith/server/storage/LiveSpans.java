package io.hollerith.server.storage;

import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.LiveSetChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write side of {@code live_spans}: which series each node holds live, so that an interval in
 * which one received nothing needs no row. A flush of the live interval that follows the node's
 * previous one opens a span at the interval's start for each series new to the node's listing and
 * closes, there, the span of each series no longer listed (it left the live set). A flush after a
 * gap (a restart, dropped snapshots) first closes every open span of the node where its previous
 * flush ended, so the gap reads as it did when every interval was a row: nothing stored.
 *
 * <p>Two ways to find what changed. When the snapshot carries {@link LiveSetChanges} that follow
 * the last snapshot this process applied for the node (same source, next number, no gap), they are
 * the spans to open and close: the work is proportional to the change, not to the live series.
 * Otherwise (the node's first flush in this process, after a gap, a write of unknown outcome, a
 * snapshot without changes) the node's open spans are read from the database and compared with
 * every series the snapshot lists.
 *
 * <p>Thread-safe: one writer per node at a time (the store sink), the state per node in a
 * concurrent map, replaced only after the transaction commits.
 */
final class LiveSpans {

  /** A {@link NodeState#sequence} that no snapshot's changes follow. */
  private static final long UNCHAINED = Long.MIN_VALUE;

  /**
   * What this process knows of a node after its latest committed live flush.
   *
   * @param flushedUntil end of that flush's interval (null before the node's first)
   * @param source and {@code sequence}: the {@link LiveSetChanges} position of that flush's
   *     snapshot, so the next snapshot's changes apply only if they follow it
   */
  record NodeState(Long flushedUntil, long source, long sequence) {}

  /** How a live flush updates the node's spans. */
  enum Update {
    /**
     * The interval was written before (a re-flush after a restart): spans stay, every point is a
     * row.
     */
    NONE,
    /** Apply the snapshot's {@link LiveSetChanges}. */
    CHANGES,
    /** Compare every listed series with the node's open spans. */
    FULL,
    /**
     * {@link #FULL} after a gap: every open span closes where the node's previous flush ended and
     * every listed series opens one. An idle gauge is then a row, since the value it holds may have
     * been set in an interval that was never stored.
     */
    FULL_AFTER_GAP
  }

  private final ConcurrentHashMap<Integer, NodeState> nodes = new ConcurrentHashMap<>();

  /** How many live flushes compared full lists ({@link Update#FULL}). */
  private final AtomicLong fullComparisons = new AtomicLong();

  /** Which update the live snapshot {@code s} of {@code node} needs. */
  Update updateFor(Connection c, int node, FlushSnapshot s) throws SQLException {
    NodeState state = nodes.get(node);
    if (state == null) {
      state = new NodeState(flushedUntil(c, node), 0, UNCHAINED);
      nodes.put(node, state);
    }
    Long flushedUntil = state.flushedUntil();
    if (flushedUntil != null && s.intervalStartMillis() < flushedUntil) {
      return Update.NONE;
    }
    LiveSetChanges changes = s.liveChanges();
    boolean follows =
        flushedUntil != null
            && flushedUntil == s.intervalStartMillis()
            && changes != null
            && changes.source() == state.source()
            && changes.sequence() - 1 == state.sequence();
    if (follows) {
      return Update.CHANGES;
    }
    return flushedUntil != null && flushedUntil != s.intervalStartMillis()
        ? Update.FULL_AFTER_GAP
        : Update.FULL;
  }

  /**
   * Applies {@link Update#CHANGES}: opens spans for {@code joinedIds}, closes those of {@code
   * leftIds}. Returns the node's state to {@link #publish} once the transaction commits.
   */
  NodeState applyChanges(Connection c, int node, FlushSnapshot s, long[] joinedIds, long[] leftIds)
      throws SQLException {
    openSpans(c, node, s.intervalStartMillis(), joinedIds);
    closeSpans(c, node, s.intervalStartMillis(), leftIds);
    return flushed(c, node, s);
  }

  /**
   * Applies {@link Update#FULL} or {@link Update#FULL_AFTER_GAP}: {@code liveIds} are every series
   * the snapshot lists (idle ones included). Returns the node's state to {@link #publish} once the
   * transaction commits.
   */
  NodeState applyFull(Connection c, int node, FlushSnapshot s, long[] liveIds) throws SQLException {
    fullComparisons.incrementAndGet();
    long start = s.intervalStartMillis();
    Long flushedUntil = nodes.get(node).flushedUntil();
    long[] open;
    if (flushedUntil != null && start != flushedUntil) {
      closeAll(c, node, flushedUntil);
      open = new long[0];
    } else {
      open = openIds(c, node);
    }
    long[] current = liveIds.clone();
    Arrays.sort(current);
    current = distinct(current);
    openSpans(c, node, start, missingFrom(current, open));
    closeSpans(c, node, start, missingFrom(open, current));
    return flushed(c, node, s);
  }

  private static NodeState flushed(Connection c, int node, FlushSnapshot s) throws SQLException {
    long end = s.intervalEndMillis();
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE nodes SET flushed_until = ? WHERE id = ?")) {
      ps.setLong(1, end);
      ps.setInt(2, node);
      ps.executeUpdate();
    }
    LiveSetChanges changes = s.liveChanges();
    return changes == null
        ? new NodeState(end, 0, UNCHAINED)
        : new NodeState(end, changes.source(), changes.sequence());
  }

  /** How many live flushes so far compared full lists rather than applying changes. */
  long fullComparisons() {
    return fullComparisons.get();
  }

  /** The node's state after a committed update. */
  void publish(int node, NodeState state) {
    nodes.put(node, state);
  }

  /**
   * Forgets the node's state, so its next flush reads it from the database (after a write of
   * unknown outcome).
   */
  void forget(int node) {
    nodes.remove(node);
  }

  private static Long flushedUntil(Connection c, int node) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT flushed_until FROM nodes WHERE id = ?")) {
      ps.setInt(1, node);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long v = rs.getLong(1);
          return rs.wasNull() ? null : v;
        }
        return null;
      }
    }
  }

  /** The series the node holds open, sorted. */
  private static long[] openIds(Connection c, int node) throws SQLException {
    long[] open = new long[16];
    int n = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
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
    return Arrays.copyOf(open, n);
  }

  private static void closeAll(Connection c, int node, long at) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE live_spans SET until = ? WHERE node_id = ? AND until IS NULL")) {
      ps.setLong(1, at);
      ps.setInt(2, node);
      ps.executeUpdate();
    }
  }

  private static void openSpans(Connection c, int node, long start, long[] ids)
      throws SQLException {
    if (ids.length == 0) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
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
    IdChunks.update(
        c,
        "UPDATE live_spans SET until = ? WHERE node_id = ? AND until IS NULL AND series_id IN ",
        new long[] {at, node},
        ids,
        ids.length);
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
