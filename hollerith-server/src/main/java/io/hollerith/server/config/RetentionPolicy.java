package io.hollerith.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long history is kept at which resolution, in Graphite's {@code storage-schemas.conf} style:
 * {@code 10s:7d,1m:90d,1h:5y} keeps 10-second points for 7 days, 1-minute points for 90 days and
 * 1-hour points for 5 years. Each entry is {@code precision:retention}. A precision is a number
 * with a unit ({@code s}, {@code m} or {@code min}, {@code h}, {@code d}, {@code w}, {@code y} =
 * 365 days) or a bare number of seconds; a retention is a duration with a unit or, as in Graphite,
 * a bare number of points ({@code 60:1440} = one day of minutes).
 *
 * <p>Rules, each checked with a message that names the offending entry: at least one entry;
 * precisions strictly increase and each is a whole multiple of the one before (so a coarse bucket
 * is made of whole fine buckets); retentions strictly increase (a coarser level that kept less
 * would never be read); every retention is at least its precision.
 *
 * <p>Immutable and thread-safe.
 */
public final class RetentionPolicy {

  /** The default policy, {@code 10s:7d,1m:90d,1h:5y}. */
  public static final String DEFAULT = "10s:7d,1m:90d,1h:5y";

  /**
   * One level.
   *
   * @param precisionMillis length of one stored interval
   * @param retentionMillis how long points of this precision are kept
   */
  public record Level(long precisionMillis, long retentionMillis) {}

  private final String text;
  private final List<Level> levels;

  private RetentionPolicy(String text, List<Level> levels) {
    this.text = text;
    this.levels = List.copyOf(levels);
  }

  /**
   * Parses a policy.
   *
   * @throws IllegalArgumentException with a message naming the bad entry and the rule it breaks
   */
  public static RetentionPolicy parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("retention policy is empty; expected e.g. " + DEFAULT);
    }
    List<Level> levels = new ArrayList<>();
    for (String raw : text.split(",")) {
      String entry = raw.trim();
      int colon = entry.indexOf(':');
      if (colon <= 0 || colon == entry.length() - 1 || entry.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException(
            "retention entry '" + entry + "' is not precision:retention (e.g. 10s:7d)");
      }
      String precisionText = entry.substring(0, colon).trim();
      String retentionText = entry.substring(colon + 1).trim();
      long precision = parseDuration(precisionText, entry, "precision");
      if (precision <= 0) {
        throw new IllegalArgumentException(
            "retention entry '" + entry + "': precision must be positive");
      }
      long retention;
      if (isDigits(retentionText)) {
        long points = parseNumber(retentionText, entry, "retention");
        try {
          retention = Math.multiplyExact(points, precision);
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException(
              "retention entry '" + entry + "': retention is too large");
        }
      } else {
        retention = parseDuration(retentionText, entry, "retention");
      }
      if (retention < precision) {
        throw new IllegalArgumentException(
            "retention entry '"
                + entry
                + "': retention "
                + retentionText
                + " is shorter than its precision");
      }
      if (!levels.isEmpty()) {
        Level prev = levels.get(levels.size() - 1);
        if (precision <= prev.precisionMillis()) {
          throw new IllegalArgumentException(
              "retention entry '"
                  + entry
                  + "': precisions must increase from left to right (finest first)");
        }
        if (precision % prev.precisionMillis() != 0) {
          throw new IllegalArgumentException(
              "retention entry '"
                  + entry
                  + "': precision "
                  + precisionText
                  + " is not a whole multiple of the previous precision "
                  + format(prev.precisionMillis()));
        }
        if (retention <= prev.retentionMillis()) {
          throw new IllegalArgumentException(
              "retention entry '"
                  + entry
                  + "': a coarser level must be kept longer than the finer one before it");
        }
      }
      levels.add(new Level(precision, retention));
    }
    return new RetentionPolicy(text.trim(), levels);
  }

  /** Levels, finest first. */
  public List<Level> levels() {
    return levels;
  }

  /** The finest precision. */
  public long finestPrecisionMillis() {
    return levels.get(0).precisionMillis();
  }

  /**
   * Checks that flushes of {@code flushIntervalMillis} fit this policy: the interval must divide
   * the finest precision (a 10 s flush fits {@code 10s:…} and {@code 1m:…}, not {@code 15s:…}).
   *
   * @throws IllegalArgumentException naming both values
   */
  public void checkFlushInterval(long flushIntervalMillis) {
    if (flushIntervalMillis <= 0 || finestPrecisionMillis() % flushIntervalMillis != 0) {
      throw new IllegalArgumentException(
          "retention '"
              + text
              + "': the finest precision "
              + format(finestPrecisionMillis())
              + " must be a whole multiple of the flush interval "
              + format(flushIntervalMillis));
    }
  }

  /**
   * Every resolution the store holds when flushes are {@code rawMillis} long: the raw flush
   * resolution, then each level's precision above it, ascending. Rollups go from each entry to the
   * next.
   */
  public List<Long> resolutions(long rawMillis) {
    List<Long> out = new ArrayList<>();
    out.add(rawMillis);
    for (Level level : levels) {
      if (level.precisionMillis() > rawMillis) {
        out.add(level.precisionMillis());
      }
    }
    return out;
  }

  /**
   * How long points of resolution {@code resMillis} are kept: the retention of the first level at
   * least that coarse (so raw points finer than the finest level live as long as that level), or
   * the longest retention for anything coarser than every level.
   */
  public long retentionMillis(long resMillis) {
    for (Level level : levels) {
      if (level.precisionMillis() >= resMillis) {
        return level.retentionMillis();
      }
    }
    return levels.get(levels.size() - 1).retentionMillis();
  }

  /** The policy as written. */
  @Override
  public String toString() {
    return text;
  }

  /**
   * Compact form of a duration in milliseconds: {@code 10s}, {@code 1m}, {@code 1h}, {@code 250ms}.
   */
  public static String format(long millis) {
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + "d";
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    if (millis % 1000L == 0) {
      return millis / 1000L + "s";
    }
    return millis + "ms";
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static long parseNumber(String s, String entry, String what) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "retention entry '" + entry + "': " + what + " '" + s + "' is too large");
    }
  }

  private static long parseDuration(String s, String entry, String what) {
    if (isDigits(s)) {
      return Math.multiplyExact(parseNumber(s, entry, what), 1000L);
    }
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException(
          "retention entry '"
              + entry
              + "': "
              + what
              + " '"
              + s
              + "' must start with a number (e.g. 10s, 7d)");
    }
    long n = parseNumber(s.substring(0, i), entry, what);
    String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
    long unitMillis =
        switch (unit) {
          case "s", "sec", "second", "seconds" -> 1000L;
          case "m", "min", "minute", "minutes" -> 60_000L;
          case "h", "hour", "hours" -> 3_600_000L;
          case "d", "day", "days" -> 86_400_000L;
          case "w", "week", "weeks" -> 7 * 86_400_000L;
          case "y", "year", "years" -> 365 * 86_400_000L;
          default ->
              throw new IllegalArgumentException(
                  "retention entry '"
                      + entry
                      + "': unknown unit '"
                      + unit
                      + "' in "
                      + what
                      + " '"
                      + s
                      + "' (use s, m, h, d, w or y)");
        };
    try {
      return Math.multiplyExact(n, unitMillis);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "retention entry '" + entry + "': " + what + " '" + s + "' is too large");
    }
  }

  /** Convenience for callers holding a {@link Duration}. */
  public void checkFlushInterval(Duration flushInterval) {
    checkFlushInterval(flushInterval.toMillis());
  }
}
