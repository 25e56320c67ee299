package io.hollerith.server.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests step by hand; starts at 2023-11-14T22:13:20Z. Thread-safe. */
public final class StepClock extends Clock {

  /** Current time in epoch milliseconds; tests add to it. */
  public final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

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
