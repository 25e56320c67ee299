package io.hollerith.server.flush;

import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.IntervalSource;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link IntervalSource#flush} (the aggregator's) at every wall-clock multiple of the flush
 * interval and hands each snapshot, in time order, to every {@link FlushSink} in the configured
 * order. A sink that throws is counted ({@code flush.sink_errors} and {@code
 * flush.sink_errors.<sink>}) and logged; the other sinks still receive the snapshot.
 *
 * <p>Scheduling: after each flush the next one is scheduled for the end of the newly opened
 * interval, computed from the (injectable) clock, so there is no drift; a timer that fires early is
 * re-armed for the remainder instead of closing the interval early; after a stall longer than an
 * interval the live data is labelled with the last interval that ended. In buffered mode the
 * flusher also merges every writer's pending batch each {@code stats.flush_interval_ms}.
 *
 * <p>Internal stats (category {@code flush}): counters {@code flushes}, {@code snapshots}, {@code
 * series_flushed}, {@code sink_errors}, {@code sink_errors.<sink>}; gauges {@code last_duration_ms}
 * (aggregation plus every sink), {@code last_flush_time_ms} (epoch ms when the last flush
 * finished), {@code processing_lag_ms} (how long after its interval ended the last interval was
 * flushed).
 *
 * <p>{@link #close()} stops the schedule, flushes the current partial interval to every sink, then
 * closes the sinks. Thread-safe: flushes are serialised by one lock, so sinks are called from one
 * thread at a time.
 */
public final class Flusher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Flusher.class);

  private final IntervalSource source;
  private final List<FlushSink> sinks;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final StatsRegistry stats;
  private final StatsRegistry.Counter flushes;
  private final StatsRegistry.Counter snapshotsFlushed;
  private final StatsRegistry.Counter seriesFlushed;
  private final StatsRegistry.Counter sinkErrors;

  /** Serialises flushes so sinks see snapshots in time order from one thread at a time. */
  private final Object flushLock = new Object();

  /** Written under flushLock, read by gauges from any thread. */
  private volatile long lastDurationMillis;

  private volatile long lastFlushTimeMillis;
  private volatile long processingLagMillis;

  /** Guarded by flushLock. */
  private boolean closed;

  private ScheduledFuture<?> nextFlush;
  private ScheduledFuture<?> bufferMerges;

  /**
   * A flusher with its own scheduler thread ({@code hollerith-flusher}) at the process's priority.
   */
  public Flusher(IntervalSource source, List<FlushSink> sinks, StatsRegistry stats, Clock clock) {
    this(source, sinks, stats, clock, 0);
  }

  /**
   * A flusher with its own scheduler thread ({@code hollerith-flusher}) running {@code
   * backgroundNice} nice steps below the process ({@link BackgroundPriority}).
   */
  public Flusher(
      IntervalSource source,
      List<FlushSink> sinks,
      StatsRegistry stats,
      Clock clock,
      int backgroundNice) {
    this(
        source,
        sinks,
        stats,
        clock,
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t =
                  new Thread(BackgroundPriority.lowered(backgroundNice, r), "hollerith-flusher");
              t.setDaemon(true);
              return t;
            }),
        true);
  }

  /** A flusher that schedules on {@code scheduler} (which the caller owns and shuts down). */
  public Flusher(
      IntervalSource source,
      List<FlushSink> sinks,
      StatsRegistry stats,
      Clock clock,
      ScheduledExecutorService scheduler) {
    this(source, sinks, stats, clock, scheduler, false);
  }

  private Flusher(
      IntervalSource source,
      List<FlushSink> sinks,
      StatsRegistry stats,
      Clock clock,
      ScheduledExecutorService scheduler,
      boolean ownsScheduler) {
    this.source = Objects.requireNonNull(source, "source");
    this.sinks = List.copyOf(sinks);
    this.stats = Objects.requireNonNull(stats, "stats");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.ownsScheduler = ownsScheduler;
    flushes = stats.counter(StatName.FLUSHES, "flush intervals closed");
    snapshotsFlushed =
        stats.counter("flush", "snapshots", "snapshots handed to sinks (live and backfill)");
    seriesFlushed = stats.counter(StatName.SERIES_FLUSHED, "series points in flushed snapshots");
    sinkErrors = stats.counter("flush", "sink_errors", "snapshots a sink failed to take");
    stats.gauge(
        StatName.FLUSH_LAST_DURATION_MS,
        "duration of the last flush (aggregation and sinks)",
        () -> lastDurationMillis);
    stats.gauge(
        "flush",
        "last_flush_time_ms",
        "epoch milliseconds when the last flush finished",
        () -> lastFlushTimeMillis);
    stats.gauge(
        StatName.FLUSH_PROCESSING_LAG_MS,
        "how long after its interval ended the last interval was flushed",
        () -> processingLagMillis);
  }

  /** Starts the wall-clock aligned schedule (and, in buffered mode, the periodic buffer merge). */
  public void start() {
    synchronized (flushLock) {
      if (closed || nextFlush != null) {
        return;
      }
      scheduleNext();
      if (source.buffered()) {
        long every = source.bufferFlushIntervalMillis();
        bufferMerges =
            scheduler.scheduleAtFixedRate(
                this::mergeBuffersSafely, every, every, TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * Milliseconds from now until the open interval ends, i.e. until the next scheduled flush is due.
   */
  public long millisUntilNextFlush() {
    return Math.max(0, source.openIntervalStart() + source.intervalMillis() - clock.millis());
  }

  /**
   * What the schedule runs: if the open interval has ended, flushes it (labelled with the last
   * interval that ended, should the flusher have stalled) and publishes; otherwise does nothing and
   * returns an empty list.
   */
  public List<FlushSnapshot> runDueFlush() {
    synchronized (flushLock) {
      if (closed) {
        return List.of();
      }
      long now = clock.millis();
      long open = source.openIntervalStart();
      long interval = source.intervalMillis();
      if (now < open + interval) {
        return List.of();
      }
      long start = Math.max(open, source.alignedStart(now) - interval);
      return flushAndPublish(start, now);
    }
  }

  /**
   * Flushes the open interval now, even if it has not ended (shutdown, tests), and publishes it.
   */
  public List<FlushSnapshot> flushNow() {
    synchronized (flushLock) {
      if (closed) {
        return List.of();
      }
      return flushAndPublish(source.openIntervalStart(), clock.millis());
    }
  }

  private List<FlushSnapshot> flushAndPublish(long start, long now) {
    long t0 = System.nanoTime();
    List<FlushSnapshot> snapshots = source.flush(start);
    for (FlushSnapshot snapshot : snapshots) {
      for (FlushSink sink : sinks) {
        try {
          sink.publish(snapshot);
        } catch (Exception e) {
          sinkErrors.incr();
          stats
              .counter(
                  "flush",
                  "sink_errors." + sink.name(),
                  "snapshots the " + sink.name() + " sink failed to take")
              .incr();
          log.warn(
              "flush sink '{}' failed on the snapshot of interval {} (backfill={}): {}",
              sink.name(),
              Instant.ofEpochMilli(snapshot.intervalStartMillis()),
              snapshot.backfill(),
              e.toString());
        }
      }
      snapshotsFlushed.incr();
      seriesFlushed.incr(snapshot.size());
    }
    flushes.incr();
    processingLagMillis = Math.max(0, now - (start + source.intervalMillis()));
    lastDurationMillis = (System.nanoTime() - t0) / 1_000_000;
    lastFlushTimeMillis = clock.millis();
    return snapshots;
  }

  private void scheduleNext() {
    nextFlush =
        scheduler.schedule(this::scheduledFlush, millisUntilNextFlush(), TimeUnit.MILLISECONDS);
  }

  private void scheduledFlush() {
    try {
      runDueFlush();
    } catch (RuntimeException e) {
      log.error("flush failed; the next interval will be tried on schedule", e);
    } finally {
      synchronized (flushLock) {
        if (!closed) {
          scheduleNext();
        }
      }
    }
  }

  private void mergeBuffersSafely() {
    try {
      source.mergeBuffers();
    } catch (RuntimeException e) {
      log.error("merging buffered samples failed", e);
    }
  }

  /**
   * Stops the schedule, flushes the current partial interval to every sink, then closes every sink.
   * Idempotent.
   */
  @Override
  public void close() {
    synchronized (flushLock) {
      if (closed) {
        return;
      }
      if (nextFlush != null) {
        nextFlush.cancel(false);
      }
      if (bufferMerges != null) {
        bufferMerges.cancel(false);
      }
      try {
        flushAndPublish(source.openIntervalStart(), clock.millis());
      } catch (RuntimeException e) {
        log.error("final flush failed", e);
      }
      closed = true;
    }
    for (FlushSink sink : sinks) {
      try {
        sink.close();
      } catch (Exception e) {
        log.warn("closing flush sink '{}' failed: {}", sink.name(), e.toString());
      }
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }
}
