package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The read side of the store, used by the query layer. Every method merges the partial rows of all
 * nodes (counts and sums add, min of mins, max of maxes, sketches merge, HyperLogLogs unite, the
 * gauge value set last wins, whichever node flushed last), so callers never see node ids.
 * Thread-safe.
 *
 * <p>A request that needs several reads of one key (its types, then points and buckets) makes them
 * through {@link #readSeries}: one lookup of the key and one read transaction. The single-read
 * methods are shorthands for it.
 */
public interface SeriesReader {

  /** The length of the finest stored interval (the flush interval), in milliseconds. */
  long finestPrecisionMillis();

  /**
   * Runs {@code work} on the series stored under {@code key}, in one read transaction; returns what
   * it returns. An unchecked exception {@code work} throws reaches the caller unchanged.
   *
   * @throws StoreException if the store cannot be read
   */
  <T> T readSeries(MetricKey key, Function<StoredSeries, T> work);

  /** The series with this key and type, if anything was ever stored for it. */
  default Optional<SeriesInfo> findSeries(MetricKey key, MetricType type) {
    return readSeries(key, s -> s.info(type));
  }

  /**
   * Series whose name starts with {@code namePrefix} (empty for all), optionally of one type,
   * ordered by name then tags, starting after {@code afterCanonicalKey} (a cursor: the {@link
   * MetricKey#canonical()} of the last series of the previous page, or null).
   */
  List<SeriesInfo> listSeries(
      String namePrefix, MetricType type, String afterCanonicalKey, int limit);

  /**
   * The stored points of a series with {@code fromMillis <= time <= toMillis}, one per stored
   * interval (node partials merged), in time order, from the finest resolution that still covers
   * the range.
   */
  default List<StoredPoint> readPoints(
      MetricKey key, MetricType type, long fromMillis, long toMillis) {
    return readSeries(key, s -> s.points(type, fromMillis, toMillis));
  }

  /**
   * Points merged into buckets of {@code bucketMillis} starting exactly at {@code fromMillis}; the
   * last bucket is the one containing {@code toMillis}. Reads the coarsest stored resolution that
   * is at least as fine as the bucket. Buckets with no data are omitted; each returned point's
   * {@code timeMillis} is its bucket's start.
   */
  default List<StoredPoint> readBuckets(
      MetricKey key, MetricType type, long fromMillis, long toMillis, long bucketMillis) {
    return readSeries(key, s -> s.buckets(type, fromMillis, toMillis, bucketMillis));
  }
}
