package io.hollerith.client;

import java.math.BigDecimal;
import java.time.Duration;

/** A {@link Duration} in milliseconds as pystatsd computes them from a {@code timedelta}. */
final class DurationMillis {

  private DurationMillis() {}

  /**
   * {@code total_seconds() * 1000.}, where {@code total_seconds()} is the correctly rounded
   * quotient of whole microseconds by 10^6. A duration with a sub-microsecond part (which a {@code
   * timedelta} cannot hold) is converted as {@code nanos / 1e6} instead, keeping it.
   */
  static double of(Duration duration) {
    long seconds = duration.getSeconds();
    int nanos = duration.getNano();
    if (nanos % 1000 != 0) {
      if (Math.abs(seconds) < 9_000_000L) { // nanos below 2^53: exact as a double
        return (seconds * 1_000_000_000L + nanos) / 1e6;
      }
      return new BigDecimal(seconds)
          .movePointRight(9)
          .add(BigDecimal.valueOf(nanos))
          .movePointLeft(6)
          .doubleValue();
    }
    long micros;
    try {
      micros = Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
    } catch (ArithmeticException overflow) {
      micros = Long.MAX_VALUE;
    }
    double totalSeconds;
    if (Math.abs(micros) <= (1L << 53)) {
      totalSeconds = micros / 1e6; // both exact, so the quotient is correctly rounded
    } else {
      totalSeconds = new BigDecimal(seconds).add(BigDecimal.valueOf(nanos / 1000, 6)).doubleValue();
    }
    return totalSeconds * 1000.0;
  }
}
