package io.hollerith.server.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one clock tests set and step by hand, always in UTC. Thread-safe: the time is an {@link
 * AtomicLong}, so a test thread may step it while server threads read it.
 */
public final class StepClock extends Clock {

  /** Where {@link #StepClock()} starts: 2023-11-14T22:13:20Z. */
  public static final long DEFAULT_START_MILLIS = 1_700_000_000_000L;

  private final AtomicLong millis;

  /** A clock at {@link #DEFAULT_START_MILLIS}. */
  public StepClock() {
    this(DEFAULT_START_MILLIS);
  }

  /** A clock at {@code startMillis} (epoch milliseconds). */
  public StepClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  /** Sets the time to {@code epochMillis}. */
  public void set(long epochMillis) {
    millis.set(epochMillis);
  }

  /** Moves the time by {@code deltaMillis} (may be negative). */
  public void advance(long deltaMillis) {
    millis.addAndGet(deltaMillis);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }
}
