package io.hollerith.server.storage;

import io.hollerith.server.model.MetricType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention half of {@link MetricStore#rollup}: series that outlived every retention level go
 * with every row referring to them, then rows past their resolution's retention, a few series per
 * transaction, and old write-log rows. Thread-safe for one pass at a time.
 */
final class Retention {

  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  /** Write-log rows (idempotency of retried writes) are kept this long. */
  static final long WRITE_LOG_KEEP_MILLIS = 86_400_000L;

  /** Series deleted per transaction at most. */
  private static final int EXPIRE_SERIES_BATCH = 500;

  /** Tables whose rows refer to a series, all keyed with {@code series_id} first. */
  private static final List<String> SERIES_TABLES =
      List.of(
          "counter_points",
          "gauge_points",
          "timer_points",
          "set_points",
          "counter_totals",
          "gauge_values",
          "live_spans");

  /**
   * Series past the cutoff: nothing written since it, and no node's live span reaching it (an idle
   * series writes no rows, yet its intervals are history until they pass every retention).
   */
  private static final String EXPIRED =
      "last_seen < ? AND NOT EXISTS (SELECT 1 FROM live_spans l"
          + " JOIN nodes n ON n.id = l.node_id WHERE l.series_id = series.id"
          + " AND (COALESCE(l.until, n.flushed_until) IS NULL OR COALESCE(l.until, n.flushed_until) >= ?))";

  private final JdbcMetricStore store;
  private final SeriesIds seriesIds;

  Retention(JdbcMetricStore store, SeriesIds seriesIds) {
    this.store = store;
    this.seriesIds = seriesIds;
  }

  /**
   * Deletes series that outlived every retention level, then rows past their retention, a few
   * series per transaction, and prunes the write log.
   */
  void expire(long now, RollupTally rc) {
    expireSeries(now, rc);
    expireRows(now, rc);
    expireSpans(now, rc);
    long t0 = System.nanoTime();
    store.inWrite(
        "prune write log",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM write_log WHERE written_at < ?")) {
            ps.setLong(1, now - WRITE_LOG_KEEP_MILLIS);
            ps.executeUpdate();
          }
          return null;
        });
    rc.transaction(System.nanoTime() - t0);
  }

  /**
   * Deletes series that outlived every retention level, with every row referring to them, at most
   * {@link #EXPIRE_SERIES_BATCH} per transaction. A series qualifies when {@code last_seen} (which
   * lags its newest point by less than {@link SnapshotWriter#LAST_SEEN_GRANULARITY_MILLIS}) is
   * older than the longest retention plus that lag, so none of its points can remain. See {@link
   * SeriesIds} for why the epoch bump comes first and how writers holding a cached id are kept
   * safe.
   */
  private void expireSeries(long now, RollupTally rc) {
    List<Long> resolutions = store.resolutions();
    long cutoff =
        now
            - store.retention().retentionMillis(resolutions.get(resolutions.size() - 1))
            - SnapshotWriter.LAST_SEEN_GRANULARITY_MILLIS;
    List<Long> candidates =
        store.inRead(
            "list expired series",
            c -> {
              List<Long> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT id FROM series WHERE " + EXPIRED + " ORDER BY id")) {
                ps.setLong(1, cutoff);
                ps.setLong(2, cutoff);
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
      long[] result = store.inWrite("expire series", c -> deleteSeries(c, part, cutoff));
      rc.transaction(System.nanoTime() - t0);
      // Drop this store's cached ids at once rather than at its next write.
      seriesIds.advance(result[0]);
      rc.seriesExpired += result[1];
      rc.expired += result[2];
      if (result[1] > 0) {
        log.info(
            "expired {} series that outlived every retention level ({} rows)",
            result[1],
            result[2]);
      }
    }
  }

  /**
   * Bumps the epoch, then deletes those of {@code part} that still qualify; returns the epoch,
   * series and rows.
   */
  private static long[] deleteSeries(Connection c, List<Long> part, long cutoff)
      throws SQLException {
    long epoch;
    // First: waits for write transactions holding the epoch (PostgreSQL) and keeps new ones out.
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE series_epoch SET epoch = epoch + 1 WHERE id = 1")) {
      if (ps.executeUpdate() != 1) {
        throw new SQLException("the series_epoch row is missing");
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM series_epoch WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      epoch = rs.getLong(1);
    }
    // Then, in a fresh statement (it sees what those writes committed), the series that still
    // qualify.
    List<Long> gone = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id FROM series WHERE "
                + EXPIRED
                + " AND id IN "
                + PointRows.placeholders(part.size()))) {
      ps.setLong(1, cutoff);
      ps.setLong(2, cutoff);
      for (int k = 0; k < part.size(); k++) {
        ps.setLong(3 + k, part.get(k));
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
   * Deletes closed live spans that ended before every retention level's start: nothing of them can
   * be read.
   */
  private void expireSpans(long now, RollupTally rc) {
    List<Long> resolutions = store.resolutions();
    long cutoff = now - store.retention().retentionMillis(resolutions.get(resolutions.size() - 1));
    long t0 = System.nanoTime();
    store.inWrite(
        "expire live spans",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM live_spans WHERE until IS NOT NULL AND until < ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
          }
        });
    rc.transaction(System.nanoTime() - t0);
  }

  /** Deletes rows older than their resolution's retention, a few series per transaction. */
  private void expireRows(long now, RollupTally rc) {
    List<long[]> series =
        store.inRead(
            "list series to expire",
            c -> {
              List<long[]> out = new ArrayList<>();
              try (PreparedStatement ps =
                      c.prepareStatement("SELECT id, type FROM series ORDER BY id");
                  ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(new long[] {rs.getLong(1), PointRows.typeOf(rs.getString(2)).ordinal()});
                }
              }
              return out;
            });
    int batch = Math.max(1, store.settings.rollupBatchSeries()) * 4;
    for (int i = 0; i < series.size(); i += batch) {
      List<long[]> part = series.subList(i, Math.min(series.size(), i + batch));
      long t0 = System.nanoTime();
      long deleted =
          store.inWrite(
              "expire rows",
              c -> {
                long n = 0;
                for (MetricType type : MetricType.values()) {
                  n += deleteOldRows(c, type, part, now);
                }
                return n;
              });
      rc.transaction(System.nanoTime() - t0);
      rc.expired += deleted;
    }
  }

  private long deleteOldRows(Connection c, MetricType type, List<long[]> part, long now)
      throws SQLException {
    long n = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM "
                + PointRows.table(type)
                + " WHERE series_id = ? AND res = ? AND ts < ?")) {
      int added = 0;
      for (long[] s : part) {
        if (s[1] != type.ordinal()) {
          continue;
        }
        for (long r : store.resolutions()) {
          ps.setLong(1, s[0]);
          ps.setLong(2, r);
          ps.setLong(3, now - store.retention().retentionMillis(r));
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
    return n;
  }
}
