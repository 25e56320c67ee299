package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.sketch.UniqueSketch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * One series' aggregate for the current interval. Subclasses hold the per-type state.
 *
 * <p>Concurrency: a {@link Counter} and a {@link Gauge} are each one atomic word (see there),
 * updated with a single compare-and-set; writers never lock them, only deleters and the flusher
 * take their monitor. Timers and sets are {@link Locked} series: all their fields except the
 * immutable identity are guarded by the series' own monitor ({@code synchronized (series)}). Either
 * way, ingest threads writing different series never share anything, and two threads meet only when
 * they write the same series at the same instant or when the flusher takes the interval out. {@link
 * #deleted} is set when the series is removed from its table (idle deletion, {@code del*} commands,
 * a closed backfill interval); a writer whose update finds the series deleted looks it up again, so
 * no sample lands in a series that will never be flushed.
 *
 * <p>Each type knows how to close its interval: {@link #flushLive} takes the interval's aggregate
 * out (and resets the series for the next one, or unlinks it under Etsy's idle rules), and {@link
 * #flushClosed} reports the series of a closed backfill interval once and deletes it. Both hand
 * their point to an {@link IntervalFlush}, which holds the flush's policy and output.
 *
 * <p>Series objects are their own keys in a {@link SeriesTable}: {@link #hashCode()} is the {@link
 * Sample#hashKey} of the canonical key bytes, so a {@link KeyProbe} built from a sample finds them
 * without allocating.
 */
abstract class Series {

  final MetricKey key;
  final int hash;

  /**
   * Removed from its table; writers must look the series up again. Volatile so a {@link
   * WriterSeriesCache} can skip a deleted series without locking; the check that decides where a
   * sample lands is made atomically with the update (under the lock, or in the counter's word).
   */
  volatile boolean deleted;

  /**
   * Flushes in a row without a sample, for {@code aggregation.series_ttl}. Used by the flusher
   * only.
   */
  int idleFlushes;

  /**
   * The number of the latest live snapshot that listed this series ({@link
   * IntervalFlush#NOT_LISTED} if none, or once its leaving was reported). Used by the flusher only.
   */
  long listedIn = IntervalFlush.NOT_LISTED;

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
   * Marks the series deleted unless it already is; true if this call deleted it. A deleter of a
   * live series calls it holding the series' monitor and removes the series from its table before
   * letting go, so a writer that found the series deleted and then took the monitor looks up its
   * successor. (A closed backfill interval needs no unlinking: it has left the map writers look
   * buckets up in.) A writer racing with the deletion either lands its sample before (the sample is
   * deleted with the series) or finds the series deleted and looks it up again.
   */
  abstract boolean markDeleted();

  /** A series whose state is guarded by its own monitor. */
  abstract static class Locked extends Series {
    /**
     * Guarded by this. Received at least one sample since it was created (Etsy only knows such
     * keys).
     */
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
   * traffic. Its whole state is one 64-bit word: the interval's sum as the bits of a double, or one
   * of two signalling-NaN bit patterns, {@link #UNTOUCHED} (no sample this interval, the sum is 0)
   * and {@link #DELETED}. Arithmetic never produces a signalling NaN, so no sum can be mistaken for
   * either. A sample is one compare-and-set ({@link #tryAdd}); the flusher takes the interval's sum
   * and leaves {@code UNTOUCHED} in one atomic step ({@link #drain}), so every sample counts in
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

    /**
     * The interval's sum as double bits, {@link #UNTOUCHED} or {@link #DELETED}; accessed through
     * {@link #WORD}.
     */
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
      if (word == DELETED || (!touched && !known)) {
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
      flush.counter(this, sum(word), touched);
    }

    @Override
    void flushClosed(IntervalFlush flush) {
      long word = delete();
      flush.released(this);
      if (touched(word)) {
        flush.counter(this, sum(word), true);
      }
    }

    /**
     * Etsy: {@code counters[key] += Number(value) * (1 / sampleRate)}, starting from 0 (a rate of 1
     * skips the multiplication, which would not change the value). False, and nothing added, if the
     * counter is deleted: the caller looks it up again.
     */
    boolean tryAdd(double v, double sampleRate) {
      double increment = sampleRate == 1 ? v : v * (1 / sampleRate);
      for (; ; ) {
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

    /**
     * Takes the interval's word out, leaving {@link #UNTOUCHED}; a deleted counter stays {@link
     * #DELETED}.
     */
    long drain() {
      for (; ; ) {
        long current = word;
        if (current == DELETED
            || current == UNTOUCHED
            || WORD.compareAndSet(this, current, UNTOUCHED)) {
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

  /**
   * A gauge: Etsy's {@code gauges[key]}, persisting across intervals, kept lock-free like a {@link
   * Counter}. Its value is one 64-bit word: the value as the bits of a double, or one of three
   * signalling-NaN bit patterns, {@link #NEVER} (created for a sample still on its way: Etsy does
   * not know the key yet), {@link #EMPTY} (no value: after a flush with {@code deleteGauges}, the
   * next delta starts from 0) and {@link #DELETED}. A sample is one compare-and-set of the word.
   *
   * <p>Whether the gauge got a sample in the interval, the flusher learns two ways. A sample that
   * changes the word is seen by comparing the word with {@link #flushedWord}, the word the previous
   * flush left. A sample that writes the very bits already there (the same value set again) is seen
   * through a separate flag, {@link #touched}, which a writer raises both before and after its
   * compare-and-set (each time only if it is down, so a busy gauge writes it once per interval) and
   * which the flusher takes down with an atomic swap before it reads the word. The flag alone is
   * not enough: a sample whose first raise was taken down by one flush may land its value after
   * that flush read the word and raise the flag again only after the next flush looked at it; the
   * comparison catches that sample, and a same-bits sample caught by neither changed nothing the
   * previous flush did not already report. An idle gauge (its word still the one the previous flush
   * left, its flag down) is deleted by swapping in {@link #DELETED}, which fails if a sample
   * changed the word meanwhile, and then checking the flag once more: if a sample got in, the old
   * word is put back and the gauge is reported as touched instead. Writers that found the word
   * deleted meanwhile wait for the flusher's monitor and look the gauge up again, finding it still
   * in its table.
   *
   * <p>The set time is written before the compare-and-set, so a reported value carries its own set
   * time or, when a sample races the flush, that sample's (a few microseconds later).
   */
  static final class Gauge extends Series {
    /** The word of a gauge created for a sample that has not been applied yet. */
    static final long NEVER = 0x7FF0_0000_0000_0001L;

    /** The word of a deleted gauge. */
    static final long DELETED = 0x7FF0_0000_0000_0002L;

    /** The word of a gauge without a value: a delta starts from 0. */
    static final long EMPTY = 0x7FF0_0000_0000_0003L;

    private static final VarHandle WORD;
    private static final VarHandle TOUCHED;
    private static final VarHandle SET_AT;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        WORD = lookup.findVarHandle(Gauge.class, "word", long.class);
        TOUCHED = lookup.findVarHandle(Gauge.class, "touched", boolean.class);
        SET_AT = lookup.findVarHandle(Gauge.class, "setAtMillis", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** The value as double bits, {@link #NEVER}, {@link #EMPTY} or {@link #DELETED}. */
    private volatile long word = NEVER;

    /** A sample arrived since the flusher last took the flag down (see the class comment). */
    private volatile boolean touched;

    /**
     * The word as the previous flush left it (or as {@link #restore} set it): a word that differs
     * was changed by a sample. Guarded by this; used by the flusher.
     */
    private long flushedWord = NEVER;

    /**
     * When the value was last set or changed by a sample (epoch milliseconds, the receiving node's
     * clock, or the sample's own timestamp for a backfilled one): reads across nodes keep the value
     * with the latest set time, so a gauge a node merely re-sends never overrides a newer one.
     * Accessed through {@link #SET_AT} so the 64-bit write is atomic without a fence.
     */
    @SuppressWarnings("unused")
    private long setAtMillis;

    Gauge(MetricKey key, int hash) {
      super(key, hash);
    }

    @Override
    MetricType type() {
      return MetricType.GAUGE;
    }

    /**
     * Etsy: a signed value adds to an existing gauge; otherwise the value is set. On a missing (or
     * zero) gauge a delta therefore starts from 0, which makes {@code 0|g} then {@code -5|g} the
     * only way to set a negative value. Etsy's test is {@code gauges[key] && …}, which is false for
     * a gauge at 0, so there the delta replaces the value instead of adding to it: the same number
     * except for {@code -0} ({@code 0 + -0} is {@code 0}, Etsy keeps {@code -0}). Either way the
     * set time becomes {@code atMillis}. False, and nothing changed, if the gauge is deleted: the
     * caller looks it up again.
     */
    boolean tryUpdate(double v, boolean delta, long atMillis) {
      raiseTouched();
      SET_AT.setOpaque(this, atMillis);
      if (!land(v, delta)) {
        return false;
      }
      raiseTouched();
      return true;
    }

    /**
     * The compare-and-set step of {@link #tryUpdate}, between its two raises of the touched flag
     * (separate so a test can interleave a flush between the steps). False if the gauge is deleted.
     */
    boolean land(double v, boolean delta) {
      for (; ; ) {
        long current = word;
        if (current == DELETED) {
          synchronized (this) {
            // A deleter holds the monitor until the gauge is out of its table or its word is back.
          }
          return false;
        }
        double next =
            delta && holdsValue(current) && Double.longBitsToDouble(current) != 0
                ? Double.longBitsToDouble(current) + v
                : v;
        if (WORD.compareAndSet(this, current, Double.doubleToRawLongBits(next))) {
          return true;
        }
      }
    }

    /** Raises the touched flag unless it is up (a step of {@link #tryUpdate}). */
    void raiseTouched() {
      if (!touched) {
        touched = true;
      }
    }

    /** Takes the touched flag down, returning whether it was up. */
    private boolean takeTouched() {
      return (boolean) TOUCHED.getAndSet(this, false);
    }

    /** The current word, for reading without closing the interval. */
    long peek() {
      return word;
    }

    private long setAtMillis() {
      return (long) SET_AT.getOpaque(this);
    }

    @Override
    synchronized void flushLive(IntervalFlush flush) {
      boolean sampled = takeTouched();
      long current;
      for (; ; ) {
        current = word;
        if (current == DELETED || current == NEVER) {
          return;
        }
        sampled |= current != flushedWord;
        if (sampled || !(flush.deleteGauges() || flush.expired(idleFlushes + 1))) {
          break;
        }
        if (deleteIfIdle(current)) {
          idleFlushes++;
          if (!flush.expired(idleFlushes) && holdsValue(current)) {
            flush.gauge(this, valueOf(current), false, setAtMillis());
          }
          flush.unlinkIdle(this);
          return;
        }
        sampled = true;
      }
      idleFlushes = sampled ? 0 : idleFlushes + 1;
      if (sampled && flush.deleteGauges()) {
        // Etsy (gaugesMaxTTL 1): reported for the interval it was updated in, deleted after the
        // next.
        current = (long) WORD.getAndSet(this, EMPTY);
        flushedWord = EMPTY;
      } else {
        flushedWord = current;
      }
      if (holdsValue(current)) {
        flush.gauge(this, valueOf(current), sampled, setAtMillis());
      }
    }

    /**
     * Deletes the gauge if its word is still {@code expected} and no sample raised the touched flag
     * since the flush took it down; otherwise leaves (or puts back) the word, takes the flag down
     * and returns false: the gauge was sampled in this interval. Caller holds the monitor.
     */
    private boolean deleteIfIdle(long expected) {
      if (!WORD.compareAndSet(this, expected, DELETED)) {
        takeTouched();
        return false;
      }
      if (takeTouched()) {
        word = expected;
        return false;
      }
      return true;
    }

    @Override
    synchronized void flushClosed(IntervalFlush flush) {
      long last = (long) WORD.getAndSet(this, DELETED);
      deleted = true;
      flush.released(this);
      if (holdsValue(last)) {
        flush.gauge(this, valueOf(last), true, setAtMillis());
      }
    }

    @Override
    synchronized boolean markDeleted() {
      long previous = (long) WORD.getAndSet(this, DELETED);
      deleted = true;
      return previous != DELETED;
    }

    /** Brings back a value the store kept, with its original set time. */
    synchronized void restore(double restoredValue, long restoredSetAtMillis) {
      SET_AT.setOpaque(this, restoredSetAtMillis);
      flushedWord = Double.doubleToRawLongBits(restoredValue);
      word = flushedWord;
    }

    /** Whether a word holds a value. */
    static boolean holdsValue(long word) {
      return word != NEVER && word != EMPTY && word != DELETED;
    }

    /** The value a word holds. */
    static double valueOf(long word) {
      return Double.longBitsToDouble(word);
    }
  }

  /**
   * A timer: Etsy's {@code timers[key]} values and {@code timer_counters[key]}. A sample only
   * appends its value (and its weight, once a sample rate other than 1 arrives), so the per-sample
   * path does not allocate once the arrays have grown to the interval's size; the quantile sketch
   * is built from the values when the interval is flushed.
   */
  static final class Timer extends Locked {
    /** This interval's values, in arrival order. */
    final DoubleBlocks values = new DoubleBlocks();

    /**
     * {@code 1 / sampleRate} per value while {@link #weighted}; kept across intervals once made.
     */
    private DoubleBlocks weights;

    /** Some value of this interval had a sample rate other than 1. */
    private boolean weighted;

    /** Sum of 1 / sampleRate (Etsy's timer_counters). */
    double count;

    Timer(MetricKey key, int hash) {
      super(key, hash);
    }

    @Override
    MetricType type() {
      return MetricType.TIMER;
    }

    void add(double v, double sampleRate) {
      double weight = 1 / sampleRate;
      if (sampleRate != 1 && !weighted) {
        if (weights == null) {
          weights = new DoubleBlocks();
        }
        weights.addCopies(1, values.size());
        weighted = true;
      }
      if (weighted) {
        weights.add(weight);
      }
      values.add(v);
      count += weight;
      applied = true;
      touched = true;
    }

    @Override
    void flushLive(IntervalFlush flush) {
      double[] taken;
      double[] takenWeights;
      int n;
      double takenCount;
      synchronized (this) {
        if (deleted || !applied) {
          return;
        }
        idleFlushes = touched ? 0 : idleFlushes + 1;
        if (!touched && (flush.deleteTimers() || flush.expired(idleFlushes))) {
          flush.unlinkIdle(this);
          return;
        }
        n = values.size();
        taken = n == 0 ? null : flush.scratch.values(values);
        takenWeights = n == 0 || !weighted ? null : flush.scratch.weights(weights);
        takenCount = count;
        values.clear();
        if (weights != null) {
          weights.clear();
        }
        count = 0;
        weighted = false;
        touched = false;
      }
      flush.timer(this, taken, takenWeights, n, takenCount);
    }

    @Override
    void flushClosed(IntervalFlush flush) {
      double[] taken;
      double[] takenWeights;
      int n;
      synchronized (this) {
        deleted = true;
        flush.released(this);
        if (!applied) {
          return;
        }
        n = values.size();
        taken = flush.scratch.values(values);
        takenWeights = weighted ? flush.scratch.weights(weights) : null;
      }
      flush.timer(this, taken, takenWeights, n, count);
    }
  }

  /**
   * A set: Etsy's {@code sets[key]} members of the interval, kept as bytes in a {@link MemberSet}
   * (so a member seen before in the interval costs no allocation); the HyperLogLog is fed from them
   * when the interval is flushed.
   */
  static final class SetSeries extends Locked {
    /** This interval's members; null until the first. */
    MemberSet members;

    /** An emptied member set kept for the next interval, so that a flush need not allocate one. */
    private MemberSet spare;

    SetSeries(MetricKey key, int hash) {
      super(key, hash);
    }

    @Override
    MetricType type() {
      return MetricType.SET;
    }

    /** Adds the member {@code b[offset..offset + length)}, well-formed UTF-8. */
    void add(byte[] b, int offset, int length) {
      if (members == null) {
        members = spare != null ? spare : new MemberSet();
        spare = null;
      }
      members.add(b, offset, length);
      applied = true;
      touched = true;
    }

    void add(String member) {
      byte[] b = member.getBytes(StandardCharsets.UTF_8);
      add(b, 0, b.length);
    }

    @Override
    void flushLive(IntervalFlush flush) {
      MemberSet taken;
      synchronized (this) {
        if (deleted || !applied) {
          return;
        }
        idleFlushes = touched ? 0 : idleFlushes + 1;
        if (!touched && (flush.deleteSets() || flush.expired(idleFlushes))) {
          flush.unlinkIdle(this);
          return;
        }
        taken = members;
        members = null;
        touched = false;
      }
      if (taken == null) {
        flush.set(this, 0, null);
        return;
      }
      flush.set(this, taken.size(), sketchOf(taken));
      taken.clear();
      synchronized (this) {
        if (spare == null) {
          spare = taken;
        }
      }
    }

    @Override
    synchronized void flushClosed(IntervalFlush flush) {
      deleted = true;
      flush.released(this);
      if (applied) {
        flush.set(this, members.size(), sketchOf(members));
      }
    }

    private static UniqueSketch sketchOf(MemberSet members) {
      UniqueSketch sketch = UniqueSketch.create();
      members.forEachMember(sketch::update);
      return sketch;
    }
  }
}
