package io.hollerith.server.storage;

import io.hollerith.server.model.MetricType;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The ids and marks one write transaction learned, held back until it commits: a rolled-back insert
 * must not leave a cached id behind (SQLite reuses rowids). {@link #publish} moves them into the
 * cache of the epoch the transaction validated; if a deletion has moved the epoch since, that cache
 * is already replaced and these entries are discarded with it.
 *
 * <p>Not thread-safe; one per write.
 */
final class WriteStaging {
  /** Series ids learned, per type and canonical key. */
  final Map<MetricType, Map<String, Long>> series = new EnumMap<>(MetricType.class);

  final Map<String, Integer> nodes = new HashMap<>();
  final Map<Long, Long> seen = new HashMap<>();
  final Map<Long, Long> sampled = new HashMap<>();

  /** The cache valid for the epoch the transaction read; set by {@link SeriesIds#cacheFor}. */
  SeriesIdCache cache;

  /** The writing node's id, once resolved; -1 before. */
  int node = -1;

  /** The node's live spans after this write, or null when the write did not record spans. */
  LiveSpans.NodeState spans;

  void publishSpans(LiveSpans liveSpans) {
    if (spans != null) {
      liveSpans.publish(node, spans);
    }
  }

  void forgetSpans(LiveSpans liveSpans) {
    if (node >= 0) {
      liveSpans.forget(node);
    }
  }

  void publish(Map<String, Integer> nodeIds) {
    series.forEach((type, ids) -> cache.ids(type).putAll(ids));
    nodeIds.putAll(nodes);
    seen.forEach((id, at) -> cache.lastSeen.merge(id, at, Math::max));
    sampled.forEach((id, at) -> cache.lastSample.merge(id, at, Math::max));
  }
}
