package io.hollerith.server.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * Parses {@code startDate}/{@code endDate} the way Traffic Ops does, trying in order: RFC 3339 with
 * or without sub-second precision ({@code 2019-07-22T17:55:00Z}, {@code …00.123456789+02:00}), an
 * integer count of nanoseconds since the epoch, and Traffic Ops' {@code lastUpdated} layout {@code
 * 2006-01-02 15:04:05-07}. Thread-safe.
 */
final class TimeParser {

  private static final DateTimeFormatter RFC3339 =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .appendPattern("XXX")
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter TO_LAYOUT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ssx").withResolverStyle(ResolverStyle.STRICT);

  private TimeParser() {}

  /**
   * Nanoseconds since the epoch, or null when the text matches none of the formats or overflows.
   */
  static Long parseNanos(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return null;
    }
    Instant instant = tryParse(text, RFC3339);
    if (instant == null && text.matches("-?\\d{1,19}")) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (instant == null) {
      instant = tryParse(text, TO_LAYOUT);
    }
    if (instant == null) {
      return null;
    }
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static Instant tryParse(String text, DateTimeFormatter format) {
    try {
      return OffsetDateTime.parse(text, format).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * RFC 3339 at second precision, UTC ({@code 2019-07-22T17:55:00Z}), as Traffic Ops writes bucket
   * times.
   */
  static String formatRfc3339Seconds(long nanos) {
    long seconds = Math.floorDiv(nanos, 1_000_000_000L);
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(seconds));
  }

  /** RFC 3339 with milliseconds, UTC. */
  static String formatRfc3339Millis(long millis) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis));
  }
}
