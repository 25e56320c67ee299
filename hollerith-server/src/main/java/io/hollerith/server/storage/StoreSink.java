package io.hollerith.server.storage;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.flush.BackgroundPriority;
import io.hollerith.server.flush.FlushSink;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.RateLimitedLog;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flush sink that makes every flush durable history. {@link #publish} only enqueues (the flush
 * thread never waits for the database); one writer thread writes the snapshots in order, each in
 * one transaction ({@link MetricStore#write}).
 *
 * <p><b>Outages.</b> When a write fails with a retryable {@link StoreException} (PostgreSQL down,
 * disk full, SQLite locked) the writer keeps the snapshot and retries it with exponential backoff
 * (from {@value #INITIAL_BACKOFF_MILLIS} ms up to the configured maximum) while later snapshots
 * wait behind it, so the backlog drains in order when the store returns. A retried write that had
 * in fact committed is not applied twice (each snapshot carries a random write id; see {@link
 * MetricStore#write}). The queue holds at most {@code max_backlog / flush_interval} live snapshots
 * (default one hour's worth); past that the oldest queued live snapshot is dropped, counted ({@code
 * storage.snapshots_dropped}) and logged. Backfilled intervals (samples with a {@code |T} timestamp
 * in the past, released by the flush that follows them) have a bound of their own, the same number
 * of snapshots: one flush that releases many cannot push the live history out of the queue. Past it
 * the oldest queued backfill snapshot is dropped, counted ({@code
 * storage.backfill_snapshots_dropped}) and logged. A snapshot the store refuses as data (not
 * retryable) is dropped at once and counted as {@code storage.snapshots_rejected}, so it cannot
 * block the queue forever.
 *
 * <p><b>Health.</b> {@link #writerState()} reports what the writer last observed, without touching
 * the store: since when writes have been failing (set by the first failed attempt, cleared by the
 * next success), when the last write succeeded, and the backlog; so a health check answers at once
 * even while the database hangs.
 *
 * <p><b>Internal stats</b> (category {@code storage}): gauges {@code backlog_snapshots}, {@code
 * backlog_age_seconds}, {@code backlog_capacity}, {@code last_write_millis}; counters {@code
 * snapshots_written}, {@code points_written}, {@code write_failures}, {@code snapshots_dropped},
 * {@code backfill_snapshots_dropped}, {@code snapshots_rejected}, {@code non_finite_values_skipped}
 * (counters and gauges that are Infinity or NaN are not stored; one warning a minute at most).
 *
 * <p>Thread-safe. The queue is an {@link ArrayDeque} under one lock: the only contenders are the
 * flush thread (once per interval) and the writer, so a lock is cheaper and simpler than a
 * lock-free queue, and it makes "drop the oldest, append the newest" one atomic step.
 */
public final class StoreSink implements FlushSink {

  private static final Logger log = LoggerFactory.getLogger(StoreSink.class);

  static final long INITIAL_BACKOFF_MILLIS = 100;

  /** At most one warning about non-finite values per this many milliseconds. */
  static final long NON_FINITE_WARNING_INTERVAL_MILLIS = 60_000;

  /** A queued snapshot with its write id and enqueue time. */
  private record Pending(long writeId, FlushSnapshot snapshot, long enqueuedAtMillis) {
    boolean backfill() {
      return snapshot.backfill();
    }
  }

  private final MetricStore store;
  private final String nodeId;
  private final int capacity;
  private final long maxBackoffMillis;
  private final Duration closeTimeout;
  private final Clock clock;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  /** How many of {@link #queue} are backfill snapshots. */
  private int backfillQueued;

  private Pending inFlight;
  private boolean stopping;
  private boolean abandon;

  private final StatsRegistry.Counter written;
  private final StatsRegistry.Counter pointsWritten;
  private final StatsRegistry.Counter failures;
  private final StatsRegistry.Counter dropped;
  private final StatsRegistry.Counter backfillDropped;
  private final StatsRegistry.Counter rejected;
  private final StatsRegistry.Counter nonFiniteSkipped;
  private final RateLimitedLog nonFiniteWarnings;
  private volatile long lastWriteMillis;

  /**
   * Epoch millis of the first failed attempt of the current failure streak; {@link #NEVER} when
   * writes succeed.
   */
  private volatile long failingSinceMillis = NEVER;

  /** Epoch millis of the last successful write; {@link #NEVER} before the first. */
  private volatile long lastSuccessMillis = NEVER;

  private final Thread writer;

  /** A time that has not happened: no failure streak, or no successful write yet. */
  public static final long NEVER = Long.MIN_VALUE;

  /**
   * What the writer last observed.
   *
   * @param failingSinceMillis first failed attempt of the current streak of failed writes, or
   *     {@link #NEVER}
   * @param lastSuccessMillis last successful write, or {@link #NEVER}
   * @param backlog snapshots waiting, including the one in flight
   * @param backlogAgeMillis age of the oldest waiting snapshot, 0 when none waits
   */
  public record WriterState(
      long failingSinceMillis, long lastSuccessMillis, int backlog, long backlogAgeMillis) {
    /** Whether the latest write attempt failed and no write has succeeded since. */
    public boolean failing() {
      return failingSinceMillis != NEVER;
    }
  }

  /**
   * Starts the writer thread.
   *
   * @param store where snapshots go
   * @param nodeId this node's id, stamped on every row
   * @param flushInterval the flush interval (with {@code maxBacklog}, sets the queue bound)
   * @param maxBacklog how much flushed time may wait while the store is unavailable
   * @param maxBackoff longest wait between retries
   * @param closeTimeout how long {@link #close} waits for the backlog to drain
   * @param stats where the {@code storage.*} stats are registered
   * @param clock for backlog age
   * @param backgroundNice nice steps below the process the writer thread runs ({@link
   *     BackgroundPriority}; 0: the process's priority)
   */
  public StoreSink(
      MetricStore store,
      String nodeId,
      Duration flushInterval,
      Duration maxBacklog,
      Duration maxBackoff,
      Duration closeTimeout,
      StatsRegistry stats,
      Clock clock,
      int backgroundNice) {
    this.store = Objects.requireNonNull(store, "store");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    if (flushInterval.isZero() || flushInterval.isNegative()) {
      throw new IllegalArgumentException("flush interval must be positive, got " + flushInterval);
    }
    if (maxBacklog.isNegative()) {
      throw new IllegalArgumentException(
          "storage.max_backlog must not be negative, got " + maxBacklog);
    }
    this.capacity =
        (int) Math.max(1, Math.min(1_000_000, maxBacklog.toMillis() / flushInterval.toMillis()));
    this.maxBackoffMillis = Math.max(INITIAL_BACKOFF_MILLIS, maxBackoff.toMillis());
    this.closeTimeout = closeTimeout;
    this.clock = clock;
    this.written =
        stats.counter("storage", "snapshots_written", "Flush snapshots written to the store");
    this.pointsWritten =
        stats.counter("storage", "points_written", "Series points written to the store");
    this.failures =
        stats.counter(
            StatName.STORE_WRITE_FAILURES, "Failed store write attempts (each is retried)");
    this.dropped =
        stats.counter(
            StatName.STORE_SNAPSHOTS_DROPPED,
            "Snapshots dropped, oldest first, because the store backlog was full");
    this.backfillDropped =
        stats.counter(
            "storage",
            "backfill_snapshots_dropped",
            "Backfill snapshots dropped, oldest first, because the store backlog held its bound of them");
    this.rejected =
        stats.counter(
            "storage", "snapshots_rejected", "Snapshots the store refused as invalid data");
    this.nonFiniteSkipped =
        stats.counter(
            "storage",
            "non_finite_values_skipped",
            "Counter and gauge values not stored because they were not finite numbers (Infinity, NaN)");
    this.nonFiniteWarnings = new RateLimitedLog(NON_FINITE_WARNING_INTERVAL_MILLIS, clock::millis);
    stats.gauge(
        StatName.STORE_BACKLOG_SNAPSHOTS,
        "Snapshots waiting to be written, including the one in flight",
        this::backlog);
    stats.gauge(
        StatName.STORE_BACKLOG_AGE_SECONDS,
        "Age of the oldest snapshot waiting to be written",
        () -> backlogAgeMillis() / 1000.0);
    stats.gauge(
        "storage",
        "backlog_capacity",
        "Most live snapshots the backlog holds before dropping the oldest (backfill snapshots have the same bound apart)",
        () -> capacity);
    stats.gauge(
        StatName.STORE_LAST_WRITE_MILLIS,
        "Duration of the latest store write",
        () -> lastWriteMillis);
    this.writer =
        new Thread(BackgroundPriority.lowered(backgroundNice, this::run), "hollerith-store-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * The sink the configuration describes: node id, flush interval, {@code storage.max_backlog},
   * {@code aggregation.background_nice}; retries back off up to 30 s, and close waits up to 30 s
   * for the backlog.
   */
  public static StoreSink create(
      HollerithConfig config, MetricStore store, StatsRegistry stats, Clock clock) {
    return new StoreSink(
        store,
        config.nodeId(),
        config.aggregation().flushInterval(),
        config.storage().maxBacklog(),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        stats,
        clock,
        config.aggregation().backgroundNice());
  }

  @Override
  public String name() {
    return "store";
  }

  /**
   * Enqueues the snapshot; never blocks on the database. Past the bound of its kind (live or
   * backfill), drops the oldest queued snapshot of that kind.
   */
  @Override
  public void publish(FlushSnapshot snapshot) {
    snapshot = withoutNonFiniteValues(snapshot);
    Pending p = new Pending(ThreadLocalRandom.current().nextLong(), snapshot, clock.millis());
    Pending lost;
    int size;
    lock.lock();
    try {
      if (stopping) {
        throw new IllegalStateException("store sink is closed");
      }
      lost = makeRoomFor(p);
      queue.addLast(p);
      if (p.backfill()) {
        backfillQueued++;
      }
      size = queue.size();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (lost != null) {
      StatsRegistry.Counter counter = lost.backfill() ? backfillDropped : dropped;
      counter.incr();
      log.warn(
          "store backlog full ({} snapshots): dropped the oldest {} snapshot, interval {} with {} series;"
              + " {} dropped so far",
          size,
          lost.backfill() ? "backfill" : "live",
          lost.snapshot().intervalStartMillis(),
          lost.snapshot().size(),
          counter.value());
    }
  }

  /**
   * Removes and returns the oldest queued snapshot of {@code p}'s kind when that kind is at its
   * bound. Under lock.
   */
  private Pending makeRoomFor(Pending p) {
    int ofKind = p.backfill() ? backfillQueued : queue.size() - backfillQueued;
    if (ofKind < capacity) {
      return null;
    }
    for (var it = queue.iterator(); it.hasNext(); ) {
      Pending q = it.next();
      if (q.backfill() == p.backfill()) {
        it.remove();
        if (q.backfill()) {
          backfillQueued--;
        }
        return q;
      }
    }
    return null;
  }

  /**
   * The snapshot without counters and gauges whose value is not finite (a gauge of {@code 1e308}
   * plus {@code +1e308} is Infinity): the store keeps numbers only. Each is counted; the warning is
   * written at most once a minute, saying how many there were, however many series have one. Such a
   * snapshot loses its live-set changes (they count the left-out series as listed): the store
   * compares the full lists for it and for the next one.
   */
  private FlushSnapshot withoutNonFiniteValues(FlushSnapshot snapshot) {
    List<FlushSnapshot.CounterPoint> counters = new ArrayList<>(snapshot.counters().size());
    List<FlushSnapshot.GaugePoint> gauges = new ArrayList<>(snapshot.gauges().size());
    String example = null;
    for (FlushSnapshot.CounterPoint c : snapshot.counters()) {
      if (Double.isFinite(c.count())) {
        counters.add(c);
      } else if (example == null) {
        example = "counter " + c.key() + " = " + c.count();
      }
    }
    for (FlushSnapshot.GaugePoint g : snapshot.gauges()) {
      if (Double.isFinite(g.value())) {
        gauges.add(g);
      } else if (example == null) {
        example = "gauge " + g.key() + " = " + g.value();
      }
    }
    int skipped =
        snapshot.counters().size() - counters.size() + snapshot.gauges().size() - gauges.size();
    if (skipped == 0) {
      return snapshot;
    }
    nonFiniteSkipped.incr(skipped);
    long suppressed = nonFiniteWarnings.tryAcquire();
    if (suppressed >= 0) {
      log.warn(
          "not storing {} counters and gauges of interval {} whose value is not a finite number, e.g. {} "
              + "({} such warnings suppressed before; all are counted in storage.non_finite_values_skipped)",
          skipped,
          snapshot.intervalStartMillis(),
          example,
          suppressed);
    }
    return new FlushSnapshot(
        snapshot.intervalStartMillis(),
        snapshot.intervalMillis(),
        snapshot.backfill(),
        counters,
        gauges,
        snapshot.timers(),
        snapshot.sets(),
        snapshot.processingStats());
  }

  /** Snapshots queued or being written. */
  public int backlog() {
    lock.lock();
    try {
      return queue.size() + (inFlight != null ? 1 : 0);
    } finally {
      lock.unlock();
    }
  }

  /** Milliseconds since the oldest waiting snapshot was published, 0 when nothing waits. */
  public long backlogAgeMillis() {
    lock.lock();
    try {
      Pending oldest = inFlight != null ? inFlight : queue.peekFirst();
      return oldest == null ? 0 : Math.max(0, clock.millis() - oldest.enqueuedAtMillis());
    } finally {
      lock.unlock();
    }
  }

  /** The writer's last observations; never waits for the store. */
  public WriterState writerState() {
    return new WriterState(failingSinceMillis, lastSuccessMillis, backlog(), backlogAgeMillis());
  }

  /** The queue bound in snapshots. */
  public int capacity() {
    return capacity;
  }

  /**
   * Waits until everything published so far is written (or dropped).
   *
   * @return true if drained within the timeout
   */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!queue.isEmpty() || inFlight != null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      Pending p;
      lock.lock();
      try {
        while (queue.isEmpty() && !stopping) {
          changed.awaitUninterruptibly();
        }
        if (queue.isEmpty() || abandon) {
          return;
        }
        p = queue.pollFirst();
        if (p.backfill()) {
          backfillQueued--;
        }
        inFlight = p;
      } finally {
        lock.unlock();
      }
      writeWithRetries(p);
      lock.lock();
      try {
        inFlight = null;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void writeWithRetries(Pending p) {
    long backoff = INITIAL_BACKOFF_MILLIS;
    int attempt = 0;
    while (true) {
      long start = System.nanoTime();
      try {
        store.write(nodeId, p.writeId(), p.snapshot());
        lastWriteMillis = (System.nanoTime() - start) / 1_000_000;
        lastSuccessMillis = clock.millis();
        failingSinceMillis = NEVER;
        written.incr();
        pointsWritten.incr(p.snapshot().size());
        if (attempt > 0) {
          log.info(
              "store write succeeded after {} failed attempts; {} snapshots waiting",
              attempt,
              backlog() - 1);
        }
        return;
      } catch (StoreException e) {
        failures.incr();
        attempt++;
        if (e.retryable() && failingSinceMillis == NEVER) {
          failingSinceMillis = clock.millis();
        }
        if (!e.retryable()) {
          rejected.incr();
          log.error(
              "store refused the snapshot of interval {} ({} series); dropped it: {}",
              p.snapshot().intervalStartMillis(),
              p.snapshot().size(),
              e.getMessage());
          return;
        }
        if (attempt == 1 || Integer.bitCount(attempt) == 1) {
          log.warn(
              "store write failed (attempt {}, retrying in {} ms, {} snapshots waiting): {}",
              attempt,
              backoff,
              backlog(),
              e.getMessage());
        }
      } catch (RuntimeException e) {
        failures.incr();
        rejected.incr();
        log.error(
            "store write of interval {} failed unexpectedly; dropped it",
            p.snapshot().intervalStartMillis(),
            e);
        return;
      }
      lock.lock();
      try {
        if (abandon) {
          return;
        }
        changed.await(backoff, TimeUnit.MILLISECONDS);
        if (abandon) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      backoff = Math.min(maxBackoffMillis, backoff * 2);
    }
  }

  /**
   * Stops accepting snapshots and waits up to the close timeout for the backlog to be written; what
   * is still waiting after that is counted as dropped and logged. Does not close the store.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (stopping) {
        return;
      }
      stopping = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    boolean drained;
    try {
      drained = awaitDrained(closeTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    int left;
    lock.lock();
    try {
      left = queue.size() + (inFlight != null ? 1 : 0);
      abandon = true;
      queue.clear();
      backfillQueued = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!drained && left > 0) {
      dropped.incr(left);
      log.error(
          "store sink closed with {} snapshots not written (store unavailable for {})",
          left,
          closeTimeout);
    }
  }
}
