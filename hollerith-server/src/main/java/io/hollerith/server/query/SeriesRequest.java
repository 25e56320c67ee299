package io.hollerith.server.query;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated {@code GET /api/v1/series} request.
 *
 * <p>{@link #parse} checks the parameters in Traffic Ops' order, and the first failure wins:
 *
 * <ol>
 *   <li>required {@code metric}, {@code startDate}, {@code endDate}: {@code missing required
 *       parameters: <names>};
 *   <li>the {@code Accept} header (406);
 *   <li>{@code limit}: {@code Invalid limit!}; {@code offset}: {@code Invalid offset!}; {@code
 *       orderby}: {@code Invalid orderby! Can only be 'time'};
 *   <li>{@code startDate}, {@code endDate}: {@code Invalid startDate!}, {@code Invalid endDate!},
 *       then {@code Invalid startDate! Must not be after endDate};
 *   <li>{@code interval}: a whole number of {@code s}, {@code m}, {@code h}, {@code d} or {@code
 *       w}. Accepted: whole minutes (as Traffic Ops), and any multiple of the finest stored
 *       precision (with 10 s flushes, {@code 10s}, {@code 30s}, {@code 90s}). Refused: {@code
 *       interval: must be a valid InfluxQL duration literal (resolution no less than minute)} for
 *       anything unparsable or finer than the finest stored precision, {@code interval: must be a
 *       multiple of the finest stored precision 10s} (naming it) for other seconds, {@code
 *       interval: must be greater than zero};
 *   <li>{@code exclude}: {@code Invalid exclude! Must be 'series' or 'summary'};
 *   <li>Hollerith's own: {@code type}, {@code stat}, tags ({@code tags=k:v,k2:v2} or {@code
 *       tag.k=v}), and the bucket count limit.
 * </ol>
 *
 * <p>A repeated parameter counts with its first value, as in Traffic Ops; unknown parameters are
 * ignored. Immutable.
 *
 * @param key the series (name and tags)
 * @param type the metric type, or null to find it by name
 * @param stat the per-bucket value, or null for the type's default
 * @param startNanos inclusive start, nanoseconds since the epoch; buckets start here
 * @param endNanos inclusive end
 * @param intervalNanos bucket length
 * @param limit most values returned, or null
 * @param offset values skipped first (0 by default)
 * @param excludeSeries {@code exclude=series}
 * @param excludeSummary {@code exclude=summary}
 * @param timestamps how bucket times are written
 */
public record SeriesRequest(
    MetricKey key,
    MetricType type,
    Stat stat,
    long startNanos,
    long endNanos,
    long intervalNanos,
    Long limit,
    long offset,
    boolean excludeSeries,
    boolean excludeSummary,
    TimestampFormat timestamps) {

  private static final Pattern INTERVAL = Pattern.compile("^(\\d+)([smhdw])$");
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND;
  private static final Pattern NATURAL = Pattern.compile("^\\d{1,18}$");

  /** Traffic Ops' interval message. */
  static final String INTERVAL_MESSAGE =
      "interval: must be a valid InfluxQL duration literal (resolution no less than minute)";

  /** Number of buckets the request spans. */
  public long bucketCount() {
    return (endNanos - startNanos) / intervalNanos + 1;
  }

  /**
   * Validates the query parameters and {@code Accept} header.
   *
   * @param params decoded query parameters, values in order of appearance
   * @param accept the {@code Accept} header or null
   * @param maxBuckets most buckets a request may span
   * @param finestPrecisionMillis the finest precision the store holds (the flush interval)
   * @throws QueryException 400 or 406 with the message of the first failed check
   */
  public static SeriesRequest parse(
      Map<String, List<String>> params,
      String accept,
      long maxBuckets,
      long finestPrecisionMillis) {
    requireParameters(params, List.of("metric", "startDate", "endDate"));
    TimestampFormat timestamps = TimestampFormat.negotiate(accept);
    Long limit = natural(params, "limit", "Invalid limit!");
    Long offset = natural(params, "offset", "Invalid offset!");
    String orderby = first(params, "orderby");
    if (orderby != null && !orderby.equals("time")) {
      throw QueryException.badRequest("Invalid orderby! Can only be 'time'");
    }
    long start = time(params, "startDate");
    long end = time(params, "endDate");
    if (start > end) {
      throw QueryException.badRequest("Invalid startDate! Must not be after endDate");
    }
    String intervalText = first(params, "interval");
    long intervalNanos =
        parseInterval(intervalText == null ? "1m" : intervalText, finestPrecisionMillis);

    String exclude = first(params, "exclude");
    if (exclude != null && !exclude.equals("series") && !exclude.equals("summary")) {
      throw QueryException.badRequest("Invalid exclude! Must be 'series' or 'summary'");
    }
    MetricType type = typeParameter(params);
    Stat stat = statParameter(params);
    MetricKey key = MetricKey.of(first(params, "metric"), parseTags(params));
    requireBucketCount(start, end, intervalNanos, maxBuckets);
    return new SeriesRequest(
        key,
        type,
        stat,
        start,
        end,
        intervalNanos,
        limit,
        offset == null ? 0 : offset,
        "series".equals(exclude),
        "summary".equals(exclude),
        timestamps);
  }

  private static void requireParameters(Map<String, List<String>> params, List<String> required) {
    List<String> missing = new ArrayList<>();
    for (String name : required) {
      String v = first(params, name);
      if (v == null || v.isEmpty()) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw QueryException.badRequest("missing required parameters: " + String.join(", ", missing));
    }
  }

  /** The parameter as a whole number of at most 18 digits, or null when absent. */
  private static Long natural(
      Map<String, List<String>> params, String name, String invalidMessage) {
    String text = first(params, name);
    if (text == null) {
      return null;
    }
    if (!NATURAL.matcher(text).matches()) {
      throw QueryException.badRequest(invalidMessage);
    }
    return Long.parseLong(text);
  }

  private static long time(Map<String, List<String>> params, String name) {
    Long nanos = TimeParser.parseNanos(first(params, name));
    if (nanos == null) {
      throw QueryException.badRequest("Invalid " + name + "!");
    }
    return nanos;
  }

  private static MetricType typeParameter(Map<String, List<String>> params) {
    String text = first(params, "type");
    if (text == null) {
      return null;
    }
    MetricType type = parseType(text);
    if (type == null) {
      throw QueryException.badRequest("Invalid type! Must be one of counter, gauge, timer, set");
    }
    return type;
  }

  private static Stat statParameter(Map<String, List<String>> params) {
    String text = first(params, "stat");
    if (text == null) {
      return null;
    }
    Stat stat = Stat.parse(text);
    if (stat == null) {
      throw QueryException.badRequest("Invalid stat! Must be one of " + Stat.allLabels());
    }
    return stat;
  }

  private static void requireBucketCount(
      long start, long end, long intervalNanos, long maxBuckets) {
    long buckets;
    try {
      buckets = Math.addExact(Math.subtractExact(end, start) / intervalNanos, 1);
    } catch (ArithmeticException e) {
      buckets = Long.MAX_VALUE;
    }
    if (buckets > maxBuckets) {
      throw QueryException.badRequest(
          "interval: too many buckets ("
              + buckets
              + ") between startDate and endDate; at most "
              + maxBuckets
              + ", use a longer interval");
    }
  }

  /**
   * Parses {@code counter|gauge|timer|set} or the StatsD codes {@code c|g|ms|s}; null otherwise.
   */
  static MetricType parseType(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    for (MetricType mt : MetricType.values()) {
      if (mt.label().equals(t) || mt.code().equals(t)) {
        return mt;
      }
    }
    return null;
  }

  private static long parseInterval(String text, long finestPrecisionMillis) {
    Matcher m = INTERVAL.matcher(text);
    if (!m.matches()) {
      throw QueryException.badRequest(INTERVAL_MESSAGE);
    }
    long unitSeconds =
        switch (m.group(2)) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3600;
          case "d" -> 86_400;
          default -> 604_800;
        };
    long nanos;
    try {
      long n = Long.parseLong(m.group(1));
      nanos = Math.multiplyExact(Math.multiplyExact(n, unitSeconds), NANOS_PER_SECOND);
    } catch (NumberFormatException | ArithmeticException e) {
      throw QueryException.badRequest("interval: too long");
    }
    if (nanos == 0) {
      throw QueryException.badRequest("interval: must be greater than zero");
    }
    long finestNanos = finestPrecisionMillis * 1_000_000L;
    if (nanos % NANOS_PER_MINUTE == 0 || nanos % finestNanos == 0) {
      return nanos;
    }
    if (nanos < finestNanos) {
      throw QueryException.badRequest(INTERVAL_MESSAGE);
    }
    throw QueryException.badRequest(
        "interval: must be a multiple of the finest stored precision "
            + RetentionPolicy.format(finestPrecisionMillis));
  }

  private static List<Tag> parseTags(Map<String, List<String>> params) {
    List<Tag> tags = new ArrayList<>();
    String list = first(params, "tags");
    if (list != null && !list.isEmpty()) {
      for (String item : list.split(",", -1)) {
        int colon = item.indexOf(':');
        String k = colon < 0 ? item : item.substring(0, colon);
        String v = colon < 0 ? null : item.substring(colon + 1);
        tags.add(tag(k, v));
      }
    }
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      if (e.getKey().startsWith("tag.")) {
        String v = e.getValue().isEmpty() ? "" : e.getValue().get(0);
        tags.add(tag(e.getKey().substring(4), v.isEmpty() ? null : v));
      }
    }
    return tags;
  }

  private static Tag tag(String k, String v) {
    if (k.isEmpty()
        || !validTagPart(k)
        || k.indexOf(':') >= 0
        || k.indexOf('=') >= 0
        || (v != null && (v.isEmpty() || !validTagPart(v)))) {
      throw QueryException.badRequest(
          "Invalid tags! Use tags=key:value,key2:value2 or tag.key=value");
    }
    return new Tag(k, v);
  }

  private static boolean validTagPart(String s) {
    if (s.length() > 256) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == ',' || c == '\u007f') {
        return false;
      }
    }
    return true;
  }

  static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
