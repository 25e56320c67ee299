package io.hollerith.server.storage;

import io.hollerith.server.model.MetricType;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this store knows about series rows while {@code series_epoch} is {@link #epoch}: the id of
 * each {@code (type, canonical key)} (one map per type, so a lookup needs no composite key), and
 * the {@code last_seen} and {@code last_sample} it last wrote per id, so a flush skips rewriting
 * them. Replaced by an empty one when the epoch moves (a retention pass deleted series; see {@link
 * SeriesIds}).
 *
 * <p>Thread-safe (concurrent maps); entries are added only after the transaction that created or
 * read them commits.
 */
final class SeriesIdCache {
  final long epoch;

  /** Series id per type and canonical key. */
  private final Map<MetricType, ConcurrentHashMap<String, Long>> ids =
      new EnumMap<>(MetricType.class);

  /** {@code series.last_seen} this store last wrote per series id. */
  final ConcurrentHashMap<Long, Long> lastSeen = new ConcurrentHashMap<>();

  /** {@code series.last_sample} this store last wrote per series id. */
  final ConcurrentHashMap<Long, Long> lastSample = new ConcurrentHashMap<>();

  SeriesIdCache(long epoch) {
    this.epoch = epoch;
    for (MetricType type : MetricType.values()) {
      ids.put(type, new ConcurrentHashMap<>());
    }
  }

  /** The ids of one type's series by canonical key. */
  ConcurrentHashMap<String, Long> ids(MetricType type) {
    return ids.get(type);
  }
}
