package io.hollerith.server.storage;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;

/**
 * Merges stored points of one series (node partials of one interval, intervals of one bucket, or
 * fine points into a rollup) with the merge each type needs: counts and sums add, min of mins, max
 * of maxes, quantile sketches merge, HyperLogLogs unite, and a gauge keeps the value with the
 * latest set time, whichever interval or node row carries it (ties: the row added last, that is the
 * later interval, then the higher node id). Takes ownership of the sketches it is given.
 *
 * <p>Not thread-safe; one per bucket.
 */
final class PointAccumulator {
  private final MetricType type;
  private int rows;
  private long resolution;
  private double count;
  private long sampleCount;
  private double sum = Double.NaN;
  private double sumSquares = Double.NaN;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private double last = Double.NaN;
  private long lastSetAt = Long.MIN_VALUE;
  private long unique;
  private QuantileSketch sketch;
  private UniqueSketch uniqueSketch;

  PointAccumulator(MetricType type) {
    this.type = type;
  }

  boolean isEmpty() {
    return rows == 0;
  }

  /** The set time of the gauge value kept (for writing a merged gauge row back). */
  long lastSetAt() {
    return lastSetAt;
  }

  /** Adds a row; {@code gaugeSetAt} is a gauge row's set time (ignored for other types). */
  void add(StoredPoint p, long gaugeSetAt) {
    rows++;
    resolution = Math.max(resolution, p.resolutionMillis());
    switch (type) {
      case COUNTER -> count += p.count();
      case GAUGE -> {
        min = nanMin(min, p.min());
        max = nanMax(max, p.max());
        if (gaugeSetAt >= lastSetAt) {
          last = p.last();
          lastSetAt = gaugeSetAt;
        }
      }
      case TIMER -> {
        count += p.count();
        sampleCount += p.sampleCount();
        sum = nanSum(sum, p.sum());
        sumSquares = nanSum(sumSquares, p.sumSquares());
        min = nanMin(min, p.min());
        max = nanMax(max, p.max());
        if (p.sketch() != null) {
          if (sketch == null) {
            sketch = p.sketch();
          } else {
            sketch.merge(p.sketch());
          }
        }
      }
      case SET -> {
        unique = p.unique();
        if (p.uniqueSketch() != null) {
          if (uniqueSketch == null) {
            uniqueSketch = p.uniqueSketch();
          } else {
            uniqueSketch.merge(p.uniqueSketch());
          }
        }
      }
    }
  }

  /** The merged point stamped with {@code timeMillis}. */
  StoredPoint toPoint(long timeMillis) {
    return switch (type) {
      case COUNTER -> StoredPoint.counter(timeMillis, resolution, count);
      case GAUGE -> StoredPoint.gauge(timeMillis, resolution, last, min, max);
      case TIMER ->
          StoredPoint.timer(
              timeMillis, resolution, count, sampleCount, sum, sumSquares, min, max, sketch);
      case SET ->
          StoredPoint.set(
              timeMillis,
              resolution,
              rows == 1 || uniqueSketch == null ? unique : uniqueSketch.uniqueCount(),
              uniqueSketch);
    };
  }

  /**
   * Adds what is known: an interval without values (an idle flush) has no sum ({@code NaN}) and
   * must not make the sum of the intervals around it unknown.
   */
  private static double nanSum(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : a + b;
  }

  private static double nanMin(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
  }

  private static double nanMax(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
  }
}
