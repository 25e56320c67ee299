package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;

/**
 * One series' aggregate for the current interval. Subclasses hold the per-type state.
 *
 * <p>Concurrency: a {@link Counter} is one atomic word (see there), updated with a single
 * compare-and-set and never locked. Every other series is a {@link Locked} series: all its fields
 * except the immutable identity are guarded by the series' own monitor ({@code synchronized
 * (series)}). Either way, ingest threads writing different series never share anything, and two
 * threads meet only when they write the same series at the same instant or when the flusher takes
 * the interval out. {@link #deleted} is set when the series is removed from its table (idle
 * deletion, {@code del*} commands, a closed backfill interval); a writer whose update finds the
 * series deleted looks it up again, so no sample lands in a series that will never be flushed.
 *
 * <p>Each type knows how to close its interval: {@link #flushLive} takes the interval's aggregate
 * out (and resets the series for the next one, or unlinks it under Etsy's idle rules), and
 * {@link #flushClosed} reports the series of a closed backfill interval once and deletes it. Both
 * hand their point to an {@link IntervalFlush}, which holds the flush's policy and output.
 *
 * <p>Series objects are their own keys in a {@link SeriesTable}: {@link #hashCode()} is the
 * {@link Sample#hashKey} of the canonical key bytes, so a {@link KeyProbe} built from a sample finds
 * them without allocating.
 */
abstract class Series {

  final MetricKey key;
  final int hash;
  /**
   * Removed from its table; writers must look the series up again. Volatile so a
   * {@link WriterSeriesCache} can skip a deleted series without locking; the check that decides where a
   * sample lands is made atomically with the update (under the lock, or in the counter's word).
   */
  volatile boolean deleted;

  /** Flushes in a row without a sample, for {@code aggregation.series_ttl}. Used by the flusher only. */
  int idleFlushes;

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

  /** The metric type, which names the table the series lives in. */
  abstract MetricType type();

  /**
   * Closes the live interval of this series: adds its point to {@code flush} (unless Etsy does not
   * know the key yet), resets it for the next interval, or unlinks it if it is idle and the
   * deletion rules or the series TTL say so. Called by the flusher only.
   */
  abstract void flushLive(IntervalFlush flush);

  /**
   * Deletes this series of a closed backfill interval (which no writer adds series to any more),
   * releasing its place under {@code max_metrics}, and adds its point to {@code flush} if it got a
   * sample.
   */
  abstract void flushClosed(IntervalFlush flush);

  /**
   * Marks the series deleted unless it already is; true if this call deleted it. A deleter of a live
   * series calls it holding the series' monitor and removes the series from its table before letting
   * go, so a writer that found the series deleted and then took the monitor looks up its successor.
   * (A closed backfill interval needs no unlinking: it has left the map writers look buckets up in.)
   * A writer racing with the deletion either lands its sample before (the sample is deleted with the
   * series) or finds the series deleted and looks it up again.
   */
  abstract boolean markDeleted();

  /** A series whose state is guarded by its own monitor. */
  abstract static class Locked extends Series {
    /** Guarded by this. Received at least one sample since it was created (Etsy only knows such keys). */
    boolean applied;
    /** Guarded by this. Received a sample in the current interval. */
    boolean touched;

    Locked(MetricKey key, int hash) {
      super(key, hash);
    }

    @Override
    final synchronized boolean markDeleted() {
      if (deleted) {
        return false;
      }
      deleted = true;
      return true;
    }
  }

  /**
   * A counter: Etsy's {@code counters[key]}, kept lock-free because counters are most of the
   * traffic. Its whole state is one 64-bit word: the interval's sum as the bits of a double, or
   * one of two signalling-NaN bit patterns, {@link #UNTOUCHED} (no sample this interval, the sum is
   * 0) and {@link #DELETED}. Arithmetic never produces a signalling NaN, so no sum can be mistaken
   * for either. A sample is one compare-and-set ({@link #tryAdd}); the flusher takes the interval's
   * sum and leaves {@code UNTOUCHED} in one atomic step ({@link #drain}), so every sample counts in
   * exactly one interval; deletion swaps in {@code DELETED}, which every later {@code tryAdd} sees.
   */
  static final class Counter extends Series {
    /** The word of a counter without a sample in the current interval. */
    static final long UNTOUCHED = 0x7FF0_0000_0000_0001L;
    /** The word of a deleted counter. */
    static final long DELETED = 0x7FF0_0000_0000_0002L;

    private static final VarHandle WORD;

    static {
      try {
        WORD = MethodHandles.lookup().findVarHandle(Counter.class, "word", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** The interval's sum as double bits, {@link #UNTOUCHED} or {@link #DELETED}; accessed through {@link #WORD}. */
    @SuppressWarnings("unused")
    private volatile long word = UNTOUCHED;
    /**
     * A sample was flushed in an earlier interval: Etsy keeps such a key, reporting 0 while it gets
     * no samples, until it is deleted. Written only by the flusher.
     */
    volatile boolean known;

    Counter(MetricKey key, int hash) {
      super(key, hash);
    }

    @Override
    MetricType type() {
      return MetricType.COUNTER;
    }

    @Override
    void flushLive(IntervalFlush flush) {
      long word = drain();
      boolean touched = touched(word);
      if (word == DELETED || !touched && !known) {
        return; // deleted, or created for a sample still on its way: Etsy does not know the key yet
      }
      idleFlushes = touched ? 0 : idleFlushes + 1;
      if (!touched && (flush.deletesIdleCounter(key) || flush.expired(idleFlushes))) {
        synchronized (this) {
          if (deleteIfUntouched()) {
            flush.unlinkIdle(this);
          } // else a sample arrived since the drain: not idle, and it counts in the next interval
        }
        return;
      }
      known = true;
      flush.counter(key, sum(word), touched);
    }

    @Override
    void flushClosed(IntervalFlush flush) {
      long word = delete();
      flush.released(this);
      if (touched(word)) {
        flush.counter(key, sum(word), true);
      }
    }

    /**
     * Etsy: {@code counters[key] += Number(value) * (1 / sampleRate)}, starting from 0 (a rate of 1
     * skips the multiplication, which would not change the value). False, and nothing added, if the
     * counter is deleted: the caller looks it up again.
     */
    boolean tryAdd(double v, double sampleRate) {
      double increment = sampleRate == 1 ? v : v * (1 / sampleRate);
      for (;;) {
        long current = word;
        if (current == DELETED) {
          synchronized (this) {
            // Deleters hold the monitor until the counter is out of its table (Aggregator#unlink),
            // so once we have it the caller's next lookup cannot find this counter again.
          }
          return false;
        }
        double sum = (current == UNTOUCHED ? 0 : Double.longBitsToDouble(current)) + increment;
        if (WORD.compareAndSet(this, current, Double.doubleToRawLongBits(sum))) {
          return true;
        }
      }
    }

    /** The current word, for reading without taking the interval out. */
    long peek() {
      return word;
    }

    /** Takes the interval's word out, leaving {@link #UNTOUCHED}; a deleted counter stays {@link #DELETED}. */
    long drain() {
      for (;;) {
        long current = word;
        if (current == DELETED || current == UNTOUCHED || WORD.compareAndSet(this, current, UNTOUCHED)) {
          return current;
        }
      }
    }

    /** Deletes the counter if it got no sample since the last {@link #drain}; true if it did. */
    boolean deleteIfUntouched() {
      if (WORD.compareAndSet(this, UNTOUCHED, DELETED)) {
        deleted = true;
        return true;
      }
      return false;
    }

    /** Deletes the counter, returning the word it held (its pending sum is discarded). */
    long delete() {
      long previous = (long) WORD.getAndSet(this, DELETED);
      deleted = true;
      return previous;
    }

    @Override
    boolean markDeleted() {
      return delete() != DELETED;
    }

    /** Whether a word holds a sum, that is the counter got a sample in the interval. */
    static boolean touched(long word) {
      return word != UNTOUCHED && word != DELETED;
    }

    /** The sum a word holds (0 for {@link #UNTOUCHED}). */
    static double sum(long word) {
      return touched(word) ? Double.longBitsToDouble(word) : 0;
    }
  }

  /** A gauge: Etsy's {@code gauges[key]}, persisting across intervals. */
  static final class Gauge extends Locked {
    /** False before the first sample, after a {@code delgauges}, and after a flush with {@code deleteGauges}. */
    boolean hasValue;
    double value;
    /**
     * When the value was last set or changed by a sample (epoch milliseconds, the receiving node's
     * clock, or the sample's own timestamp for a backfilled one): reads across nodes keep the value
     * with the latest set time, so a gauge a node merely re-sends never overrides a newer one.
     */
    long setAtMillis;

    Gauge(MetricKey key, int hash) {
      super(key, hash);
    }

    @Override
    MetricType type() {
      return MetricType.GAUGE;
    }

    @Override
    synchronized void flushLive(IntervalFlush flush) {
      if (deleted || !applied) {
        return;
      }
      idleFlushes = touched ? 0 : idleFlushes + 1;
      if (flush.expired(idleFlushes)) {
        flush.unlinkIdle(this);
        return;
      }
      if (hasValue) {
        flush.gauge(key, value, touched, setAtMillis);
      }
      if (flush.deleteGauges()) {
        // Etsy (gaugesMaxTTL 1): a gauge is deleted after the flush that follows its last update.
        if (!touched) {
          flush.unlinkIdle(this);
        } else {
          hasValue = false;
        }
      }
      touched = false;
    }

    @Override
    synchronized void flushClosed(IntervalFlush flush) {
      deleted = true;
      flush.released(this);
      if (hasValue) {
        flush.gauge(key, value, true, setAtMillis);
      }
    }

    /** Brings back a value the store kept, with its original set time. */
    synchronized void restore(double restoredValue, long restoredSetAtMillis) {
      value = restoredValue;
      setAtMillis = restoredSetAtMillis;
      hasValue = true;
      applied = true;
    }

    /**
     * Etsy: a signed value adds to an existing gauge; otherwise the value is set. On a missing (or
     * zero) gauge a delta therefore starts from 0, which makes {@code 0|g} then {@code -5|g} the
     * only way to set a negative value. Etsy's test is {@code gauges[key] && …}, which is false for
     * a gauge at 0, so there the delta replaces the value instead of adding to it: the same number
     * except for {@code -0} ({@code 0 + -0} is {@code 0}, Etsy keeps {@code -0}). Either way the
     * set time becomes {@code atMillis}.
     */
    void update(double v, boolean delta, long atMillis) {
      if (delta && hasValue && value != 0) {
        value += v;
      } else {
        value = v;
      }
      setAtMillis = atMillis;
      hasValue = true;
      applied = true;
      touched = true;
    }
  }

  /** A timer: Etsy's {@code timers[key]} values and {@code timer_counters[key]}, plus a sketch. */
  static final class Timer extends Locked {
    /** Above this many slots, a value array that a flush found at most a quarter full shrinks. */
    private static final int SHRINK_ABOVE = 64;

    double[] values = new double[4];
    int size;
    /** Sum of 1 / sampleRate (Etsy's timer_counters). */
    double count;
    QuantileSketch sketch;

    Timer(MetricKey key, int hash) {
      super(key, hash);
    }

    @Override
    MetricType type() {
      return MetricType.TIMER;
    }

    void add(double v, double sampleRate) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
      double weight = 1 / sampleRate;
      count += weight;
      if (sketch == null) {
        sketch = QuantileSketch.create();
      }
      sketch.accept(v, weight);
      applied = true;
      touched = true;
    }

    @Override
    void flushLive(IntervalFlush flush) {
      double[] taken;
      int n;
      double takenCount;
      QuantileSketch takenSketch;
      synchronized (this) {
        if (deleted || !applied) {
          return;
        }
        idleFlushes = touched ? 0 : idleFlushes + 1;
        if (!touched && (flush.deleteTimers() || flush.expired(idleFlushes))) {
          flush.unlinkIdle(this);
          return;
        }
        n = size;
        taken = n == 0 ? null : Arrays.copyOf(values, n);
        takenCount = count;
        takenSketch = sketch;
        size = 0;
        count = 0;
        sketch = null;
        touched = false;
        if (values.length > SHRINK_ABOVE && n < values.length / 4) {
          values = new double[Math.max(4, n)];
        }
      }
      flush.timer(key, taken, n, takenCount, takenSketch);
    }

    @Override
    void flushClosed(IntervalFlush flush) {
      double[] taken;
      synchronized (this) {
        deleted = true;
        flush.released(this);
        if (!applied) {
          return;
        }
        taken = Arrays.copyOf(values, size);
      }
      flush.timer(key, taken, taken.length, count, sketch);
    }
  }

  /** A set: Etsy's {@code sets[key]} members of the interval, plus a HyperLogLog. */
  static final class SetSeries extends Locked {
    HashSet<String> members;
    UniqueSketch sketch;

    SetSeries(MetricKey key, int hash) {
      super(key, hash);
    }

    @Override
    MetricType type() {
      return MetricType.SET;
    }

    @Override
    void flushLive(IntervalFlush flush) {
      long unique;
      UniqueSketch takenSketch;
      synchronized (this) {
        if (deleted || !applied) {
          return;
        }
        idleFlushes = touched ? 0 : idleFlushes + 1;
        if (!touched && (flush.deleteSets() || flush.expired(idleFlushes))) {
          flush.unlinkIdle(this);
          return;
        }
        unique = members == null ? 0 : members.size();
        takenSketch = sketch;
        members = null;
        sketch = null;
        touched = false;
      }
      flush.set(key, unique, takenSketch);
    }

    @Override
    synchronized void flushClosed(IntervalFlush flush) {
      deleted = true;
      flush.released(this);
      if (applied) {
        flush.set(key, members.size(), sketch);
      }
    }

    void add(String member) {
      if (members == null) {
        members = new HashSet<>();
        sketch = UniqueSketch.create();
      }
      if (members.add(member)) {
        sketch.update(member);
      }
      applied = true;
      touched = true;
    }
  }
}
