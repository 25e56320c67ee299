package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.util.List;
import java.util.Optional;

/**
 * The series stored under one key, as one read sees them: the key is looked up once, and every read
 * through this view runs in the same read transaction (so the types, points and buckets come from
 * one snapshot of the store). Valid only inside {@link SeriesReader#readSeries}; not thread-safe.
 */
public interface StoredSeries {

  /** The key this view reads. */
  MetricKey key();

  /** Every type stored under the key (at most four), in {@link MetricType} order. */
  List<SeriesInfo> types();

  /** The series of this type under the key, if anything was ever stored for it. */
  default Optional<SeriesInfo> info(MetricType type) {
    return types().stream().filter(s -> s.type() == type).findFirst();
  }

  /** As {@link SeriesReader#readPoints}, for this key. */
  List<StoredPoint> points(MetricType type, long fromMillis, long toMillis);

  /** As {@link SeriesReader#readBuckets}, for this key. */
  List<StoredPoint> buckets(MetricType type, long fromMillis, long toMillis, long bucketMillis);
}
