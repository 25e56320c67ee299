package io.hollerith.server.storage;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What this store knows about series rows while {@code series_epoch} is {@link #epoch}: the id of
 * each {@code (type, canonical key)}, and the {@code last_seen} and {@code last_sample} it last
 * wrote per id, so a flush skips rewriting them. Replaced by an empty one when the epoch moves
 * (a retention pass deleted series; see {@link SeriesIds}).
 *
 * <p>Thread-safe (concurrent maps); entries are added only after the transaction that created or
 * read them commits.
 */
final class SeriesIdCache {
  final long epoch;
  /** Series id per {@link #key}. */
  final ConcurrentHashMap<String, Long> ids = new ConcurrentHashMap<>();
  /** {@code series.last_seen} this store last wrote per series id. */
  final ConcurrentHashMap<Long, Long> lastSeen = new ConcurrentHashMap<>();
  /** {@code series.last_sample} this store last wrote per series id. */
  final ConcurrentHashMap<Long, Long> lastSample = new ConcurrentHashMap<>();

  SeriesIdCache(long epoch) {
    this.epoch = epoch;
  }

  static String key(io.hollerith.server.model.MetricType type, String canonical) {
    return type.code() + '|' + canonical;
  }
}
