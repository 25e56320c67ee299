package io.hollerith.server.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** When a job runs. Implementations are immutable. */
public sealed interface Schedule {

  /** The first due time strictly after {@code after}. */
  Instant next(Instant after);

  /**
   * Every {@code every}, at wall-clock multiples of it since the epoch (every 60 s runs at :00 of
   * each minute), so all nodes and restarts agree on the times.
   */
  record Interval(Duration every) implements Schedule {
    public Interval {
      if (every.toMillis() <= 0) {
        throw new IllegalArgumentException("an interval must be at least 1ms, got " + every);
      }
    }

    @Override
    public Instant next(Instant after) {
      long ms = every.toMillis();
      return Instant.ofEpochMilli(Math.floorDiv(after.toEpochMilli(), ms) * ms + ms);
    }
  }

  /** Once a day at {@code at}, UTC. */
  record Daily(LocalTime at) implements Schedule {
    @Override
    public Instant next(Instant after) {
      ZonedDateTime candidate =
          after.atZone(ZoneOffset.UTC).toLocalDate().atTime(at).atZone(ZoneOffset.UTC);
      if (!candidate.toInstant().isAfter(after)) {
        candidate = candidate.plusDays(1);
      }
      return candidate.toInstant();
    }
  }
}
