package io.hollerith.server.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Series and node ids for the write side: found in the {@link SeriesIdCache} of the current {@code
 * series_epoch}, or created and looked up in the write transaction.
 *
 * <p><b>Series expiry and cached ids.</b> The retention pass deletes series whose {@code last_seen}
 * is older than the longest retention (plus the last-seen granularity), with their points, totals
 * and gauge values. Cached series ids (here and in every other node sharing the database) would
 * then point at deleted rows, or on SQLite at a reused rowid. So the cache is tied to the {@code
 * series_epoch} row: the expiry transaction first bumps it (an exclusive row lock on PostgreSQL,
 * waiting for write transactions in flight), then deletes the series and every row that refers to
 * them (a fresh snapshot, so it sees what those writes committed). Every write transaction first
 * reads the epoch ({@code FOR SHARE} on PostgreSQL; SQLite write transactions are {@code BEGIN
 * IMMEDIATE}, so exclusive anyway) and, if it moved, starts from an empty cache for the new epoch
 * and resolves its series again by key, recreating the deleted ones. A write therefore either
 * commits before the deletion (which then removes what it wrote, only if the series still
 * qualifies) or starts after it with fresh ids: no point or total can refer to a deleted id, and no
 * node keeps using one. The cost is one row read per write, and one re-resolution of the series
 * after a pass that deleted some (at most hourly). Reads look series up by key, not through the
 * cache.
 *
 * <p>Thread-safe: the caches are concurrent maps, and what a transaction learns reaches them only
 * after it commits ({@link WriteStaging#publish}).
 */
final class SeriesIds {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Keys per {@code IN} lookup. */
  private static final int LOOKUP_CHUNK = 500;

  private final Dialect dialect;
  private final AtomicReference<SeriesIdCache> current =
      new AtomicReference<>(new SeriesIdCache(-1));
  private final ConcurrentHashMap<String, Integer> nodeIds = new ConcurrentHashMap<>();

  SeriesIds(Dialect dialect) {
    this.dialect = dialect;
  }

  /**
   * Reads {@code series_epoch} in the current write transaction (holding a share lock on PostgreSQL
   * until it ends, so no series can be deleted meanwhile) and puts the cache valid for it into
   * {@code staging}, replacing an older one. Epochs only grow; a transaction that read an older
   * epoch than the cache has (it cannot, while it holds the lock, but cheaply guarded) gets a
   * private empty cache.
   */
  SeriesIdCache cacheFor(Connection c, WriteStaging staging) throws SQLException {
    long epoch;
    try (PreparedStatement ps =
            c.prepareStatement("SELECT epoch FROM series_epoch WHERE id = 1" + dialect.forShare);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the series_epoch row is missing");
      }
      epoch = rs.getLong(1);
    }
    staging.cache = advance(epoch);
    return staging.cache;
  }

  /** The cache for {@code epoch}, replacing an older one. */
  SeriesIdCache advance(long epoch) {
    while (true) {
      SeriesIdCache cache = current.get();
      if (cache.epoch == epoch) {
        return cache;
      }
      if (cache.epoch > epoch) {
        return new SeriesIdCache(epoch);
      }
      SeriesIdCache fresh = new SeriesIdCache(epoch);
      if (current.compareAndSet(cache, fresh)) {
        return fresh;
      }
    }
  }

  /** Moves what a committed transaction learned into the caches. */
  void publish(WriteStaging staging) {
    staging.publish(nodeIds);
  }

  /** The id of node {@code name}, creating its row if needed. */
  int nodeId(Connection c, String name, WriteStaging staging) throws SQLException {
    Integer cached = nodeIds.get(name);
    if (cached != null) {
      return cached;
    }
    try (PreparedStatement ins =
        c.prepareStatement("INSERT INTO nodes (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
      ins.setString(1, name);
      ins.executeUpdate();
    }
    try (PreparedStatement sel = c.prepareStatement("SELECT id FROM nodes WHERE name = ?")) {
      sel.setString(1, name);
      try (ResultSet rs = sel.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("node row for " + name + " vanished");
        }
        int id = rs.getInt(1);
        staging.nodes.put(name, id);
        return id;
      }
    }
  }

  /** Ids of these series, creating the missing ones with first/last seen {@code ts}. */
  long[] ids(Connection c, WriteStaging staging, List<MetricKey> keys, MetricType type, long ts)
      throws SQLException {
    long[] ids = new long[keys.size()];
    List<Integer> missing = new ArrayList<>();
    Map<String, Long> cached = staging.cache.ids(type);
    Map<String, Long> learned = staging.series.computeIfAbsent(type, t -> new HashMap<>());
    for (int i = 0; i < ids.length; i++) {
      String k = keys.get(i).canonical();
      Long id = cached.get(k);
      if (id == null) {
        id = learned.get(k);
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
    insertMissing(c, keys, missing, type, ts);
    // Looked up in chunks with IN lists: after an expiry every series a node writes is resolved
    // again, and one query per series would be a round trip each on PostgreSQL.
    for (int from = 0; from < missing.size(); from += LOOKUP_CHUNK) {
      List<Integer> part = missing.subList(from, Math.min(missing.size(), from + LOOKUP_CHUNK));
      Map<String, Long> found = new HashMap<>();
      try (PreparedStatement sel =
          c.prepareStatement(
              "SELECT canonical_key, id FROM series WHERE type = ? AND canonical_key IN "
                  + PointRows.placeholders(part.size()))) {
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
        learned.put(key.canonical(), id);
      }
    }
    return ids;
  }

  private void insertMissing(
      Connection c, List<MetricKey> keys, List<Integer> missing, MetricType type, long ts)
      throws SQLException {
    try (PreparedStatement ins =
        c.prepareStatement(
            "INSERT INTO series (name, canonical_key, type, tags, first_seen, last_seen, last_sample) VALUES (?, ?, ?, "
                + dialect.jsonParam
                + ", ?, ?, ?) ON CONFLICT (canonical_key, type) DO NOTHING")) {
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
}
