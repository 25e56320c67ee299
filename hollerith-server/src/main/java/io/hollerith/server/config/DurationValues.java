package io.hollerith.server.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as in Prometheus and Graphite: {@code 500ms}, {@code 10s}, {@code 1m},
 * {@code 2h}, {@code 7d}, {@code 1w}, {@code 5y} (365 days), or a plain integer meaning
 * milliseconds (as Etsy StatsD's {@code flushInterval}).
 */
public final class DurationValues {

  private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)?");

  private DurationValues() {}

  /**
   * Parses {@code 250ms}, {@code 10s}, {@code 5m}, {@code 7d} and the like; a bare number is
   * milliseconds.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Duration parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a duration (use a whole number with a unit ms, s, m, h, d, w or y, e.g. 10s)");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large for a duration");
    }
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      case "w" -> Duration.ofDays(7 * n);
      default -> Duration.ofDays(365 * n);
    };
  }

  /** The shortest exact form: {@code 10s}, {@code 1m}, {@code 1500ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    long[] sizes = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000};
    String[] units = {"y", "w", "d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms != 0 && ms % sizes[i] == 0) {
        return (ms / sizes[i]) + units[i];
      }
    }
    return ms + "ms";
  }
}
