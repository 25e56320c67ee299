package io.hollerith.server.aggregate;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.etsy.EtsyKeys;
import io.hollerith.server.etsy.EtsyTimerMath;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.FlushSnapshot.CounterPoint;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import io.hollerith.server.snapshot.FlushSnapshot.SetPoint;
import io.hollerith.server.snapshot.FlushSnapshot.TimerPoint;
import io.hollerith.server.snapshot.IntervalSource;
import io.hollerith.server.snapshot.TimerStats;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.protocol.SampleSink;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.stats.StatsRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Aggregates samples per flush interval exactly as Etsy StatsD 0.9 does ({@code stats.js} and
 * {@code lib/process_metrics.js}), keeps a mergeable sketch per timer and set alongside, and hands
 * out one {@link FlushSnapshot} per closed interval (plus one per backfilled interval).
 *
 * <h2>Use</h2>
 *
 * Every ingest thread takes its own {@link #newWriter() writer} and passes it to the parser; the
 * flusher calls {@link #flush(long)} at each wall-clock multiple of the flush interval;
 * {@link #liveView()} serves Etsy's management commands.
 *
 * <h2>Buffer modes ({@code stats.no_buffer})</h2>
 *
 * With {@code no_buffer: true} (default) a writer applies each sample to the live series at once.
 * With {@code no_buffer: false} a writer appends each sample to its own operation log (preallocated,
 * {@code stats.buffer_size} entries) and replays the log, in order, into the live series when it is
 * full, at least every {@code stats.flush_interval_ms} while samples arrive, whenever
 * {@link #mergeBuffers()} runs (the flusher schedules it every {@code flush_interval_ms}), and
 * before every flush. Replaying in order means each series sees the same sequence of operations in
 * both modes, so both flush identical results for the same input; samples sit in the log for at
 * most {@code flush_interval_ms} before they are visible in {@link #liveView()}.
 *
 * <h2>Timestamps (DogStatsD {@code |T})</h2>
 *
 * A sample carrying a timestamp is checked against the clock: older than the maximum backfill age
 * (default 7 days, the finest retention) or more than one interval in the future, it is dropped and
 * counted ({@code drops.backfill_too_old}, {@code drops.backfill_too_new}). If it falls in the open
 * interval or later (clock skew of up to one interval), it counts in the open interval. Otherwise it
 * is aggregated into the wall-clock aligned interval containing it, separately from live data, and
 * the next {@link #flush} returns that interval as its own snapshot with {@code backfill = true}.
 * A backfilled gauge starts from nothing: its deltas start from 0 within that interval. Backfill
 * samples are never buffered and allocate (they are the uncommon path).
 *
 * <h2>Cardinality guard</h2>
 *
 * At most {@code max_metrics} series (live plus pending backfill) exist; a sample for a new series
 * beyond that is dropped and counted in {@code drops.max_metrics}, and its key prefix (the name up
 * to the first dot) is tallied; {@link #topDroppedPrefixes(int)} reports the noisiest prefixes and
 * a WARN is logged at most once a minute while drops continue (see {@link CardinalityGuard}).
 *
 * <h2>Internal stats</h2>
 *
 * Written: {@code drops.max_metrics}, {@code drops.backfill_too_old}, {@code drops.backfill_too_new}
 * (counters); {@code aggregate.live_series}, {@code aggregate.backfill_intervals},
 * {@code aggregate.writers} (gauges); {@code aggregate.buffer_merges} (counter). Read, to report
 * Etsy's {@code statsd.*} counters per flush: {@code messages.bad_lines_seen},
 * {@code messages.packets_received}, {@code messages.metrics_received} — totals over all listeners,
 * which the ingest side increments (a line is a "metric received" as in Etsy, bad or not).
 *
 * <h2>Etsy's per-flush values</h2>
 *
 * The live snapshot's {@link FlushSnapshot#processingStats()} holds, under Etsy's names: the
 * interval's {@code statsd.bad_lines_seen}, {@code statsd.packets_received} and
 * {@code statsd.metrics_received} (Etsy keeps them as counters), {@code statsd.timestamp_lag} (Etsy's
 * gauge: seconds between this flush and the previous one minus the interval; absent on the first
 * flush) and {@code processing_time} (milliseconds spent computing the snapshot). Backfill snapshots
 * carry none.
 *
 * <p>Thread-safe. See {@link Series} for how a series is updated (lock-free counters, per-series
 * locks for the other types); no lock is shared by all ingest threads on the per-sample path.
 */
public final class Aggregator implements IntervalSource {

  /** The default maximum age of a timestamped sample: 7 days, the finest retention window. */
  public static final Duration DEFAULT_MAX_BACKFILL_AGE = Duration.ofDays(7);

  /** Etsy resets, rather than deletes, counters whose key contains one of these under deleteCounters. */
  private static final String[] ETSY_KEPT_COUNTERS = {"packets_received", "metrics_received", "bad_lines_seen"};

  /**
   * Slots of each writer's {@link SeriesCache}: the hot series of one ingest thread (a few thousand
   * without collisions), at most a few hundred KiB per writer whatever the cardinality.
   */
  private static final int WRITER_CACHE_SLOTS = 8192;

  private final AggregationConfig config;
  private final long intervalMillis;
  private final double intervalSeconds;
  private final boolean buffered;
  private final int bufferSize;
  private final long bufferMaxAgeNanos;
  private final long bufferFlushIntervalMillis;
  private final Clock clock;
  private final long maxBackfillAgeMillis;

  private final Tables live = new Tables();
  /** Pending backfill intervals by start. A ConcurrentHashMap so backfill writers never share a lock. */
  private final ConcurrentHashMap<Long, Bucket> backfill = new ConcurrentHashMap<>();
  private final CardinalityGuard guard;
  /** Start of the interval the next flush closes. Volatile: read by timestamped samples on every ingest thread. */
  private volatile long openIntervalStart;
  /** Every open writer, for merging buffers; copy-on-write because it changes only when threads start. */
  private final CopyOnWriteArrayList<Writer> writers = new CopyOnWriteArrayList<>();

  private final StatsRegistry.Counter dropTooOld;
  private final StatsRegistry.Counter dropTooNew;
  private final StatsRegistry.Counter bufferMerges;
  private final StatsRegistry.Counter badLines;
  private final StatsRegistry.Counter packetsReceived;
  private final StatsRegistry.Counter metricsReceived;
  private final StatsRegistry.Counter seriesExpired;
  /** {@code aggregation.series_ttl} in flushes (rounded up); {@link Integer#MAX_VALUE} when 0 (never). */
  private final int idleFlushesToExpire;

  /** Serialises flushes; also guards the fields below. Never taken on the ingest path. */
  private final Object flushLock = new Object();
  // Written under flushLock; volatile so the management port reads them without waiting for a flush.
  private volatile long lastBadLines;
  private volatile long lastPackets;
  private volatile long lastMetrics;
  private long lastFlushSeconds = Long.MIN_VALUE;

  private final LiveView liveView;

  /** An aggregator with the default maximum backfill age. */
  public Aggregator(AggregationConfig config, StatsConfig statsConfig, StatsRegistry stats, Clock clock) {
    this(config, statsConfig, stats, clock, DEFAULT_MAX_BACKFILL_AGE);
  }

  /**
   * @param maxBackfillAge timestamped samples older than this are rejected (normally the finest retention)
   */
  public Aggregator(AggregationConfig config, StatsConfig statsConfig, StatsRegistry stats, Clock clock,
      Duration maxBackfillAge) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(statsConfig, "statsConfig");
    Objects.requireNonNull(stats, "stats");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = config.flushInterval().toMillis();
    if (intervalMillis <= 0) {
      throw new IllegalArgumentException("aggregation.flush_interval must be positive, got " + config.flushInterval());
    }
    this.intervalSeconds = intervalMillis / 1000.0;
    this.buffered = !statsConfig.noBuffer();
    this.bufferSize = Math.max(1, statsConfig.bufferSize());
    this.bufferFlushIntervalMillis = Math.max(1, statsConfig.flushIntervalMs());
    this.bufferMaxAgeNanos = bufferFlushIntervalMillis * 1_000_000L;
    this.maxBackfillAgeMillis = maxBackfillAge.toMillis();
    this.openIntervalStart = alignedStart(clock.millis());

    long ttlMillis = config.seriesTtl().toMillis();
    this.idleFlushesToExpire = ttlMillis == 0 ? Integer.MAX_VALUE
        : (int) Math.min(Integer.MAX_VALUE - 1, (ttlMillis + intervalMillis - 1) / intervalMillis);
    seriesExpired = stats.counter("aggregate", "series_expired",
        "series that left the live set after aggregation.series_ttl without samples (their history stays stored)");
    guard = new CardinalityGuard(config.maxMetrics(), config.maxMetricsPerNamespace(), stats, clock);
    liveView = new LiveTablesView(this, live, config);
    dropTooOld = stats.counter("drops", "backfill_too_old", "timestamped samples older than the maximum backfill age");
    dropTooNew = stats.counter("drops", "backfill_too_new", "timestamped samples more than one interval in the future");
    bufferMerges = stats.counter("aggregate", "buffer_merges", "buffered mode: writer batches merged into the live series");
    badLines = stats.counter("messages", "bad_lines_seen");
    packetsReceived = stats.counter("messages", "packets_received");
    metricsReceived = stats.counter("messages", "metrics_received");
    stats.gauge("aggregate", "live_series", "series held (live and pending backfill)", guard::seriesCount);
    stats.gauge("aggregate", "backfill_intervals", "backfilled intervals waiting for the next flush", backfill::size);
    stats.gauge("aggregate", "writers", "open ingest writers", writers::size);
    lastBadLines = badLines.value();
    lastPackets = packetsReceived.value();
    lastMetrics = metricsReceived.value();
  }

  /**
   * Etsy's {@code statsd.*} counters of the interval not yet flushed: what {@link #flush} will
   * report for them if nothing more arrives.
   */
  Map<String, Double> etsyCountersOfOpenInterval() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("statsd.bad_lines_seen", (double) (badLines.value() - lastBadLines));
    out.put("statsd.packets_received", (double) (packetsReceived.value() - lastPackets));
    out.put("statsd.metrics_received", (double) (metricsReceived.value() - lastMetrics));
    return out;
  }

  /** A writer for one ingest thread. Each writer must be used by one thread at a time; different writers run concurrently. */
  public Writer newWriter() {
    Writer w = new Writer();
    writers.add(w);
    return w;
  }

  /** The live aggregates, for the management interface. */
  public LiveView liveView() {
    return liveView;
  }

  /** The flush interval in milliseconds. */
  @Override
  public long intervalMillis() {
    return intervalMillis;
  }

  /** True in buffered mode ({@code stats.no_buffer: false}). */
  @Override
  public boolean buffered() {
    return buffered;
  }

  /** Buffered mode: how often (ms) pending batches must be merged ({@code stats.flush_interval_ms}). */
  @Override
  public long bufferFlushIntervalMillis() {
    return bufferFlushIntervalMillis;
  }

  /**
   * Brings back gauge values the store kept, so gauges survive a restart: each becomes a live gauge holding that value, as if it had been set before the
   * restart, so it is flushed again and a delta applies to it. Each keeps its stored set time, so
   * across a fleet it never overrides a value another node received later. Call before ingest
   * starts. Gauges beyond {@code max_metrics} are not restored and are counted as
   * {@code drops.max_metrics}.
   *
   * @return how many gauges were restored
   */
  public int restoreGauges(List<GaugePoint> values) {
    int restored = 0;
    for (GaugePoint p : values) {
      byte[] canonical = p.key().canonical().getBytes(StandardCharsets.UTF_8);
      Series.Gauge gauge = createOrGet(live.gauges, p.key(), Sample.hashKey(canonical, 0, canonical.length));
      if (gauge == null) {
        guard.dropped(null, prefixOf(p.key().name()), 1);
        continue;
      }
      synchronized (gauge) {
        gauge.value = p.value();
        gauge.setAtMillis = p.setAtMillis();
        gauge.hasValue = true;
        gauge.applied = true;
      }
      restored++;
    }
    return restored;
  }

  /** The start of the wall-clock aligned interval containing {@code epochMillis} (a multiple of the interval). */
  @Override
  public long alignedStart(long epochMillis) {
    return Math.floorDiv(epochMillis, intervalMillis) * intervalMillis;
  }

  /** Start of the interval the next {@link #flush} will close. */
  @Override
  public long openIntervalStart() {
    return openIntervalStart;
  }

  /** Series currently held (live and pending backfill). */
  public int seriesCount() {
    return guard.seriesCount();
  }

  /** Samples dropped so far because {@code max_metrics} series existed. */
  public long droppedForMaxMetrics() {
    return guard.droppedTotal();
  }

  /** One key prefix and how many of its samples the cardinality guard dropped since start. */
  public record PrefixDrops(String prefix, long droppedSamples) {}

  /**
   * The prefixes (first dot-separated name component) with the most samples dropped by the
   * cardinality guard since start, most first. At most 100 distinct prefixes are tallied per writer;
   * the rest count under {@code (other)}.
   */
  public List<PrefixDrops> topDroppedPrefixes(int limit) {
    return guard.topDroppedPrefixes(limit);
  }

  /** Buffered mode: merges every writer's pending batch into the live series now. No-op otherwise. */
  @Override
  public void mergeBuffers() {
    if (!buffered) {
      return;
    }
    for (Writer w : writers) {
      synchronized (w) {
        w.mergeLocked();
      }
    }
  }

  /**
   * Closes the interval that started at {@code intervalStartMillis} (normally a multiple of the
   * flush interval, as the flusher calls it): first merges every writer's pending batch, then
   * returns the snapshots of any backfilled intervals (oldest first) followed by the live snapshot
   * stamped {@code intervalStartMillis}. Snapshot starts are multiples of the flush interval
   * (wall-clock aligned; Etsy stamps its flush time instead, which for an aligned flush is the
   * interval end, {@link FlushSnapshot#intervalEndMillis()}). Resets counters, timers and sets; applies Etsy's idle
   * deletion rules. Later samples count in the interval starting at {@code intervalStartMillis +
   * interval}.
   */
  @Override
  public List<FlushSnapshot> flush(long intervalStartMillis) {
    synchronized (flushLock) {
      long t0 = System.nanoTime();
      mergeBuffers();
      openIntervalStart = intervalStartMillis + intervalMillis;
      List<FlushSnapshot> out = new ArrayList<>();
      List<Long> starts = new ArrayList<>(backfill.keySet());
      starts.sort(Comparator.naturalOrder());
      for (Long start : starts) {
        if (start < openIntervalStart) {
          Bucket b = backfill.remove(start);
          if (b != null) {
            out.add(flushBucket(b));
          }
        }
      }
      FlushSnapshot liveSnapshot = flushLive(intervalStartMillis, t0);
      out.add(liveSnapshot);
      guard.afterFlush();
      return out;
    }
  }

  private FlushSnapshot flushLive(long intervalStart, long t0) {
    boolean deleteCounters = config.deleteCounters();
    boolean deleteGauges = config.deleteGauges();
    boolean deleteTimers = config.deleteTimers();
    boolean deleteSets = config.deleteSets();

    List<CounterPoint> counters = new ArrayList<>(live.counters.size());
    for (Series.Counter c : live.counters.values()) {
      long word = c.drain();
      boolean touched = Series.Counter.touched(word);
      if (word == Series.Counter.DELETED || !touched && !c.known) {
        continue; // deleted, or created for a sample still on its way: Etsy does not know the key yet
      }
      c.idleFlushes = touched ? 0 : c.idleFlushes + 1;
      if (!touched && (deleteCounters && !etsyKept(c.key) || c.idleFlushes >= idleFlushesToExpire)) {
        synchronized (c) {
          if (c.deleteIfUntouched()) {
            unlinkLocked(live.counters, c);
            countIfExpired(c);
          } // else a sample arrived since the drain: not idle, and it counts in the next interval
        }
        continue;
      }
      c.known = true;
      double value = Series.Counter.sum(word);
      counters.add(new CounterPoint(c.key, value, value / intervalSeconds, touched));
    }

    List<GaugePoint> gauges = new ArrayList<>(live.gauges.size());
    for (Series.Gauge g : live.gauges.values()) {
      synchronized (g) {
        if (g.deleted || !g.applied) {
          continue;
        }
        g.idleFlushes = g.touched ? 0 : g.idleFlushes + 1;
        if (g.idleFlushes >= idleFlushesToExpire) {
          unlinkLocked(live.gauges, g);
          countIfExpired(g);
          continue;
        }
        if (g.hasValue) {
          gauges.add(new GaugePoint(g.key, g.value, g.touched, g.setAtMillis));
        }
        if (deleteGauges) {
          // Etsy (gaugesMaxTTL 1): a gauge is deleted after the flush that follows its last update.
          if (!g.touched) {
            unlinkLocked(live.gauges, g);
          } else {
            g.hasValue = false;
          }
        }
        g.touched = false;
      }
    }

    List<TimerPoint> timers = new ArrayList<>(live.timers.size());
    for (Series.Timer t : live.timers.values()) {
      double[] values;
      int n;
      double count;
      QuantileSketch sketch;
      synchronized (t) {
        if (t.deleted || !t.applied) {
          continue;
        }
        t.idleFlushes = t.touched ? 0 : t.idleFlushes + 1;
        if (!t.touched && (deleteTimers || t.idleFlushes >= idleFlushesToExpire)) {
          unlinkLocked(live.timers, t);
          countIfExpired(t);
          continue;
        }
        n = t.size;
        values = n == 0 ? null : Arrays.copyOf(t.values, n);
        count = t.count;
        sketch = t.sketch;
        t.size = 0;
        t.count = 0;
        t.sketch = null;
        t.touched = false;
        if (t.values.length > 64 && n < t.values.length / 4) {
          t.values = new double[Math.max(4, n)];
        }
      }
      timers.add(timerPoint(t.key, values, n, count, sketch));
    }

    List<SetPoint> sets = new ArrayList<>(live.sets.size());
    for (Series.SetSeries s : live.sets.values()) {
      long unique;
      UniqueSketch sketch;
      synchronized (s) {
        if (s.deleted || !s.applied) {
          continue;
        }
        s.idleFlushes = s.touched ? 0 : s.idleFlushes + 1;
        if (!s.touched && (deleteSets || s.idleFlushes >= idleFlushesToExpire)) {
          unlinkLocked(live.sets, s);
          countIfExpired(s);
          continue;
        }
        unique = s.members == null ? 0 : s.members.size();
        sketch = s.sketch;
        s.members = null;
        s.sketch = null;
        s.touched = false;
      }
      sets.add(new SetPoint(s.key, unique, sketch != null ? sketch : UniqueSketch.create()));
    }

    Map<String, Double> processing = new LinkedHashMap<>();
    long bad = badLines.value();
    long packets = packetsReceived.value();
    long metrics = metricsReceived.value();
    processing.put("statsd.bad_lines_seen", (double) (bad - lastBadLines));
    processing.put("statsd.packets_received", (double) (packets - lastPackets));
    processing.put("statsd.metrics_received", (double) (metrics - lastMetrics));
    lastBadLines = bad;
    lastPackets = packets;
    lastMetrics = metrics;
    long nowSeconds = Math.round(clock.millis() / 1000.0);
    if (lastFlushSeconds != Long.MIN_VALUE) {
      processing.put("statsd.timestamp_lag", nowSeconds - lastFlushSeconds - intervalSeconds);
    }
    lastFlushSeconds = nowSeconds;
    processing.put("processing_time", (double) ((System.nanoTime() - t0) / 1_000_000));
    return new FlushSnapshot(intervalStart, intervalMillis, false, counters, gauges, timers, sets, processing);
  }

  private TimerPoint timerPoint(MetricKey key, double[] values, int n, double count, QuantileSketch sketch) {
    TimerStats stats = n == 0
        ? EtsyTimerMath.idle()
        : EtsyTimerMath.compute(values, n, count, intervalMillis, config.percentThresholds(),
            config.histograms().isEmpty() ? null : EtsyTimerMath.binsFor(EtsyKeys.of(key), config.histograms()));
    return new TimerPoint(key, stats, sketch != null ? sketch : QuantileSketch.create());
  }

  /** Closes a backfill interval: no writer can add a series to it afterwards, and every series in it is flushed once. */
  private FlushSnapshot flushBucket(Bucket b) {
    synchronized (b) {
      b.closed = true;
    }
    List<CounterPoint> counters = new ArrayList<>();
    List<GaugePoint> gauges = new ArrayList<>();
    List<TimerPoint> timers = new ArrayList<>();
    List<SetPoint> sets = new ArrayList<>();
    for (Series.Counter c : b.tables.counters.values()) {
      long word = c.delete();
      guard.release(c.key);
      if (Series.Counter.touched(word)) {
        double value = Series.Counter.sum(word);
        counters.add(new CounterPoint(c.key, value, value / intervalSeconds));
      }
    }
    for (Series.Gauge g : b.tables.gauges.values()) {
      synchronized (g) {
        g.deleted = true;
        guard.release(g.key);
        if (g.hasValue) {
          gauges.add(new GaugePoint(g.key, g.value, true, g.setAtMillis));
        }
      }
    }
    for (Series.Timer t : b.tables.timers.values()) {
      double[] values;
      synchronized (t) {
        t.deleted = true;
        guard.release(t.key);
        if (!t.applied) {
          continue;
        }
        values = Arrays.copyOf(t.values, t.size);
      }
      timers.add(timerPoint(t.key, values, values.length, t.count, t.sketch));
    }
    for (Series.SetSeries s : b.tables.sets.values()) {
      synchronized (s) {
        s.deleted = true;
        guard.release(s.key);
        if (s.applied) {
          sets.add(new SetPoint(s.key, s.members.size(), s.sketch));
        }
      }
    }
    return new FlushSnapshot(b.start, intervalMillis, true, counters, gauges, timers, sets, Map.of());
  }

  /**
   * Takes a series just marked deleted out of its live table. The caller holds the series' monitor
   * (see {@link Series#markDeleted()}).
   */
  <S extends Series> void unlinkLocked(SeriesTable<S> table, S s) {
    s.deleted = true;
    if (table.remove(s)) {
      guard.release(s.key);
    }
  }

  /** Counts a series just unlinked if it left for {@code aggregation.series_ttl} (not Etsy's idle deletion). */
  private void countIfExpired(Series s) {
    if (s.idleFlushes >= idleFlushesToExpire) {
      seriesExpired.incr();
    }
  }

  /** Etsy's {@code deleteCounters} resets, rather than deletes, these counters. */
  static boolean etsyKept(MetricKey key) {
    String k = key.canonical();
    for (String kept : ETSY_KEPT_COUNTERS) {
      if (k.contains(kept)) {
        return true;
      }
    }
    return false;
  }

  // ---- series resolution, shared by writers ----

  /**
   * The series of {@code key} in {@code table}, created if absent and the guard allows; null if
   * dropped (counted by the caller).
   */
  private <S extends Series> S createOrGet(SeriesTable<S> table, MetricKey key, int hash) {
    if (!guard.reserve(key)) {
      return null;
    }
    S created = table.newSeries(key, hash);
    S existing = table.putIfAbsent(created);
    if (existing != null) {
      guard.release(key);
      return existing;
    }
    return created;
  }

  private static String prefixOf(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  /** Re-resolves a deleted series while merging a batch (rare). Null when the guard refuses a new series. */
  private Series resolveAgain(Series old) {
    SeriesTable<? extends Series> table = live.of(typeOf(old));
    Series s = table.get(old.key);
    if (s != null) {
      return s;
    }
    return createOrGet(table, old.key, old.hash);
  }

  private static MetricType typeOf(Series s) {
    if (s instanceof Series.Counter) {
      return MetricType.COUNTER;
    } else if (s instanceof Series.Gauge) {
      return MetricType.GAUGE;
    } else if (s instanceof Series.Timer) {
      return MetricType.TIMER;
    }
    return MetricType.SET;
  }

  /** The four per-type tables of one interval set (live, or one backfill interval). */
  static final class Tables {
    final SeriesTable<Series.Counter> counters = new SeriesTable<>(Series.Counter::new);
    final SeriesTable<Series.Gauge> gauges = new SeriesTable<>(Series.Gauge::new);
    final SeriesTable<Series.Timer> timers = new SeriesTable<>(Series.Timer::new);
    final SeriesTable<Series.SetSeries> sets = new SeriesTable<>(Series.SetSeries::new);

    SeriesTable<? extends Series> of(MetricType type) {
      switch (type) {
        case COUNTER:
          return counters;
        case GAUGE:
          return gauges;
        case TIMER:
          return timers;
        default:
          return sets;
      }
    }
  }

  /**
   * One backfilled interval. Series are created in it only under its monitor while it is open;
   * the flusher closes it under the same monitor, so every series it will ever hold is visible to
   * the flush that closes it. Samples for existing series take only the series lock.
   */
  static final class Bucket {
    final long start;
    final Tables tables = new Tables();
    /** Guarded by this. */
    boolean closed;

    Bucket(long start) {
      this.start = start;
    }
  }

  /** {@code sampleMillis} of a sample without its own timestamp: the clock's time when it is applied. */
  private static final long RECEIVED_NOW = Long.MIN_VALUE;

  private static final byte OP_COUNTER = 1;
  private static final byte OP_GAUGE_SET = 2;
  private static final byte OP_GAUGE_DELTA = 3;
  private static final byte OP_TIMER = 4;
  private static final byte OP_SET = 5;

  /**
   * The {@link SampleSink} of one ingest thread. In unbuffered mode it applies each sample to its
   * series at once (a counter with one compare-and-set, other types under the series' lock). In
   * buffered mode it appends to a preallocated operation log guarded by the writer's own monitor:
   * the owning thread is the only writer, and the lock is contended only when the flusher merges
   * the log ({@link Aggregator#mergeBuffers()}), so ingest
   * threads never wait for each other. Counter, gauge and timer samples for existing series do not
   * allocate in either mode.
   *
   * <p>One thread at a time; {@link #close()} merges what is pending and detaches the writer.
   */
  public final class Writer implements SampleSink, AutoCloseable {
    private final KeyProbe probe = new KeyProbe();
    private final SeriesCache cache = new SeriesCache(WRITER_CACHE_SLOTS);
    private final CardinalityGuard.Tally tally = guard.newTally();

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

    Writer() {
      int n = buffered ? bufferSize : 0;
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
      long now = clock.millis();
      long tsMillis;
      if (seconds > Long.MAX_VALUE / 1000) {
        dropTooNew.incr();
        return true;
      } else if (seconds < Long.MIN_VALUE / 1000) {
        dropTooOld.incr();
        return true;
      }
      tsMillis = seconds * 1000;
      if (tsMillis < now - maxBackfillAgeMillis) {
        dropTooOld.incr();
        return true;
      }
      if (tsMillis > now + intervalMillis) {
        dropTooNew.incr();
        return true;
      }
      long start = alignedStart(tsMillis);
      if (start >= openIntervalStart) {
        return false;
      }
      for (;;) {
        Bucket b = backfill.computeIfAbsent(start, Bucket::new);
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

    private Series resolveInBucket(Bucket b, Sample sample) {
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
        s = createOrGet(table, key, sample.keyHash());
      }
      if (s == null) {
        dropped(sample);
      }
      return s;
    }

    private Series resolve(Tables tables, Sample sample) {
      SeriesTable<? extends Series> table = tables.of(sample.type());
      Series s = table.get(probe.set(sample.keyBytes(), sample.keyLength(), sample.keyHash()));
      if (s != null) {
        return s;
      }
      s = createOrGet(table, sample.toMetricKey(), sample.keyHash());
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
      guard.dropped(tally, new String(key, 0, dot, StandardCharsets.UTF_8), 1);
    }

    /**
     * Applies the sample unless its series was deleted (false: the caller looks it up again).
     * {@code sampleMillis} is the sample's own time, or {@link #RECEIVED_NOW} for the clock's now;
     * only a gauge uses it, as its set time.
     */
    private boolean tryApply(Series series, Sample sample, long sampleMillis) {
      if (sample.type() == MetricType.COUNTER) {
        return ((Series.Counter) series).tryAdd(sample.value(), sample.sampleRate());
      }
      synchronized (series) {
        if (series.deleted) {
          return false;
        }
        switch (sample.type()) {
          case GAUGE:
            ((Series.Gauge) series).update(sample.value(), sample.gaugeDelta(),
                sampleMillis == RECEIVED_NOW ? clock.millis() : sampleMillis);
            break;
          case TIMER:
            ((Series.Timer) series).add(sample.value(), sample.sampleRate());
            break;
          default:
            ((Series.SetSeries) series).add(sample.member());
            break;
        }
        return true;
      }
    }

    private synchronized void append(Series series, Sample sample) {
      int i = opCount;
      opSeries[i] = series;
      opValue[i] = sample.value();
      opRate[i] = sample.sampleRate();
      switch (sample.type()) {
        case COUNTER:
          opKind[i] = OP_COUNTER;
          break;
        case GAUGE:
          opKind[i] = sample.gaugeDelta() ? OP_GAUGE_DELTA : OP_GAUGE_SET;
          opTime[i] = clock.millis();
          break;
        case TIMER:
          opKind[i] = OP_TIMER;
          break;
        default:
          opKind[i] = OP_SET;
          opMember[i] = sample.member();
          break;
      }
      opCount = i + 1;
      if (i == 0) {
        firstOpNanos = System.nanoTime();
      }
      if (opCount == opSeries.length || ((opCount & 63) == 0 && System.nanoTime() - firstOpNanos >= bufferMaxAgeNanos)) {
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
        if (j < n && opSeries[j] == target) {
          // Deleted since the sample arrived: find or create its successor and retry the rest.
          Series successor = resolveAgain(target);
          int lost = 0;
          for (int k = j; k < n; k++) {
            if (opSeries[k] == target) {
              opSeries[k] = successor;
              lost++;
            }
          }
          if (successor == null) {
            guard.dropped(null, prefixOf(target.key.name()), lost);
          }
        }
        i = j;
      }
      Arrays.fill(opSeries, 0, n, null);
      Arrays.fill(opMember, 0, n, null);
      opCount = 0;
      bufferMerges.incr();
    }

    /**
     * Replays the run of consecutive operations on {@code target} starting at {@code i}; returns the
     * index after the last one applied, which is still an operation on {@code target} if the series
     * was found deleted.
     */
    private int replayRun(Series target, int i, int n) {
      int j = i;
      if (target instanceof Series.Counter counter) {
        while (j < n && opSeries[j] == target && counter.tryAdd(opValue[j], opRate[j])) {
          j++;
        }
        return j;
      }
      synchronized (target) {
        if (!target.deleted) {
          while (j < n && opSeries[j] == target) {
            replay(target, j);
            j++;
          }
        }
      }
      return j;
    }

    /** Replays one operation on a {@link Series.Locked} series; the caller holds its monitor. */
    private void replay(Series s, int i) {
      switch (opKind[i]) {
        case OP_GAUGE_SET:
          ((Series.Gauge) s).update(opValue[i], false, opTime[i]);
          break;
        case OP_GAUGE_DELTA:
          ((Series.Gauge) s).update(opValue[i], true, opTime[i]);
          break;
        case OP_TIMER:
          ((Series.Timer) s).add(opValue[i], opRate[i]);
          break;
        default:
          ((Series.SetSeries) s).add(opMember[i]);
          break;
      }
    }

    /** Merges anything pending and detaches this writer from the aggregator; it must not be used afterwards. */
    @Override
    public void close() {
      synchronized (this) {
        mergeLocked();
      }
      writers.remove(this);
      guard.retire(tally);
    }
  }
}
