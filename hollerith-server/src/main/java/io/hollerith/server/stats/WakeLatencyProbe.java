package io.hollerith.server.stats;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;

/**
 * How late the JVM wakes a sleeping thread: a daemon thread ({@code hollerith-latency-probe})
 * sleeps until each wall-clock multiple of {@value #PERIOD_MILLIS} ms and records how late it woke.
 * A busy machine, a long GC pause or a starved scheduler shows up here before anywhere else.
 * Nothing is known until the first wake-up. Thread-safe.
 */
public final class WakeLatencyProbe implements AutoCloseable {

  /** Wake-ups happen at multiples of this. */
  public static final long PERIOD_MILLIS = 10_000;

  /** The window of {@link #maxLastMinuteSeconds()}. */
  private static final long WINDOW_MILLIS = 60_000;

  private record Wake(long atMillis, long lateMillis) {}

  private final Clock clock;
  private final Deque<Wake> recent = new ArrayDeque<>();
  private Thread thread;

  public WakeLatencyProbe(Clock clock) {
    this.clock = clock;
  }

  /** Starts the probing thread. */
  public synchronized WakeLatencyProbe start() {
    if (thread == null) {
      thread = new Thread(this::probe, "hollerith-latency-probe");
      thread.setDaemon(true);
      thread.start();
    }
    return this;
  }

  private void probe() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long now = clock.millis();
        long target = Math.floorDiv(now + 10, PERIOD_MILLIS) * PERIOD_MILLIS + PERIOD_MILLIS;
        Thread.sleep(Math.max(1, target - now));
        record(target, clock.millis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records a wake-up meant for {@code targetMillis} that happened at {@code wokeMillis}. */
  public synchronized void record(long targetMillis, long wokeMillis) {
    recent.addLast(new Wake(wokeMillis, wokeMillis - targetMillis));
    while (recent.peekFirst().atMillis() < wokeMillis - WINDOW_MILLIS) {
      recent.removeFirst();
    }
  }

  /** How late the latest wake-up was, seconds; empty before the first. */
  public synchronized OptionalDouble latestSeconds() {
    return recent.isEmpty()
        ? OptionalDouble.empty()
        : OptionalDouble.of(recent.peekLast().lateMillis() / 1000.0);
  }

  /**
   * The largest lateness of the wake-ups within the minute up to the latest one, seconds; empty
   * before the first.
   */
  public synchronized OptionalDouble maxLastMinuteSeconds() {
    return recent.stream().mapToLong(Wake::lateMillis).max().stream()
        .mapToDouble(ms -> ms / 1000.0)
        .findFirst();
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
