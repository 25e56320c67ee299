package io.hollerith.server.storage;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.storage.PointRows.Row;
import io.hollerith.server.storage.PointRows.Segment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollup half of {@link MetricStore#rollup}: complete buckets of each resolution merged into
 * the next coarser one up to a watermark ({@code rollup_state.done_until}), and buckets whose
 * sources changed after they were rolled ({@code rollup_dirty}) merged again. Then {@link
 * Retention} runs, at most hourly.
 *
 * <p>Thread-safe for one pass at a time (the rollup job runs one; on PostgreSQL an advisory lock
 * keeps other nodes out).
 */
final class Rollups {

  private static final Logger log = LoggerFactory.getLogger(Rollups.class);

  /** Rollup lag beyond the source resolution, for flushes still queued or in flight. */
  static final long MIN_ROLLUP_GRACE_MILLIS = 30_000L;

  /** Target number of source rows per series in one rollup read. */
  private static final long SOURCE_ROWS_PER_CHUNK = 360;

  /** Retention deletes run at most this often. */
  static final long EXPIRY_EVERY_MILLIS = 3_600_000L;

  /** Dirty buckets re-rolled per pass at most. */
  private static final int MAX_DIRTY_PER_PASS = 10_000;

  private final JdbcMetricStore store;
  private final Retention retention;
  private volatile long lastExpiryMillis = Long.MIN_VALUE;

  /**
   * Rollup transaction size; halved when a transaction takes more than a quarter flush interval.
   */
  private volatile int rollupBatch;

  Rollups(JdbcMetricStore store, Retention retention) {
    this.store = store;
    this.retention = retention;
    this.rollupBatch = store.settings.rollupBatchSeries();
  }

  RollupReport rollup(long now) {
    long started = System.nanoTime();
    RollupTally rc = new RollupTally();
    List<Long> resolutions = store.resolutions();
    for (int k = 1; k < resolutions.size(); k++) {
      long source = resolutions.get(k - 1);
      long target = resolutions.get(k);
      long done = startingWatermark(now, source, target);
      long limit =
          PointRows.floor(now - source - Math.max(source, MIN_ROLLUP_GRACE_MILLIS), target);
      long chunk = chunkMillis(source, target);
      while (done < limit) {
        long chunkEnd = Math.min(limit, done + chunk);
        rollRange(source, target, done, chunkEnd, rc, true);
        done = chunkEnd;
      }
      rollDirty(now, source, target, rc);
    }
    if (lastExpiryMillis == Long.MIN_VALUE
        || now - lastExpiryMillis >= EXPIRY_EVERY_MILLIS
        || now < lastExpiryMillis) {
      retention.expire(now, rc);
      lastExpiryMillis = now;
    }
    return rc.report((System.nanoTime() - started) / 1_000_000);
  }

  /**
   * The stored watermark of {@code target}, or (first pass) one set at the first series' start,
   * bounded by now.
   */
  private long startingWatermark(long now, long source, long target) {
    Long stored = store.inRead("read rollup state", c -> doneUntil(c, target));
    if (stored != null) {
      return stored;
    }
    Long firstSeen =
        store.inRead(
            "read first series",
            c -> {
              try (PreparedStatement ps = c.prepareStatement("SELECT min(first_seen) FROM series");
                  ResultSet rs = ps.executeQuery()) {
                long v = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() ? null : v;
              }
            });
    long done =
        firstSeen == null ? PointRows.floor(now, target) : PointRows.floor(firstSeen, target);
    long limit = PointRows.floor(now - source - Math.max(source, MIN_ROLLUP_GRACE_MILLIS), target);
    long initial = Math.min(done, limit);
    store.inWrite(
        "start rollup state",
        c -> {
          setDoneUntil(c, target, initial);
          return null;
        });
    return initial;
  }

  /**
   * Aims at about {@link #SOURCE_ROWS_PER_CHUNK} rows per series per transaction batch: with few
   * series a chunk spans more time, so a long catch-up is not thousands of tiny transactions.
   */
  private long chunkMillis(long source, long target) {
    long seriesCount =
        store.inRead(
            "count series",
            c -> {
              try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM series");
                  ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
              }
            });
    long rowsPerSeries =
        Math.max(
            SOURCE_ROWS_PER_CHUNK, SOURCE_ROWS_PER_CHUNK * rollupBatch / Math.max(1, seriesCount));
    return target * Math.max(1, rowsPerSeries * source / target);
  }

  /** Buckets whose sources were written after they were rolled up (backfill, a drained backlog). */
  private void rollDirty(long now, long source, long target, RollupTally rc) {
    List<Long> dirty =
        store.inRead(
            "read dirty buckets",
            c -> {
              List<Long> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT ts FROM rollup_dirty WHERE res = ? ORDER BY ts LIMIT "
                          + MAX_DIRTY_PER_PASS)) {
                ps.setLong(1, target);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(rs.getLong(1));
                  }
                }
              }
              return out;
            });
    long sourceRetainedFrom = now - store.retention().retentionMillis(source);
    for (long bucket : dirty) {
      if (bucket >= sourceRetainedFrom) {
        rollRange(source, target, bucket, bucket + target, rc, false);
      } else {
        log.warn(
            "not re-rolling {} bucket at {}: its {} sources are past retention",
            RetentionPolicy.format(target),
            bucket,
            RetentionPolicy.format(source));
      }
      store.inWrite(
          "clear dirty bucket",
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM rollup_dirty WHERE res = ? AND ts = ?")) {
              ps.setLong(1, target);
              ps.setLong(2, bucket);
              ps.executeUpdate();
            }
            return null;
          });
    }
  }

  static Long doneUntil(Connection c, long res) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT done_until FROM rollup_state WHERE res = ?")) {
      ps.setLong(1, res);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  static void markDirty(Connection c, long res, long bucket) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO rollup_dirty (res, ts) VALUES (?, ?) ON CONFLICT (res, ts) DO NOTHING")) {
      ps.setLong(1, res);
      ps.setLong(2, bucket);
      ps.executeUpdate();
    }
  }

  private void setDoneUntil(Connection c, long res, long doneUntil) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO rollup_state (res, done_until, rolling_until)"
                + " VALUES (?, ?, ?) ON CONFLICT (res) DO UPDATE SET done_until = excluded.done_until,"
                + " rolling_until = "
                + store.dialect.greatest
                + "(rollup_state.rolling_until, excluded.rolling_until)")) {
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
  private void rollRange(
      long source, long target, long from, long to, RollupTally rc, boolean advance) {
    if (advance && advanceIfEmpty(source, target, from, to, rc)) {
      return;
    }
    List<long[]> series =
        store.inRead(
            "list series to roll up",
            c -> {
              List<long[]> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, type FROM series WHERE last_seen >= ? AND first_seen < ? ORDER BY id")) {
                ps.setLong(1, from - SnapshotWriter.LAST_SEEN_GRANULARITY_MILLIS - source);
                ps.setLong(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new long[] {rs.getLong(1), PointRows.typeOf(rs.getString(2)).ordinal()});
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
      long[] tallies =
          store.inWrite(
              "roll up",
              c -> {
                long[] readWritten = rollSeries(c, part, source, target, from, to);
                if (last) {
                  if (advance) {
                    setDoneUntil(c, target, to);
                  }
                  markCascade(c, target, from, to);
                }
                return readWritten;
              });
      long nanos = System.nanoTime() - t0;
      rc.transaction(nanos);
      rc.read += tallies[0];
      rc.written += tallies[1];
      if (nanos / 1_000_000 > store.settings.flushIntervalMillis() / 4 && rollupBatch > 1) {
        rollupBatch = Math.max(1, rollupBatch / 2);
        log.info(
            "rollup transaction took {} ms; now {} series per transaction",
            nanos / 1_000_000,
            rollupBatch);
      }
      i += batch;
    } while (i < series.size());
  }

  /**
   * Moves the watermark past {@code [from, to)} at once when no series was seen in it (nothing can
   * be there); the check runs inside the write transaction, so no write can slip in between.
   * Otherwise marks the range as being rolled, before reading: a write landing in it from now on
   * sees that and marks its bucket dirty. True when the range was empty.
   */
  private boolean advanceIfEmpty(long source, long target, long from, long to, RollupTally rc) {
    boolean empty =
        store.inWrite(
            "advance empty rollup range",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT count(*) FROM series WHERE last_seen >= ? AND first_seen < ?")) {
                ps.setLong(1, from - SnapshotWriter.LAST_SEEN_GRANULARITY_MILLIS - source);
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
      return true;
    }
    store.inWrite(
        "mark rollup range",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE rollup_state SET rolling_until = "
                      + store.dialect.greatest
                      + "(rolling_until, ?) WHERE res = ?")) {
            ps.setLong(1, to);
            ps.setLong(2, target);
            ps.executeUpdate();
          }
          return null;
        });
    return false;
  }

  /**
   * Rolls each series of {@code part} (id, type ordinal) in one transaction; returns rows read and
   * written. A set's or a gauge's idle intervals (no rows; see {@link IdleIntervals}) join the
   * buckets where the node has rows, as the stored idle rows did: a set bucket of several rows
   * counts the union of their HyperLogLogs, one of one row its exact count, and a gauge bucket's
   * min and max include the value held before a sample changed it. Counters and timers need no such
   * rows: an idle one adds nothing. A bucket with idle intervals only gets no row.
   */
  private long[] rollSeries(
      Connection c, List<long[]> part, long source, long target, long from, long to)
      throws SQLException {
    long read = 0;
    long written = 0;
    for (long[] s : part) {
      MetricType type = MetricType.values()[(int) s[1]];
      TreeMap<Long, Map<Integer, PointAccumulator>> byBucket = new TreeMap<>();
      Map<Long, Map<Integer, List<IdleRow>>> idleByBucket = new HashMap<>();
      long[] n = {0};
      Segment segment = new Segment(source, from, to - 1);
      PointRows.RowConsumer rows =
          new PointRows.RowConsumer() {
            @Override
            public void accept(StoredPoint p, int node, long upd) {
              n[0]++;
              byBucket
                  .computeIfAbsent(PointRows.floor(p.timeMillis(), target), b -> new HashMap<>())
                  .computeIfAbsent(node, x -> new PointAccumulator(type))
                  .add(p, upd);
            }

            @Override
            public void idle(StoredPoint p, int node, long upd) {
              idleByBucket
                  .computeIfAbsent(PointRows.floor(p.timeMillis(), target), b -> new HashMap<>())
                  .computeIfAbsent(node, x -> new ArrayList<>())
                  .add(new IdleRow(p, upd));
            }
          };
      if (type == MetricType.SET || type == MetricType.GAUGE) {
        IdleIntervals.Merge merged =
            IdleIntervals.of(c, s[0], store.resolutions()).around(type, segment, rows);
        PointRows.scan(c, type, s[0], segment, merged);
        merged.finish();
        idleByBucket.forEach(
            (bucket, nodes) ->
                nodes.forEach(
                    (node, idle) -> {
                      PointAccumulator acc = byBucket.getOrDefault(bucket, Map.of()).get(node);
                      if (acc != null) {
                        idle.forEach(r -> acc.add(r.point(), r.gaugeSetAt()));
                      }
                    }));
      } else {
        PointRows.scan(c, type, s[0], segment, rows);
      }
      read += n[0];
      List<Row> out = new ArrayList<>();
      byBucket.forEach(
          (bucket, nodes) ->
              nodes.forEach(
                  (node, acc) ->
                      out.add(new Row(s[0], node, acc.toPoint(bucket), acc.lastSetAt()))));
      PointRows.replaceRows(c, type, out, target, store.settings.clock().millis());
      written += out.size();
    }
    return new long[] {read, written};
  }

  /** An idle interval of a bucket, as its row would have been. */
  private record IdleRow(StoredPoint point, long gaugeSetAt) {}

  /**
   * A re-rolled range below the next level's watermark makes those coarser buckets dirty in turn.
   */
  private void markCascade(Connection c, long target, long from, long to) throws SQLException {
    List<Long> resolutions = store.resolutions();
    int k = resolutions.indexOf(target);
    if (k + 1 >= resolutions.size()) {
      return;
    }
    long next = resolutions.get(k + 1);
    Long nextDone = doneUntil(c, next);
    if (nextDone == null) {
      return;
    }
    for (long b = PointRows.floor(from, next); b < Math.min(to, nextDone); b += next) {
      markDirty(c, next, b);
    }
  }
}
