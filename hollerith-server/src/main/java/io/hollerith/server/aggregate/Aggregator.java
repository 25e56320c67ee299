package io.hollerith.server.aggregate;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import io.hollerith.server.snapshot.IntervalSource;
import io.hollerith.server.snapshot.LiveSetChanges;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Aggregates samples per flush interval exactly as Etsy StatsD 0.9 does ({@code stats.js} and
 * {@code lib/process_metrics.js}), keeps a mergeable sketch per timer and set alongside, and hands
 * out one {@link FlushSnapshot} per closed interval (plus one per backfilled interval). Every
 * ingest thread takes its own {@link #newWriter() writer}; the flusher calls {@link #flush(long)}
 * at each wall-clock multiple of the flush interval; {@link #liveView()} serves Etsy's management
 * commands. Buffer modes, backfill, the cardinality guard, the internal stats it writes and reads,
 * and where it differs from Etsy are described in the package documentation.
 *
 * <p>Thread-safe. See {@link Series} for how a series is updated (lock-free counters, per-series
 * locks for the other types); no lock is shared by all ingest threads on the per-sample path.
 */
public final class Aggregator implements IntervalSource {

  /** The default maximum age of a timestamped sample: 7 days, the finest retention window. */
  public static final Duration DEFAULT_MAX_BACKFILL_AGE = Duration.ofDays(7);

  private final AggregationConfig config;
  private final long intervalMillis;
  private final double intervalSeconds;
  private final boolean buffered;
  // The package-private fields are read by the writers.
  final int bufferSize;
  final long bufferMaxAgeNanos;
  private final long bufferFlushIntervalMillis;
  final Clock clock;
  final long maxBackfillAgeMillis;

  final SeriesTables live = new SeriesTables();

  /**
   * Pending backfill intervals by start. A ConcurrentHashMap so backfill writers never share a
   * lock.
   */
  private final ConcurrentHashMap<Long, BackfillInterval> backfill = new ConcurrentHashMap<>();

  final CardinalityGuard guard;

  /**
   * Start of the interval the next flush closes. Volatile: read by timestamped samples on every
   * ingest thread.
   */
  private volatile long openIntervalStart;

  /**
   * Every open writer, for merging buffers; copy-on-write because it changes only when threads
   * start.
   */
  private final CopyOnWriteArrayList<AggregatorWriter> writers = new CopyOnWriteArrayList<>();

  final StatsRegistry.Counter dropTooOld;
  final StatsRegistry.Counter dropTooNew;
  final StatsRegistry.Counter bufferMerges;
  private final StatsRegistry.Counter badLines;
  private final StatsRegistry.Counter packetsReceived;
  private final StatsRegistry.Counter metricsReceived;
  private final StatsRegistry.Counter seriesExpired;

  /**
   * {@code aggregation.series_ttl} in flushes (rounded up); {@link Integer#MAX_VALUE} when 0
   * (never).
   */
  private final int idleFlushesToExpire;

  /** Serialises flushes; also guards the fields below. Never taken on the ingest path. */
  private final Object flushLock = new Object();

  // Written under flushLock; volatile so the management port reads them without waiting for a
  // flush.
  private volatile long lastBadLines;
  private volatile long lastPackets;
  private volatile long lastMetrics;
  private long lastFlushSeconds = Long.MIN_VALUE;

  /**
   * Number of the latest live snapshot (see {@link LiveSetChanges}); taken before the flush, so a
   * failed one uses it up.
   */
  private long liveSequence;

  /** Identifies this aggregator's numbering of live snapshots. */
  private final long liveSource = ThreadLocalRandom.current().nextLong();

  /**
   * Series unlinked from the live tables (by a flush or a {@code del*} command) that the next flush
   * checks for having left the listing. Concurrent: commands add from their own threads.
   */
  private final ConcurrentLinkedQueue<Series> departed = new ConcurrentLinkedQueue<>();

  /**
   * The flushes' arrays for timer values, reused from interval to interval. Guarded by flushLock.
   */
  private final TimerScratch timerScratch = new TimerScratch();

  private final LiveView liveView;

  /** An aggregator with the default maximum backfill age. */
  public Aggregator(
      AggregationConfig config, StatsConfig statsConfig, StatsRegistry stats, Clock clock) {
    this(config, statsConfig, stats, clock, DEFAULT_MAX_BACKFILL_AGE);
  }

  /**
   * @param maxBackfillAge timestamped samples older than this are rejected (normally the finest
   *     retention)
   */
  public Aggregator(
      AggregationConfig config,
      StatsConfig statsConfig,
      StatsRegistry stats,
      Clock clock,
      Duration maxBackfillAge) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(statsConfig, "statsConfig");
    Objects.requireNonNull(stats, "stats");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = config.flushInterval().toMillis();
    if (intervalMillis <= 0) {
      throw new IllegalArgumentException(
          "aggregation.flush_interval must be positive, got " + config.flushInterval());
    }
    this.intervalSeconds = intervalMillis / 1000.0;
    this.buffered = !statsConfig.noBuffer();
    this.bufferSize = Math.max(1, statsConfig.bufferSize());
    this.bufferFlushIntervalMillis = Math.max(1, statsConfig.flushIntervalMs());
    this.bufferMaxAgeNanos = bufferFlushIntervalMillis * 1_000_000L;
    this.maxBackfillAgeMillis = maxBackfillAge.toMillis();
    this.openIntervalStart = alignedStart(clock.millis());

    long ttlMillis = config.seriesTtl().toMillis();
    this.idleFlushesToExpire =
        ttlMillis == 0
            ? Integer.MAX_VALUE
            : (int)
                Math.min(Integer.MAX_VALUE - 1, (ttlMillis + intervalMillis - 1) / intervalMillis);
    seriesExpired =
        stats.counter(
            "aggregate",
            "series_expired",
            "series that left the live set after aggregation.series_ttl without samples (their history stays stored)");
    guard =
        new CardinalityGuard(config.maxMetrics(), config.maxMetricsPerNamespace(), stats, clock);
    liveView = new LiveTablesView(this, live, config);
    dropTooOld =
        stats.counter(
            StatName.DROPS_BACKFILL_TOO_OLD,
            "timestamped samples older than the maximum backfill age");
    dropTooNew =
        stats.counter(
            StatName.DROPS_BACKFILL_TOO_NEW,
            "timestamped samples more than one interval in the future");
    bufferMerges =
        stats.counter(
            "aggregate",
            "buffer_merges",
            "buffered mode: writer batches merged into the live series");
    badLines = stats.counter(StatName.BAD_LINES_SEEN);
    packetsReceived = stats.counter(StatName.PACKETS_RECEIVED);
    metricsReceived = stats.counter(StatName.METRICS_RECEIVED);
    stats.gauge(
        StatName.LIVE_SERIES, "series held (live and pending backfill)", guard::seriesCount);
    stats.gauge(
        "aggregate",
        "backfill_intervals",
        "backfilled intervals waiting for the next flush",
        backfill::size);
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

  /**
   * A writer for one ingest thread. Each writer must be used by one thread at a time; different
   * writers run concurrently.
   */
  public AggregatorWriter newWriter() {
    AggregatorWriter w = new AggregatorWriter(this);
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

  /**
   * Buffered mode: how often (ms) pending batches must be merged ({@code stats.flush_interval_ms}).
   */
  @Override
  public long bufferFlushIntervalMillis() {
    return bufferFlushIntervalMillis;
  }

  /**
   * Brings back gauge values the store kept, so gauges survive a restart: each becomes a live gauge
   * holding that value, as if it had been set before the restart, so it is flushed again and a
   * delta applies to it. Each keeps its stored set time, so across a fleet it never overrides a
   * value another node received later. Call before ingest starts. Gauges beyond {@code max_metrics}
   * are not restored and are counted as {@code drops.max_metrics}.
   *
   * @return the gauges restored
   */
  public List<GaugePoint> restoreGauges(List<GaugePoint> values) {
    List<GaugePoint> restored = new ArrayList<>(values.size());
    for (GaugePoint p : values) {
      byte[] canonical = p.key().canonical().getBytes(StandardCharsets.UTF_8);
      Series.Gauge gauge =
          createOrGet(live.gauges, p.key(), Sample.hashKey(canonical, 0, canonical.length));
      if (gauge == null) {
        guard.dropped(null, prefixOf(p.key().name()), 1);
        continue;
      }
      gauge.restore(p.value(), p.setAtMillis());
      restored.add(p);
    }
    return restored;
  }

  /**
   * The start of the wall-clock aligned interval containing {@code epochMillis} (a multiple of the
   * interval).
   */
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
   * cardinality guard since start, most first. At most 100 distinct prefixes are tallied per
   * writer; the rest count under {@code (other)}.
   */
  public List<PrefixDrops> topDroppedPrefixes(int limit) {
    return guard.topDroppedPrefixes(limit);
  }

  /**
   * Buffered mode: merges every writer's pending batch into the live series now. No-op otherwise.
   */
  @Override
  public void mergeBuffers() {
    if (!buffered) {
      return;
    }
    for (AggregatorWriter w : writers) {
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
   * interval end, {@link FlushSnapshot#intervalEndMillis()}). Resets counters, timers and sets;
   * applies Etsy's idle deletion rules. Later samples count in the interval starting at {@code
   * intervalStartMillis + interval}.
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
          BackfillInterval b = backfill.remove(start);
          if (b != null) {
            out.add(flushClosed(b));
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
    IntervalFlush flush =
        new IntervalFlush(
            config,
            intervalMillis,
            idleFlushesToExpire,
            live,
            guard,
            seriesExpired,
            liveSource,
            ++liveSequence,
            departed,
            timerScratch);
    flush.closeLive();
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
    processing.put(
        "processing_time", (double) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    return flush.snapshot(intervalStart, false, processing);
  }

  /**
   * Closes a backfill interval: no writer can add a series to it afterwards, and every series in it
   * is flushed once.
   */
  private FlushSnapshot flushClosed(BackfillInterval b) {
    synchronized (b) {
      b.closed = true;
    }
    IntervalFlush flush =
        new IntervalFlush(
            config,
            intervalMillis,
            idleFlushesToExpire,
            b.tables,
            guard,
            seriesExpired,
            liveSource,
            0,
            null,
            timerScratch);
    flush.closeBackfill();
    return flush.snapshot(b.start, true, Map.of());
  }

  /**
   * Takes a series just marked deleted out of its live table. The caller holds the series' monitor
   * (see {@link Series#markDeleted()}).
   */
  void unlinkLocked(Series s) {
    s.deleted = true;
    if (live.of(s.type()).remove(s)) {
      guard.release(s.key);
    }
    departed.add(s);
  }

  /** The open backfill interval starting at {@code start}, created if needed. */
  BackfillInterval backfillInterval(long start) {
    return backfill.computeIfAbsent(start, BackfillInterval::new);
  }

  /** Detaches a closed writer: it is no longer merged, and its drop tally joins the shared one. */
  void detach(AggregatorWriter writer, CardinalityGuard.Tally tally) {
    writers.remove(writer);
    guard.retire(tally);
  }

  // ---- series resolution, shared by writers ----

  /**
   * The series of {@code key} in {@code table}, created if absent and the guard allows; null if
   * dropped (counted by the caller).
   */
  <S extends Series> S createOrGet(SeriesTable<S> table, MetricKey key, int hash) {
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

  static String prefixOf(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  /**
   * Re-resolves a deleted series while merging a batch (rare). Null when the guard refuses a new
   * series.
   */
  Series resolveAgain(Series old) {
    SeriesTable<? extends Series> table = live.of(old.type());
    Series s = table.get(old.key);
    if (s != null) {
      return s;
    }
    return createOrGet(table, old.key, old.hash);
  }
}
