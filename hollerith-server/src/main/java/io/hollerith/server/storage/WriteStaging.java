package io.hollerith.server.storage;

import java.util.HashMap;
import java.util.Map;

/**
 * The ids and marks one write transaction learned, held back until it commits: a rolled-back
 * insert must not leave a cached id behind (SQLite reuses rowids). {@link #publish} moves them into
 * the cache of the epoch the transaction validated; if a deletion has moved the epoch since, that
 * cache is already replaced and these entries are discarded with it.
 *
 * <p>Not thread-safe; one per write.
 */
final class WriteStaging {
  final Map<String, Long> series = new HashMap<>();
  final Map<String, Integer> nodes = new HashMap<>();
  final Map<Long, Long> seen = new HashMap<>();
  final Map<Long, Long> sampled = new HashMap<>();
  /** The cache valid for the epoch the transaction read; set by {@link SeriesIds#cacheFor}. */
  SeriesIdCache cache;

  void publish(Map<String, Integer> nodeIds) {
    cache.ids.putAll(series);
    nodeIds.putAll(nodes);
    seen.forEach((id, at) -> cache.lastSeen.merge(id, at, Math::max));
    sampled.forEach((id, at) -> cache.lastSample.merge(id, at, Math::max));
  }
}
