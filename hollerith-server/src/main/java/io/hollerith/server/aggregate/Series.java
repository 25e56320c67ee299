package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.protocol.Sample;
import java.nio.charset.StandardCharsets;

/**
 * One series' aggregate for the current interval. Subclasses hold the per-type state.
 *
 * <p>Concurrency: every field except the immutable identity is guarded by the series' own monitor
 * ({@code synchronized (series)}). A per-series lock is contended only when two ingest threads
 * write the same series at the same instant, or when the flusher swaps the interval out; ingest
 * threads writing different series never share a lock. {@link #deleted} is set under the same lock
 * when the series is removed from its table (idle deletion, {@code del*} commands, a closed backfill
 * interval); a writer that finds it set after locking retries the lookup, so no sample lands in a
 * series that will never be flushed.
 *
 * <p>Series objects are their own keys in a {@link SeriesTable}: {@link #hashCode()} is the
 * {@link Sample#hashKey} of the canonical key bytes, so a {@link KeyProbe} built from a sample finds
 * them without allocating.
 */
abstract class Series {

  final MetricKey key;
  final int hash;
  /**
   * Written under this series' lock. Removed from its table; writers must look the series up again.
   * Volatile so a {@link SeriesCache} can skip a deleted series without locking; the check that
   * decides where a sample lands is still made under the lock.
   */
  volatile boolean deleted;
  /** Guarded by this. Received at least one sample since it was created (Etsy only knows such keys). */
  boolean applied;
  /** Guarded by this. Received a sample in the current interval. */
  boolean touched;

  Series(MetricKey key, int hash) {
    this.key = key;
    this.hash = hash;
  }

  static int hashOf(MetricKey key) {
    byte[] bytes = key.canonical().getBytes(StandardCharsets.UTF_8);
    return Sample.hashKey(bytes, 0, bytes.length);
  }

  @Override
  public final int hashCode() {
    return hash;
  }

  @Override
  public final boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (o instanceof Series other) {
      return other.hash == hash && other.key.canonical().equals(key.canonical());
    }
    return o instanceof KeyProbe probe && probe.matches(this);
  }

  /** A counter: Etsy's {@code counters[key]}. */
  static final class Counter extends Series {
    double value;

    Counter(MetricKey key, int hash) {
      super(key, hash);
    }

    /** Etsy: {@code counters[key] += Number(value) * (1 / sampleRate)}. */
    void add(double v, double sampleRate) {
      value += v * (1 / sampleRate);
      applied = true;
      touched = true;
    }
  }

  /** A gauge: Etsy's {@code gauges[key]}, persisting across intervals. */
  static final class Gauge extends Series {
    /** False before the first sample, after a {@code delgauges}, and after a flush with {@code deleteGauges}. */
    boolean hasValue;
    double value;

    Gauge(MetricKey key, int hash) {
      super(key, hash);
    }

    /**
     * Etsy: a signed value adds to an existing gauge; otherwise the value is set. On a missing (or
     * zero) gauge a delta therefore starts from 0, which makes {@code 0|g} then {@code -5|g} the
     * only way to set a negative value. Etsy's test is {@code gauges[key] && …}, which is false for
     * a gauge at 0, so there the delta replaces the value instead of adding to it: the same number
     * except for {@code -0} ({@code 0 + -0} is {@code 0}, Etsy keeps {@code -0}).
     */
    void update(double v, boolean delta) {
      if (delta && hasValue && value != 0) {
        value += v;
      } else {
        value = v;
      }
      hasValue = true;
      applied = true;
      touched = true;
    }
  }

  /** A timer: Etsy's {@code timers[key]} values and {@code timer_counters[key]}, plus a sketch. */
  static final class Timer extends Series {
    double[] values = new double[4];
    int size;
    /** Sum of 1 / sampleRate (Etsy's timer_counters). */
    double count;
    io.hollerith.server.sketch.QuantileSketch sketch;

    Timer(MetricKey key, int hash) {
      super(key, hash);
    }

    void add(double v, double sampleRate) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
      double weight = 1 / sampleRate;
      count += weight;
      if (sketch == null) {
        sketch = io.hollerith.server.sketch.QuantileSketch.create();
      }
      sketch.accept(v, weight);
      applied = true;
      touched = true;
    }
  }

  /** A set: Etsy's {@code sets[key]} members of the interval, plus a HyperLogLog. */
  static final class SetSeries extends Series {
    java.util.HashSet<String> members;
    io.hollerith.server.sketch.UniqueSketch sketch;

    SetSeries(MetricKey key, int hash) {
      super(key, hash);
    }

    void add(String member) {
      if (members == null) {
        members = new java.util.HashSet<>();
        sketch = io.hollerith.server.sketch.UniqueSketch.create();
      }
      if (members.add(member)) {
        sketch.update(member);
      }
      applied = true;
      touched = true;
    }
  }
}
