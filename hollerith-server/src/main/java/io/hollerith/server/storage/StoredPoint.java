package io.hollerith.server.storage;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;

/**
 * One stored interval of one series (or several merged: partials of several nodes, or a bucket of
 * intervals). Which fields mean something depends on the type; the others are {@code NaN} or null.
 *
 * <ul>
 *   <li>counter: {@code count} (increments divided by sample rates)
 *   <li>gauge: {@code last} (the latest value), {@code min}, {@code max}
 *   <li>timer: {@code count} (sample-rate scaled), {@code sampleCount}, {@code sum}, {@code sumSquares},
 *       {@code min}, {@code max}, {@code sketch}
 *   <li>set: {@code unique} (HLL estimate of the union) and {@code uniqueSketch}
 * </ul>
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
    UniqueSketch uniqueSketch) {}
