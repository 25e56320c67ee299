package io.hollerith.server.query;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.storage.SeriesInfo;
import io.hollerith.server.storage.SeriesReader;
import io.hollerith.server.storage.StoredPoint;
import io.hollerith.server.storage.StoredSeries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The time-aggregated series semantics of {@code GET /api/v1/series} (Traffic Ops' {@code
 * deliveryservice_stats}, generalised to any stored series) and the paged metric list of {@code GET
 * /api/v1/metrics}, over a {@link SeriesReader}.
 *
 * <p><b>Tenancy.</b> Every call takes the caller's visibility test on metric names. A series whose
 * name the caller may not see answers {@code 404 No such series: <metric>}, exactly as one that was
 * never stored, so existence is not disclosed; the metric list skips such series.
 *
 * <p><b>Series.</b> Buckets start exactly at {@code startDate} and each lasts {@code interval}; the
 * last is the one containing {@code endDate} (both ends inclusive). A bucket's time is its start; a
 * bucket with nothing stored has the value {@code null}. {@code offset} and {@code limit} apply to
 * this bucketed list. The store merges the stored intervals of a bucket (counts and sums add, min
 * of mins, max of maxes, the latest gauge, united HyperLogLogs, merged sketches) and {@link Stat}
 * computes the value; {@code rate} divides by the whole bucket length.
 *
 * <p><b>Summary</b>, over the un-bucketed stored points in the range, each point valued by the
 * requested stat: {@code count} (points), {@code average}, {@code min}, {@code max}, and
 * nearest-rank percentiles 5, 95 and 98 (sort the N values; index {@code floor(N·p/100 + 0.5) − 1};
 * {@code null} when that index is outside {@code [0, N)}). With no stored point, {@code count} is 0
 * and every statistic is {@code null}; the series still lists its buckets, all {@code null}.
 *
 * <p><b>Totals.</b> Traffic Ops integrates a rate over time; Hollerith stores counts, so the total
 * is exact: the sum of the stored counts in the range (counter increments, or timer events, after
 * sample-rate scaling), whatever the requested stat. It goes to {@code totalBytes} when the metric
 * counts bytes — the last dot-separated segment of its name ends with {@code bytes}, e.g. {@code
 * http.response_bytes} — and to {@code totalTransactions} otherwise. Gauges and sets have no total:
 * both are {@code null}.
 *
 * <p><b>Timers</b> also get {@code summary.latency}: {@code p50 p90 p95 p99 p999} from the merge of
 * every stored sketch in the range, so over all samples: the nearest-rank values, exact while the
 * range holds at most {@value QuantileSketch#MAX_EXACT_VALUES} samples and within the sketch's 1%
 * relative accuracy beyond (see {@link QuantileSketch}); {@code min}, {@code max} and {@code
 * count}. A value sent with sample rate {@code r} weighs {@code 1/r} in {@code count} and the
 * percentiles.
 *
 * <p>Thread-safe if the reader is.
 */
public final class SeriesService {

  /** Answer's {@code source} field. */
  public static final String SOURCE = "Hollerith";

  /** Answer's {@code version} field: the version of this API. */
  public static final String VERSION = "1";

  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final int MAX_METRICS_PAGE = 1000;
  private static final int DEFAULT_METRICS_PAGE = 100;

  private final SeriesReader reader;

  public SeriesService(SeriesReader reader) {
    this.reader = reader;
  }

  /**
   * The finest precision the store holds, which bounds the {@code interval} a request may ask for.
   */
  public long finestPrecisionMillis() {
    return reader.finestPrecisionMillis();
  }

  /**
   * The {@code {"response": …}} document of one series request.
   *
   * @param canSee whether the caller may see metrics of this name
   * @throws QueryException 404 for a missing or invisible series, 400 for an ambiguous type or a
   *     stat that does not apply to the series' type
   */
  public Map<String, Object> series(SeriesRequest req, Predicate<String> canSee) {
    MetricKey key = req.key();
    if (!canSee.test(key.name())) {
      throw notFound(key);
    }
    // One lookup of the key and one read transaction for the type check, the buckets and the
    // summary.
    return reader.readSeries(key, stored -> answer(req, stored));
  }

  private Map<String, Object> answer(SeriesRequest req, StoredSeries stored) {
    MetricKey key = stored.key();
    MetricType type = resolveType(stored, req.type());
    Stat stat = req.stat() != null ? req.stat() : Stat.defaultFor(type);
    if (!stat.appliesTo(type)) {
      throw QueryException.badRequest(
          "Invalid stat! '"
              + stat.label()
              + "' does not apply to a "
              + type.label()
              + "; use one of "
              + String.join(", ", Stat.labelsFor(type)));
    }
    // Stored points have millisecond times: the ones inside [start, end] in nanoseconds are those
    // inside [ceil(start), floor(end)] in milliseconds.
    long fromMillis =
        Math.floorDiv(req.startNanos(), NANOS_PER_MILLI)
            + (Math.floorMod(req.startNanos(), NANOS_PER_MILLI) == 0 ? 0 : 1);
    long toMillis = Math.floorDiv(req.endNanos(), NANOS_PER_MILLI);

    Map<String, Object> response = new LinkedHashMap<>();
    if (!req.excludeSeries()) {
      response.put("series", series(req, stored, type, stat, fromMillis, toMillis));
    }
    response.put("source", SOURCE);
    if (!req.excludeSummary()) {
      List<StoredPoint> points =
          fromMillis <= toMillis ? stored.points(type, fromMillis, toMillis) : List.of();
      response.put("summary", summary(key, type, stat, points));
    }
    response.put("version", VERSION);
    return Map.of("response", response);
  }

  private static MetricType resolveType(StoredSeries stored, MetricType requested) {
    MetricKey key = stored.key();
    if (requested != null) {
      if (stored.info(requested).isEmpty()) {
        throw notFound(key);
      }
      return requested;
    }
    List<MetricType> found = stored.types().stream().map(SeriesInfo::type).toList();
    if (found.isEmpty()) {
      throw notFound(key);
    }
    if (found.size() > 1) {
      List<String> labels = found.stream().map(MetricType::label).toList();
      throw QueryException.badRequest(
          "Ambiguous metric! '"
              + key.name()
              + "' is stored as "
              + String.join(" and ", labels)
              + "; add type="
              + labels.get(0)
              + " (or another of them)");
    }
    return found.get(0);
  }

  private static QueryException notFound(MetricKey key) {
    return new QueryException(404, "No such series: " + key);
  }

  private static Map<String, Object> series(
      SeriesRequest req,
      StoredSeries stored,
      MetricType type,
      Stat stat,
      long fromMillis,
      long toMillis) {
    MetricKey key = stored.key();
    long n = req.bucketCount();
    long first = Math.min(req.offset(), n);
    long last = req.limit() == null ? n : Math.min(n, first + req.limit());
    long intervalMillis = req.intervalNanos() / NANOS_PER_MILLI;
    Double[] values = new Double[(int) (last - first)];
    if (fromMillis <= toMillis && last > first) {
      for (StoredPoint p : stored.buckets(type, fromMillis, toMillis, intervalMillis)) {
        long delta = p.timeMillis() - fromMillis;
        if (delta < 0) {
          continue;
        }
        long index = delta / intervalMillis;
        if (index >= first && index < last) {
          values[(int) (index - first)] = stat.of(p, intervalMillis);
        }
      }
    }
    List<Object[]> rows = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      long nanos = req.startNanos() + (first + i) * req.intervalNanos();
      Object time =
          req.timestamps() == TimestampFormat.UNIX
              ? (Object) nanos
              : TimeParser.formatRfc3339Seconds(nanos);
      rows.add(new Object[] {time, values[i]});
    }
    Map<String, Object> series = new LinkedHashMap<>();
    series.put("columns", List.of("time", stat.label()));
    series.put("count", rows.size());
    series.put("name", key.name());
    series.put("tags", tagObject(key));
    series.put("values", rows);
    return series;
  }

  static Map<String, Object> tagObject(MetricKey key) {
    Map<String, Object> tags = new LinkedHashMap<>();
    for (Tag t : key.tags()) {
      tags.put(t.key(), t.value());
    }
    return tags;
  }

  private static Map<String, Object> summary(
      MetricKey key, MetricType type, Stat stat, List<StoredPoint> points) {
    double[] values = new double[points.size()];
    int n = 0;
    double sum = 0;
    double total = 0;
    for (StoredPoint p : points) {
      Double v = stat.of(p, p.resolutionMillis());
      if (v != null) {
        values[n++] = v;
        sum += v;
      }
      if (!Double.isNaN(p.count())) {
        total += p.count();
      }
    }
    double[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("average", n == 0 ? null : sum / n);
    s.put("count", n);
    s.put("fifthPercentile", nearestRank(sorted, 5));
    s.put("ninetyFifthPercentile", nearestRank(sorted, 95));
    s.put("ninetyEighthPercentile", nearestRank(sorted, 98));
    s.put("min", n == 0 ? null : sorted[0]);
    s.put("max", n == 0 ? null : sorted[n - 1]);
    boolean hasTotal =
        !points.isEmpty() && (type == MetricType.COUNTER || type == MetricType.TIMER);
    boolean bytes = countsBytes(key.name());
    s.put("totalBytes", hasTotal && bytes ? total : null);
    s.put("totalTransactions", hasTotal && !bytes ? total : null);
    if (type == MetricType.TIMER) {
      s.put("latency", latency(points));
    }
    return s;
  }

  /** True when the last dot-separated segment of the name ends with {@code bytes} (any case). */
  static boolean countsBytes(String name) {
    String last = name.substring(name.lastIndexOf('.') + 1);
    return last.toLowerCase(Locale.ROOT).endsWith("bytes");
  }

  /**
   * Nearest-rank percentile of sorted values, as InfluxDB 1.x computes it: index {@code
   * floor(N·p/100 + 0.5) − 1}, null when outside {@code [0, N)}.
   */
  static Double nearestRank(double[] sorted, double p) {
    int n = sorted.length;
    long i = (long) Math.floor(n * p / 100.0 + 0.5) - 1;
    return i < 0 || i >= n ? null : sorted[(int) i];
  }

  private static Map<String, Object> latency(List<StoredPoint> points) {
    QuantileSketch merged = QuantileSketch.create();
    double min = Double.NaN;
    double max = Double.NaN;
    double count = 0;
    for (StoredPoint p : points) {
      if (p.sketch() != null) {
        merged.merge(p.sketch());
      }
      if (!Double.isNaN(p.min())) {
        min = Double.isNaN(min) ? p.min() : Math.min(min, p.min());
      }
      if (!Double.isNaN(p.max())) {
        max = Double.isNaN(max) ? p.max() : Math.max(max, p.max());
      }
      count += p.count();
    }
    Map<String, Object> l = new LinkedHashMap<>();
    for (Stat s : List.of(Stat.P50, Stat.P90, Stat.P95, Stat.P99, Stat.P999)) {
      l.put(s.label(), merged.isEmpty() ? null : merged.quantile(quantileOf(s)));
    }
    l.put("min", Double.isNaN(min) ? null : min);
    l.put("max", Double.isNaN(max) ? null : max);
    l.put("count", count);
    return l;
  }

  private static double quantileOf(Stat s) {
    return switch (s) {
      case P50 -> 0.50;
      case P90 -> 0.90;
      case P95 -> 0.95;
      case P99 -> 0.99;
      default -> 0.999;
    };
  }

  // -----------------------------------------------------------------------------------------------
  // GET /api/v1/metrics

  /**
   * One page of the series the caller may see, by name then tags.
   *
   * <p>Parameters: {@code prefix} (names starting with it), {@code type}, {@code limit} (1 to 1000,
   * default 100) and {@code cursor} (the {@code next} of the previous page). A name stored with
   * several types lists all of them on one page, so a page may exceed {@code limit} by up to three.
   * A page is full unless it is the last; {@code next} is set exactly when the page is full (so a
   * full last page is followed by an empty one), and it encodes the last series on the page.
   *
   * <p>What the caller cannot see never shows, not even in paging: pages and cursors are the same
   * whether or not hidden series exist. Only the caller's {@code visiblePrefixes} are scanned; a
   * hidden series inside them (another tenant's nested namespace) is skipped.
   *
   * @param canSee whether the caller may see metrics of this name
   * @param visiblePrefixes name prefixes outside which the caller sees nothing ({@code [""]} for
   *     everything), sorted, none starting with another
   * @throws QueryException 400 naming the bad parameter
   */
  public Map<String, Object> metrics(
      Map<String, List<String>> params, Predicate<String> canSee, List<String> visiblePrefixes) {
    String prefix = SeriesRequest.first(params, "prefix");
    prefix = prefix == null ? "" : prefix;
    MetricType type = null;
    String typeText = SeriesRequest.first(params, "type");
    if (typeText != null) {
      type = SeriesRequest.parseType(typeText);
      if (type == null) {
        throw QueryException.badRequest("Invalid type! Must be one of counter, gauge, timer, set");
      }
    }
    int limit = DEFAULT_METRICS_PAGE;
    String limitText = SeriesRequest.first(params, "limit");
    if (limitText != null) {
      if (!limitText.matches("\\d{1,4}")
          || Integer.parseInt(limitText) < 1
          || Integer.parseInt(limitText) > MAX_METRICS_PAGE) {
        throw QueryException.badRequest("Invalid limit! Must be between 1 and " + MAX_METRICS_PAGE);
      }
      limit = Integer.parseInt(limitText);
    }
    String after = null;
    String cursor = SeriesRequest.first(params, "cursor");
    if (cursor != null && !cursor.isEmpty()) {
      try {
        after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw QueryException.badRequest("Invalid cursor!");
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    String lastEmitted = null;
    scan:
    for (String range : scanRanges(prefix, visiblePrefixes)) {
      String lastScanned = after;
      while (true) {
        List<SeriesInfo> batch = reader.listSeries(range, type, lastScanned, limit);
        if (batch.isEmpty()) {
          break;
        }
        for (SeriesInfo info : batch) {
          String canonical = info.key().canonical();
          lastScanned = canonical;
          if (canonical.equals(lastEmitted) || !canSee.test(info.key().name())) {
            continue;
          }
          // The cursor is a key, so every type of a key goes on the same page: a page boundary
          // between the counter and the gauge of one name would otherwise lose the second.
          if (type == null) {
            reader
                .readSeries(info.key(), StoredSeries::types)
                .forEach(found -> out.add(describe(found)));
          } else {
            out.add(describe(info));
          }
          lastEmitted = canonical;
          if (out.size() >= limit) {
            break scan;
          }
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("metrics", out);
    body.put(
        "next",
        out.size() < limit
            ? null
            : Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(lastEmitted.getBytes(StandardCharsets.UTF_8)));
    return body;
  }

  /**
   * The name prefixes to scan, in order: where the requested prefix meets the visible ones (the
   * longer of the two when one starts with the other), without a prefix that a shorter one covers.
   */
  static List<String> scanRanges(String requested, List<String> visiblePrefixes) {
    TreeSet<String> meets = new TreeSet<>();
    for (String visible : visiblePrefixes) {
      if (visible.startsWith(requested)) {
        meets.add(visible);
      } else if (requested.startsWith(visible)) {
        meets.add(requested);
      }
    }
    List<String> outermost = new ArrayList<>();
    for (String p : meets) {
      if (outermost.isEmpty() || !p.startsWith(outermost.get(outermost.size() - 1))) {
        outermost.add(p);
      }
    }
    return outermost;
  }

  private static Map<String, Object> describe(SeriesInfo info) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", info.key().name());
    m.put("tags", tagObject(info.key()));
    m.put("type", info.type().label());
    m.put("firstSeen", TimeParser.formatRfc3339Millis(info.firstSeenMillis()));
    m.put("lastSeen", TimeParser.formatRfc3339Millis(info.lastSeenMillis()));
    return m;
  }
}
