package io.hollerith.server.storage;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;

/**
 * One stored interval of one series (or several merged: partials of several nodes, or a bucket of
 * intervals). Build one with the factory of its type ({@link #counter}, {@link #gauge}, {@link
 * #timer}, {@link #set}), which leaves the fields the type lacks at {@code NaN}, 0 or null:
 *
 * <ul>
 *   <li>counter: {@code count} (increments divided by sample rates)
 *   <li>gauge: {@code last} (the latest value), {@code min}, {@code max}
 *   <li>timer: {@code count} (sample-rate scaled), {@code sampleCount}, {@code sum}, {@code
 *       sumSquares}, {@code min}, {@code max}, {@code sketch}
 *   <li>set: {@code unique} (HLL estimate of the union) and {@code uniqueSketch}
 * </ul>
 *
 * <p>Immutable as a record; the sketches it refers to are mutable and owned by whoever holds the
 * point.
 *
 * @param timeMillis start of the interval (or bucket)
 * @param resolutionMillis length of the stored interval it came from (10 s, 1 min, 1 h, …)
 */
public record StoredPoint(
    long timeMillis,
    long resolutionMillis,
    MetricType type,
    double count,
    long sampleCount,
    double sum,
    double sumSquares,
    double min,
    double max,
    double last,
    long unique,
    QuantileSketch sketch,
    UniqueSketch uniqueSketch) {

  private static final double NONE = Double.NaN;

  /** A counter interval: the sample-rate scaled count. */
  public static StoredPoint counter(long timeMillis, long resolutionMillis, double count) {
    return new StoredPoint(
        timeMillis,
        resolutionMillis,
        MetricType.COUNTER,
        count,
        0,
        NONE,
        NONE,
        NONE,
        NONE,
        NONE,
        0,
        null,
        null);
  }

  /** A gauge interval: the value set last, and the lowest and highest values it held. */
  public static StoredPoint gauge(
      long timeMillis, long resolutionMillis, double last, double min, double max) {
    return new StoredPoint(
        timeMillis,
        resolutionMillis,
        MetricType.GAUGE,
        NONE,
        0,
        NONE,
        NONE,
        min,
        max,
        last,
        0,
        null,
        null);
  }

  /**
   * A timer interval: Etsy's exact statistics and the quantile sketch of its values (may be null).
   */
  public static StoredPoint timer(
      long timeMillis,
      long resolutionMillis,
      double count,
      long sampleCount,
      double sum,
      double sumSquares,
      double min,
      double max,
      QuantileSketch sketch) {
    return new StoredPoint(
        timeMillis,
        resolutionMillis,
        MetricType.TIMER,
        count,
        sampleCount,
        sum,
        sumSquares,
        min,
        max,
        NONE,
        0,
        sketch,
        null);
  }

  /** A set interval: its unique count and HyperLogLog (may be null). */
  public static StoredPoint set(
      long timeMillis, long resolutionMillis, long unique, UniqueSketch sketch) {
    return new StoredPoint(
        timeMillis,
        resolutionMillis,
        MetricType.SET,
        NONE,
        0,
        NONE,
        NONE,
        NONE,
        NONE,
        NONE,
        unique,
        null,
        sketch);
  }

  /** The same values at another time and resolution. */
  StoredPoint at(long time, long resolution) {
    return new StoredPoint(
        time,
        resolution,
        type,
        count,
        sampleCount,
        sum,
        sumSquares,
        min,
        max,
        last,
        unique,
        sketch,
        uniqueSketch);
  }

  /**
   * The same values with copies of the sketches, so merging into the copy leaves this point alone.
   */
  StoredPoint withCopiedSketches() {
    return new StoredPoint(
        timeMillis,
        resolutionMillis,
        type,
        count,
        sampleCount,
        sum,
        sumSquares,
        min,
        max,
        last,
        unique,
        sketch == null ? null : sketch.copy(),
        uniqueSketch == null ? null : uniqueSketch.copy());
  }
}
