package io.hollerith.server.stats;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets a message through at most once per interval, and says how many were suppressed in between,
 * so a flood of bad input cannot flood the log. Thread-safe (one CAS per permitted message).
 */
public final class RateLimitedLog {

  private final long intervalMillis;
  private final LongSupplier clockMillis;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(long intervalMillis, LongSupplier clockMillis) {
    this.intervalMillis = intervalMillis;
    this.clockMillis = clockMillis;
  }

  /**
   * Returns -1 when this message must be suppressed, else the number suppressed since the last one
   * let through.
   */
  public long tryAcquire() {
    long now = clockMillis.getAsLong();
    long next = nextAllowed.get();
    if (now >= next && nextAllowed.compareAndSet(next, now + intervalMillis)) {
      return suppressed.getAndSet(0);
    }
    suppressed.incrementAndGet();
    return -1;
  }
}
