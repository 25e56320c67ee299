package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.util.List;
import java.util.Optional;

/**
 * The read side of the store, used by the query layer. Every method merges the partial rows of all
 * nodes (counts and sums add, min of mins, max of maxes, sketches merge, HyperLogLogs unite, the
 * latest gauge wins), so callers never see node ids. Thread-safe.
 */
public interface SeriesReader {

  /** The length of the finest stored interval (the flush interval), in milliseconds. */
  long finestPrecisionMillis();

  /** The series with this key and type, if anything was ever stored for it. */
  Optional<SeriesInfo> findSeries(MetricKey key, MetricType type);

  /**
   * Series whose name starts with {@code namePrefix} (empty for all), optionally of one type,
   * ordered by name then tags, starting after {@code afterCanonicalKey} (a cursor: the
   * {@link MetricKey#canonical()} of the last series of the previous page, or null).
   */
  List<SeriesInfo> listSeries(String namePrefix, MetricType type, String afterCanonicalKey, int limit);

  /**
   * The stored points of a series with {@code fromMillis <= time <= toMillis}, one per stored
   * interval (node partials merged), in time order, from the finest resolution that still covers
   * the range.
   */
  List<StoredPoint> readPoints(MetricKey key, MetricType type, long fromMillis, long toMillis);

  /**
   * Points merged into buckets of {@code bucketMillis} starting exactly at {@code fromMillis}; the
   * last bucket is the one containing {@code toMillis}. Reads the coarsest stored resolution that
   * is at least as fine as the bucket. Buckets with no data are omitted; each returned point's
   * {@code timeMillis} is its bucket's start.
   */
  List<StoredPoint> readBuckets(MetricKey key, MetricType type, long fromMillis, long toMillis, long bucketMillis);
}
