package io.hollerith.server.query;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.storage.SeriesInfo;
import io.hollerith.server.storage.SeriesReader;
import io.hollerith.server.storage.StoredPoint;
import io.hollerith.server.storage.StoredSeries;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * A test fixture: a complete {@link SeriesReader} over a list of points held in memory, with the
 * interface's merge rules (counts and sums add, min of mins, max of maxes, the latest gauge wins,
 * sketches merge, HyperLogLogs unite). Thread-safe through synchronisation.
 */
public final class InMemorySeriesReader implements SeriesReader {

  private record Entry(MetricKey key, StoredPoint point) {}

  private final List<Entry> entries = new ArrayList<>();
  private RuntimeException failure;
  private volatile CountDownLatch hang;

  /** Makes every later read throw {@code e}, as a store that lost its database does. */
  public synchronized void failWith(RuntimeException e) {
    this.failure = e;
  }

  /**
   * Makes every later read wait until {@code release} opens, as a store whose database hangs does.
   */
  public void hangUntil(CountDownLatch release) {
    this.hang = release;
  }

  private void checkFailure() {
    CountDownLatch h = hang;
    if (h != null) {
      try {
        h.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("read interrupted while the store hung", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  public synchronized InMemorySeriesReader add(MetricKey key, StoredPoint point) {
    entries.add(new Entry(key, point));
    return this;
  }

  public static StoredPoint counter(long t, long resolution, double count) {
    return StoredPoint.counter(t, resolution, count);
  }

  public static StoredPoint gauge(long t, long resolution, double last, double min, double max) {
    return StoredPoint.gauge(t, resolution, last, min, max);
  }

  public static StoredPoint timer(long t, long resolution, double... values) {
    QuantileSketch sketch = QuantileSketch.create();
    double sum = 0;
    double sq = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      sketch.accept(v);
      sum += v;
      sq += v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return StoredPoint.timer(
        t, resolution, values.length, values.length, sum, sq, min, max, sketch);
  }

  public static StoredPoint set(long t, long resolution, String... members) {
    UniqueSketch sketch = UniqueSketch.create();
    for (String m : members) {
      sketch.update(m);
    }
    return StoredPoint.set(t, resolution, sketch.uniqueCount(), sketch);
  }

  /** Points are taken to come from 10 s flushes. */
  @Override
  public long finestPrecisionMillis() {
    return 10_000L;
  }

  @Override
  public <T> T readSeries(MetricKey key, Function<StoredSeries, T> work) {
    checkFailure();
    return work.apply(
        new StoredSeries() {
          @Override
          public MetricKey key() {
            return key;
          }

          @Override
          public List<SeriesInfo> types() {
            List<SeriesInfo> out = new ArrayList<>();
            for (MetricType t : MetricType.values()) {
              findSeries(key, t).ifPresent(out::add);
            }
            return out;
          }

          @Override
          public List<StoredPoint> points(MetricType type, long fromMillis, long toMillis) {
            return readPoints(key, type, fromMillis, toMillis);
          }

          @Override
          public List<StoredPoint> buckets(
              MetricType type, long fromMillis, long toMillis, long bucketMillis) {
            return readBuckets(key, type, fromMillis, toMillis, bucketMillis);
          }
        });
  }

  @Override
  public synchronized Optional<SeriesInfo> findSeries(MetricKey key, MetricType type) {
    checkFailure();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Entry e : entries) {
      if (e.key.equals(key) && e.point.type() == type) {
        first = Math.min(first, e.point.timeMillis());
        last = Math.max(last, e.point.timeMillis());
      }
    }
    return first == Long.MAX_VALUE
        ? Optional.empty()
        : Optional.of(new SeriesInfo(key, type, first, last));
  }

  @Override
  public synchronized List<SeriesInfo> listSeries(
      String namePrefix, MetricType type, String afterCanonicalKey, int limit) {
    checkFailure();
    TreeMap<String, Map<MetricType, SeriesInfo>> byKey = new TreeMap<>();
    for (Entry e : entries) {
      if (!e.key.name().startsWith(namePrefix) || (type != null && e.point.type() != type)) {
        continue;
      }
      if (afterCanonicalKey != null && e.key.canonical().compareTo(afterCanonicalKey) <= 0) {
        continue;
      }
      byKey
          .computeIfAbsent(e.key.canonical(), k -> new TreeMap<>())
          .computeIfAbsent(e.point.type(), t -> findSeries(e.key, t).orElseThrow());
    }
    List<SeriesInfo> out = new ArrayList<>();
    for (Map<MetricType, SeriesInfo> m : byKey.values()) {
      for (SeriesInfo info : m.values()) {
        if (out.size() < limit) {
          out.add(info);
        }
      }
    }
    return out;
  }

  @Override
  public synchronized List<StoredPoint> readPoints(
      MetricKey key, MetricType type, long fromMillis, long toMillis) {
    checkFailure();
    TreeMap<Long, StoredPoint> byTime = new TreeMap<>();
    for (Entry e : sorted()) {
      StoredPoint p = e.point;
      if (e.key.equals(key)
          && p.type() == type
          && p.timeMillis() >= fromMillis
          && p.timeMillis() <= toMillis) {
        byTime.merge(
            p.timeMillis(), p, (a, b) -> merge(a, b, a.timeMillis(), a.resolutionMillis()));
      }
    }
    return new ArrayList<>(byTime.values());
  }

  @Override
  public synchronized List<StoredPoint> readBuckets(
      MetricKey key, MetricType type, long fromMillis, long toMillis, long bucketMillis) {
    checkFailure();
    TreeMap<Long, StoredPoint> byBucket = new TreeMap<>();
    for (StoredPoint p : readPoints(key, type, fromMillis, toMillis)) {
      long start =
          fromMillis + Math.floorDiv(p.timeMillis() - fromMillis, bucketMillis) * bucketMillis;
      StoredPoint moved = merge(null, p, start, p.resolutionMillis());
      byBucket.merge(start, moved, (a, b) -> merge(a, b, start, a.resolutionMillis()));
    }
    return new ArrayList<>(byBucket.values());
  }

  private List<Entry> sorted() {
    List<Entry> copy = new ArrayList<>(entries);
    copy.sort(Comparator.comparingLong(e -> e.point.timeMillis()));
    return copy;
  }

  /** Merges b (the later one) into a; a null a copies b to the new time. */
  private static StoredPoint merge(StoredPoint a, StoredPoint b, long time, long resolution) {
    if (a == null) {
      return new StoredPoint(
          time,
          resolution,
          b.type(),
          b.count(),
          b.sampleCount(),
          b.sum(),
          b.sumSquares(),
          b.min(),
          b.max(),
          b.last(),
          b.unique(),
          b.sketch() == null ? null : b.sketch().copy(),
          b.uniqueSketch() == null ? null : b.uniqueSketch().copy());
    }
    QuantileSketch sketch = null;
    if (a.sketch() != null || b.sketch() != null) {
      sketch = QuantileSketch.create();
      if (a.sketch() != null) {
        sketch.merge(a.sketch());
      }
      if (b.sketch() != null) {
        sketch.merge(b.sketch());
      }
    }
    UniqueSketch hll = null;
    if (a.uniqueSketch() != null || b.uniqueSketch() != null) {
      hll = UniqueSketch.create();
      if (a.uniqueSketch() != null) {
        hll.merge(a.uniqueSketch());
      }
      if (b.uniqueSketch() != null) {
        hll.merge(b.uniqueSketch());
      }
    }
    return new StoredPoint(
        time,
        resolution,
        a.type(),
        a.count() + b.count(),
        a.sampleCount() + b.sampleCount(),
        a.sum() + b.sum(),
        a.sumSquares() + b.sumSquares(),
        nanMin(a.min(), b.min()),
        nanMax(a.max(), b.max()),
        Double.isNaN(b.last()) ? a.last() : b.last(),
        hll == null ? a.unique() + b.unique() : hll.uniqueCount(),
        sketch,
        hll);
  }

  private static double nanMin(double x, double y) {
    return Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.min(x, y);
  }

  private static double nanMax(double x, double y) {
    return Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.max(x, y);
  }
}
