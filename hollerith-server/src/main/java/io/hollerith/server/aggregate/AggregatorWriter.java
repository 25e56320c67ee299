package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.protocol.SampleSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;

/**
 * The {@link SampleSink} of one ingest thread, made by {@link Aggregator#newWriter()}. In
 * unbuffered mode it applies each sample to its series at once (a counter or gauge with one
 * compare-and-set, timers and sets under the series' lock). In buffered mode it appends to a
 * preallocated operation log guarded by the writer's own monitor: the owning thread is the only
 * writer, and the lock is contended only when the flusher merges the log ({@link
 * Aggregator#mergeBuffers()}), so ingest threads never wait for each other. Replaying the log in
 * order means each series sees the same sequence of operations in both modes. Counter, gauge and
 * timer samples for existing series do not allocate in either mode.
 *
 * <p>One thread at a time; {@link #close()} merges what is pending and detaches the writer.
 */
public final class AggregatorWriter implements SampleSink, AutoCloseable {
  /** {@code sampleMillis} of a sample without its own timestamp: the time it was received. */
  private static final long RECEIVED_NOW = Long.MIN_VALUE;

  /** {@link #packetMillis} outside a packet: each sample reads the clock. */
  private static final long NO_PACKET = Long.MIN_VALUE;

  /** {@link #packetMillis} in a packet before its first gauge sample read the clock. */
  private static final long NOT_READ = Long.MIN_VALUE + 1;

  private static final byte OP_COUNTER = 1;
  private static final byte OP_GAUGE_SET = 2;
  private static final byte OP_GAUGE_DELTA = 3;
  private static final byte OP_TIMER = 4;
  private static final byte OP_SET = 5;

  /**
   * Slots of each writer's {@link WriterSeriesCache}: the hot series of one ingest thread (a few
   * thousand without collisions), at most a few hundred KiB per writer whatever the cardinality.
   */
  private static final int CACHE_SLOTS = 8192;

  private final Aggregator aggregator;
  // Copies of the aggregator's fields the per-sample path reads.
  private final boolean buffered;
  private final Clock clock;
  private final SeriesTables live;
  private final KeyProbe probe = new KeyProbe();
  private final WriterSeriesCache cache = new WriterSeriesCache(CACHE_SLOTS);
  private final CardinalityGuard.Tally tally;

  /**
   * The clock's time when the current packet's first gauge sample was received, which every gauge
   * sample of the packet takes as its set time (one clock read per packet, not per line); {@link
   * #NO_PACKET} or {@link #NOT_READ}.
   */
  private long packetMillis = NO_PACKET;

  // Buffered mode operation log; guarded by this writer's monitor.
  private final Series[] opSeries;
  private final double[] opValue;
  private final double[] opRate;

  /** When a gauge operation was received: its set time, which a later merge must not move. */
  private final long[] opTime;

  private final byte[] opKind;
  private final String[] opMember;
  private int opCount;
  private long firstOpNanos;

  AggregatorWriter(Aggregator aggregator) {
    this.aggregator = aggregator;
    this.tally = aggregator.guard.newTally();
    this.buffered = aggregator.buffered();
    this.clock = aggregator.clock;
    this.live = aggregator.live;
    int n = buffered ? aggregator.bufferSize : 0;
    opSeries = new Series[n];
    opValue = new double[n];
    opRate = new double[n];
    opTime = new long[n];
    opKind = new byte[n];
    opMember = new String[n];
  }

  @Override
  public void accept(Sample sample) {
    if (sample.type() == null) {
      return;
    }
    if (sample.timestampSeconds() != Sample.NO_TIMESTAMP && acceptTimestamped(sample)) {
      return;
    }
    Series series = resolveLive(sample);
    if (series == null) {
      return;
    }
    if (buffered) {
      append(series, sample);
      return;
    }
    while (!tryApply(series, sample, RECEIVED_NOW)) {
      series = resolveLive(sample);
      if (series == null) {
        return;
      }
    }
  }

  @Override
  public void beginPacket() {
    packetMillis = NOT_READ;
  }

  @Override
  public void endPacket() {
    packetMillis = NO_PACKET;
  }

  /**
   * When a sample without its own timestamp was received: its packet's time, or the clock's now.
   */
  private long receivedMillis() {
    long t = packetMillis;
    if (t == NO_PACKET) {
      return clock.millis();
    }
    if (t == NOT_READ) {
      t = clock.millis();
      packetMillis = t;
    }
    return t;
  }

  /** The live series for the sample, through this writer's cache (never a deleted one from it). */
  private Series resolveLive(Sample sample) {
    Series s = cache.get(sample);
    if (s == null) {
      s = resolve(live, sample);
      if (s != null) {
        cache.put(sample, s);
      }
    }
    return s;
  }

  /** Handles a timestamped sample unless it belongs to the open interval (returns false then). */
  private boolean acceptTimestamped(Sample sample) {
    long seconds = sample.timestampSeconds();
    long now = aggregator.clock.millis();
    long tsMillis;
    if (seconds > Long.MAX_VALUE / 1000) {
      aggregator.dropTooNew.incr();
      return true;
    } else if (seconds < Long.MIN_VALUE / 1000) {
      aggregator.dropTooOld.incr();
      return true;
    }
    tsMillis = seconds * 1000;
    if (tsMillis < now - aggregator.maxBackfillAgeMillis) {
      aggregator.dropTooOld.incr();
      return true;
    }
    if (tsMillis > now + aggregator.intervalMillis()) {
      aggregator.dropTooNew.incr();
      return true;
    }
    long start = aggregator.alignedStart(tsMillis);
    if (start >= aggregator.openIntervalStart()) {
      return false;
    }
    for (; ; ) {
      BackfillInterval b = aggregator.backfillInterval(start);
      Series series = resolveInBucket(b, sample);
      if (series == null) {
        return true;
      }
      if (tryApply(series, sample, tsMillis)) {
        return true;
      }
      // The bucket was flushed under us; the retry creates a new bucket for the same interval.
    }
  }

  private Series resolveInBucket(BackfillInterval b, Sample sample) {
    SeriesTable<? extends Series> table = b.tables.of(sample.type());
    Series s = table.get(probe.set(sample.keyBytes(), sample.keyLength(), sample.keyHash()));
    if (s != null) {
      return s;
    }
    MetricKey key = sample.toMetricKey();
    synchronized (b) {
      if (b.closed) {
        // Return a series already marked deleted so the caller retries with a fresh bucket.
        Series dead = table.newSeries(key, sample.keyHash());
        dead.markDeleted();
        return dead;
      }
      s = aggregator.createOrGet(table, key, sample.keyHash());
    }
    if (s == null) {
      dropped(sample);
    }
    return s;
  }

  private Series resolve(SeriesTables tables, Sample sample) {
    SeriesTable<? extends Series> table = tables.of(sample.type());
    Series s = table.get(probe.set(sample.keyBytes(), sample.keyLength(), sample.keyHash()));
    if (s != null) {
      return s;
    }
    s = aggregator.createOrGet(table, sample.toMetricKey(), sample.keyHash());
    if (s == null) {
      dropped(sample);
    }
    return s;
  }

  private void dropped(Sample sample) {
    int end = sample.nameLength();
    byte[] key = sample.keyBytes();
    int dot = 0;
    while (dot < end && key[dot] != '.') {
      dot++;
    }
    aggregator.guard.dropped(tally, new String(key, 0, dot, StandardCharsets.UTF_8), 1);
  }

  /**
   * Applies the sample unless its series was deleted (false: the caller looks it up again). {@code
   * sampleMillis} is the sample's own time, or {@link #RECEIVED_NOW} for the time it was received
   * ({@link #receivedMillis}); only a gauge uses it, as its set time.
   */
  private boolean tryApply(Series series, Sample sample, long sampleMillis) {
    if (sample.type() == MetricType.COUNTER) {
      return ((Series.Counter) series).tryAdd(sample.value(), sample.sampleRate());
    }
    if (sample.type() == MetricType.SET) {
      return tryAddMember((Series.SetSeries) series, sample);
    }
    if (sample.type() == MetricType.GAUGE) {
      return ((Series.Gauge) series)
          .tryUpdate(
              sample.value(),
              sample.gaugeDelta(),
              sampleMillis == RECEIVED_NOW ? receivedMillis() : sampleMillis);
    }
    synchronized (series) {
      if (series.deleted) {
        return false;
      }
      ((Series.Timer) series).add(sample.value(), sample.sampleRate());
      return true;
    }
  }

  /**
   * Adds a set sample's member as its bytes when they are well-formed UTF-8, which is allocation
   * free; otherwise as the bytes of the string they decode to, so a member is the same string Etsy
   * (and the HyperLogLog) sees either way.
   */
  private static boolean tryAddMember(Series.SetSeries set, Sample sample) {
    byte[] member = sample.memberBytes();
    int length = sample.memberLength();
    if (!sample.memberIsUtf8()) {
      member = sample.member().getBytes(StandardCharsets.UTF_8);
      length = member.length;
    }
    synchronized (set) {
      if (set.deleted) {
        return false;
      }
      set.add(member, 0, length);
      return true;
    }
  }

  private synchronized void append(Series series, Sample sample) {
    int i = opCount;
    opSeries[i] = series;
    opValue[i] = sample.value();
    opRate[i] = sample.sampleRate();
    switch (sample.type()) {
      case COUNTER -> opKind[i] = OP_COUNTER;
      case GAUGE -> {
        opKind[i] = sample.gaugeDelta() ? OP_GAUGE_DELTA : OP_GAUGE_SET;
        opTime[i] = receivedMillis();
      }
      case TIMER -> opKind[i] = OP_TIMER;
      default -> {
        opKind[i] = OP_SET;
        opMember[i] = sample.member();
      }
    }
    opCount = i + 1;
    if (i == 0) {
      firstOpNanos = System.nanoTime();
    }
    if (opCount == opSeries.length
        || ((opCount & 63) == 0
            && System.nanoTime() - firstOpNanos >= aggregator.bufferMaxAgeNanos)) {
      mergeLocked();
    }
  }

  /** Replays the log in order into the live series. Caller holds this writer's monitor. */
  void mergeLocked() {
    int n = opCount;
    if (n == 0) {
      return;
    }
    int i = 0;
    while (i < n) {
      Series target = opSeries[i];
      if (target == null) {
        i++; // its series could not be re-created (cardinality guard); already counted
        continue;
      }
      int j = replayRun(target, i, n);
      if (j < n && same(opSeries[j], target)) {
        // Deleted since the sample arrived: find or create its successor and retry the rest.
        Series successor = aggregator.resolveAgain(target);
        int lost = 0;
        for (int k = j; k < n; k++) {
          if (same(opSeries[k], target)) {
            opSeries[k] = successor;
            lost++;
          }
        }
        if (successor == null) {
          aggregator.guard.dropped(null, Aggregator.prefixOf(target.key.name()), lost);
        }
      }
      i = j;
    }
    Arrays.fill(opSeries, 0, n, null);
    Arrays.fill(opMember, 0, n, null);
    opCount = 0;
    aggregator.bufferMerges.incr();
  }

  /**
   * Replays the run of consecutive operations on {@code target} starting at {@code i}; returns the
   * index after the last one applied, which is still an operation on {@code target} if the series
   * was found deleted.
   */
  private int replayRun(Series target, int i, int n) {
    int j = i;
    if (target instanceof Series.Counter counter) {
      while (j < n && same(opSeries[j], target) && counter.tryAdd(opValue[j], opRate[j])) {
        j++;
      }
      return j;
    }
    if (target instanceof Series.Gauge gauge) {
      while (j < n
          && same(opSeries[j], target)
          && gauge.tryUpdate(opValue[j], opKind[j] == OP_GAUGE_DELTA, opTime[j])) {
        j++;
      }
      return j;
    }
    synchronized (target) {
      if (!target.deleted) {
        while (j < n && same(opSeries[j], target)) {
          replay(target, j);
          j++;
        }
      }
    }
    return j;
  }

  /**
   * Whether a logged operation targets this very series object. A deleted series and its successor
   * share a key, so {@link Series#equals} cannot tell them apart; identity can.
   */
  @SuppressWarnings("ReferenceEquality") // identity is the comparison meant here, see above
  private static boolean same(Series logged, Series target) {
    return logged == target;
  }

  /** Replays one operation on a {@link Series.Locked} series; the caller holds its monitor. */
  private void replay(Series s, int i) {
    switch (opKind[i]) {
      case OP_TIMER -> ((Series.Timer) s).add(opValue[i], opRate[i]);
      default -> ((Series.SetSeries) s).add(opMember[i]);
    }
  }

  /**
   * Merges anything pending and detaches this writer from the aggregator; it must not be used
   * afterwards.
   */
  @Override
  public void close() {
    synchronized (this) {
      mergeLocked();
    }
    aggregator.detach(this, tally);
  }
}
