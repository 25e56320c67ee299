package io.hollerith.server.query;

import static io.hollerith.server.query.InMemorySeriesReader.counter;
import static io.hollerith.server.query.InMemorySeriesReader.gauge;
import static io.hollerith.server.query.InMemorySeriesReader.set;
import static io.hollerith.server.query.InMemorySeriesReader.timer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Bucket alignment, per-bucket stats, the summary and tenancy, with hand-computed expectations. */
class SeriesServiceTest {

  /**
   * 2019-07-22T17:55:30Z: deliberately not minute-aligned, so epoch-aligned buckets would differ.
   */
  static final long T0 = 1_563_818_130_000L;

  static final long S = 1000;
  static final MetricKey ORDERS = MetricKey.of("shop.orders");
  static final Predicate<String> ALL = n -> true;
  static final List<String> EVERYTHING = List.of("");

  static Map<String, List<String>> params(String... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
    }
    return m;
  }

  static SeriesRequest request(String accept, String... kv) {
    return SeriesRequest.parse(params(kv), accept, 100_000, 10_000);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> response(Map<String, Object> doc) {
    return (Map<String, Object>) doc.get("response");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> seriesOf(Map<String, Object> doc) {
    return (Map<String, Object>) response(doc).get("series");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> summaryOf(Map<String, Object> doc) {
    return (Map<String, Object>) response(doc).get("summary");
  }

  @SuppressWarnings("unchecked")
  static List<Object> column(Map<String, Object> doc, int index) {
    return ((List<Object[]>) seriesOf(doc).get("values")).stream().map(row -> row[index]).toList();
  }

  static InMemorySeriesReader orders() {
    return new InMemorySeriesReader()
        .add(ORDERS, counter(T0 - 10 * S, 10 * S, 100)) // before startDate: excluded
        .add(ORDERS, counter(T0, 10 * S, 2)) // bucket 0 (start is inclusive)
        .add(ORDERS, counter(T0 + 50 * S, 10 * S, 3)) // bucket 0
        .add(ORDERS, counter(T0 + 60 * S, 10 * S, 5)) // bucket 1
        .add(ORDERS, counter(T0 + 170 * S, 10 * S, 4)) // bucket 2
        .add(ORDERS, counter(T0 + 180 * S, 10 * S, 1)) // bucket 3, at endDate (inclusive)
        .add(ORDERS, counter(T0 + 190 * S, 10 * S, 100)); // after endDate: excluded
  }

  @Test
  void bucketsStartAtStartDateAndIncludeBothEnds() {
    Map<String, Object> doc =
        new SeriesService(orders())
            .series(
                request(
                    "application/json;timestamp=unix",
                    "metric",
                    "shop.orders",
                    "startDate",
                    "2019-07-22T17:55:30Z",
                    "endDate",
                    "2019-07-22T17:58:30Z"),
                ALL);
    assertThat(column(doc, 0))
        .containsExactly(
            1_563_818_130_000_000_000L,
            1_563_818_190_000_000_000L,
            1_563_818_250_000_000_000L,
            1_563_818_310_000_000_000L);
    assertThat(column(doc, 1)).containsExactly(5.0, 5.0, 4.0, 1.0);
    assertThat(seriesOf(doc))
        .containsEntry("columns", List.of("time", "count"))
        .containsEntry("count", 4)
        .containsEntry("name", "shop.orders")
        .containsEntry("tags", Map.of());
    assertThat(response(doc)).containsEntry("source", "Hollerith").containsEntry("version", "1");
  }

  @Test
  void rfcTimestampsHaveSecondPrecision() {
    Map<String, Object> doc =
        new SeriesService(orders())
            .series(
                request(
                    null,
                    "metric",
                    "shop.orders",
                    "startDate",
                    "1563818130123456789",
                    "endDate",
                    "2019-07-22T17:56:30Z"),
                ALL);
    assertThat(column(doc, 0)).containsExactly("2019-07-22T17:55:30Z");
  }

  @Test
  void rateIsTheCountOverTheBucketSeconds() {
    Map<String, Object> doc =
        new SeriesService(orders())
            .series(
                request(
                    null,
                    "metric",
                    "shop.orders",
                    "stat",
                    "rate",
                    "startDate",
                    "2019-07-22T17:55:30Z",
                    "endDate",
                    "2019-07-22T17:58:30Z",
                    "interval",
                    "2m"),
                ALL);
    // Buckets [0,120) holds 2+3+5 = 10 and [120,240) holds 4+1 = 5; a 2m bucket has 120 s.
    assertThat(column(doc, 1)).containsExactly(10 / 120.0, 5 / 120.0);
    assertThat(seriesOf(doc)).containsEntry("columns", List.of("time", "rate"));
  }

  @Test
  void emptyBucketsAreNullAndLimitOffsetApplyToBuckets() {
    InMemorySeriesReader reader =
        new InMemorySeriesReader()
            .add(ORDERS, counter(T0 + 60 * S, 10 * S, 7))
            .add(ORDERS, counter(T0 + 240 * S, 10 * S, 9));
    SeriesService service = new SeriesService(reader);
    Map<String, Object> all =
        service.series(
            request(
                "application/json;timestamp=unix",
                "metric",
                "shop.orders",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T18:00:29Z"),
            ALL);
    assertThat(column(all, 1)).containsExactly(null, 7.0, null, null, 9.0);
    Map<String, Object> page =
        service.series(
            request(
                "application/json;timestamp=unix",
                "metric",
                "shop.orders",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T18:00:29Z",
                "offset",
                "1",
                "limit",
                "2"),
            ALL);
    assertThat(column(page, 0))
        .containsExactly(1_563_818_190_000_000_000L, 1_563_818_250_000_000_000L);
    assertThat(column(page, 1)).containsExactly(7.0, null);
    assertThat(seriesOf(page)).containsEntry("count", 2);
    Map<String, Object> beyond =
        service.series(
            request(
                null,
                "metric",
                "shop.orders",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T18:00:29Z",
                "offset",
                "9"),
            ALL);
    assertThat(column(beyond, 1)).isEmpty();
  }

  @Test
  void summaryIsOverTheUnbucketedPointsWithNearestRankPercentiles() {
    Map<String, Object> doc =
        new SeriesService(orders())
            .series(
                request(
                    null,
                    "metric",
                    "shop.orders",
                    "startDate",
                    "2019-07-22T17:55:30Z",
                    "endDate",
                    "2019-07-22T17:58:30Z",
                    "interval",
                    "1h"),
                ALL);
    // Points 2, 3, 5, 4, 1 → sorted 1..5, N = 5: p5 index floor(0.25+0.5)-1 = -1 → null;
    // p95 index floor(4.75+0.5)-1 = 4 → 5; p98 index floor(4.9+0.5)-1 = 4 → 5.
    Map<String, Object> summary = summaryOf(doc);
    assertThat(summary)
        .containsEntry("count", 5)
        .containsEntry("average", 3.0)
        .containsEntry("min", 1.0)
        .containsEntry("max", 5.0)
        .containsEntry("fifthPercentile", null)
        .containsEntry("ninetyFifthPercentile", 5.0)
        .containsEntry("ninetyEighthPercentile", 5.0)
        .containsEntry("totalTransactions", 15.0)
        .containsEntry("totalBytes", null)
        .doesNotContainKey("latency");
    assertThat(List.copyOf(summary.keySet()))
        .containsExactly(
            "average",
            "count",
            "fifthPercentile",
            "ninetyFifthPercentile",
            "ninetyEighthPercentile",
            "min",
            "max",
            "totalBytes",
            "totalTransactions");
  }

  @Test
  void nearestRankIndexes() {
    double[] twenty = new double[20];
    for (int i = 0; i < 20; i++) {
      twenty[i] = i + 1;
    }
    // N = 20: p5 → floor(1.5)-1 = 0; p95 → floor(19.5)-1 = 18; p98 → floor(20.1)-1 = 19.
    assertThat(SeriesService.nearestRank(twenty, 5)).isEqualTo(1.0);
    assertThat(SeriesService.nearestRank(twenty, 95)).isEqualTo(19.0);
    assertThat(SeriesService.nearestRank(twenty, 98)).isEqualTo(20.0);
    // N = 10: p5 → floor(1.0)-1 = 0; N = 9: floor(0.95)-1 = -1 → null.
    assertThat(SeriesService.nearestRank(Arrays.copyOf(twenty, 10), 5)).isEqualTo(1.0);
    assertThat(SeriesService.nearestRank(Arrays.copyOf(twenty, 9), 5)).isNull();
    assertThat(SeriesService.nearestRank(new double[0], 50)).isNull();
    // N = 1: p50 → floor(1.0)-1 = 0; p5 → floor(0.55)-1 = -1 → null.
    assertThat(SeriesService.nearestRank(new double[] {42}, 50)).isEqualTo(42.0);
    assertThat(SeriesService.nearestRank(new double[] {42}, 5)).isNull();
  }

  @Test
  void byteCountersTotalBytes() {
    MetricKey key = MetricKey.of("web.response_bytes");
    InMemorySeriesReader reader =
        new InMemorySeriesReader()
            .add(key, counter(T0, 10 * S, 1500))
            .add(key, counter(T0 + 10 * S, 10 * S, 500));
    Map<String, Object> doc =
        new SeriesService(reader)
            .series(
                request(
                    null,
                    "metric",
                    "web.response_bytes",
                    "startDate",
                    "2019-07-22T17:55:30Z",
                    "endDate",
                    "2019-07-22T17:56:30Z",
                    "stat",
                    "rate"),
                ALL);
    assertThat(summaryOf(doc))
        .containsEntry("totalBytes", 2000.0)
        .containsEntry("totalTransactions", null);
    assertThat(SeriesService.countsBytes("net.bytes")).isTrue();
    assertThat(SeriesService.countsBytes("bytes.sent")).isFalse();
  }

  @Test
  void emptyRangeIsNotAnError() {
    Map<String, Object> doc =
        new SeriesService(orders())
            .series(
                request(
                    null,
                    "metric",
                    "shop.orders",
                    "startDate",
                    "2020-01-01T00:00:00Z",
                    "endDate",
                    "2020-01-01T00:02:00Z"),
                ALL);
    assertThat(column(doc, 1)).containsExactly(null, null, null);
    assertThat(column(doc, 0))
        .containsExactly("2020-01-01T00:00:00Z", "2020-01-01T00:01:00Z", "2020-01-01T00:02:00Z");
    Map<String, Object> summary = summaryOf(doc);
    assertThat(summary.get("count")).isEqualTo(0);
    summary.forEach(
        (k, v) -> {
          if (!k.equals("count")) {
            assertThat(v).as(k).isNull();
          }
        });
  }

  @Test
  void timersMeanPerBucketAndLatencyOverAllSamples() {
    MetricKey key = MetricKey.of("shop.latency");
    double[] low = new double[50];
    double[] high = new double[50];
    for (int i = 0; i < 50; i++) {
      low[i] = i + 1;
      high[i] = i + 51;
    }
    InMemorySeriesReader reader =
        new InMemorySeriesReader()
            .add(key, timer(T0, 10 * S, low))
            .add(key, timer(T0 + 60 * S, 10 * S, high));
    SeriesService service = new SeriesService(reader);
    Map<String, Object> doc =
        service.series(
            request(
                null,
                "metric",
                "shop.latency",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T17:57:29Z",
                "interval",
                "2m"),
            ALL);
    assertThat(column(doc, 1)).containsExactly(50.5); // (1+…+100)/100
    assertThat(seriesOf(doc)).containsEntry("columns", List.of("time", "mean"));
    Map<String, Object> summary = summaryOf(doc);
    assertThat(summary)
        .containsEntry("count", 2)
        .containsEntry("average", 50.5)
        .containsEntry("totalTransactions", 100.0);
    @SuppressWarnings("unchecked")
    Map<String, Object> latency = (Map<String, Object>) summary.get("latency");
    assertThat(latency)
        .containsEntry("min", 1.0)
        .containsEntry("max", 100.0)
        .containsEntry("count", 100.0);
    // The sketch answers within 1% of the value at that rank.
    assertThat((Double) latency.get("p50")).isCloseTo(50.0, within(0.51));
    assertThat((Double) latency.get("p99")).isCloseTo(99.0, within(1.0));
    assertThat((Double) latency.get("p999")).isBetween(98.0, 101.0);

    Map<String, Object> p90 =
        service.series(
            request(
                null,
                "metric",
                "shop.latency",
                "stat",
                "p90",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T17:57:29Z"),
            ALL);
    assertThat((Double) column(p90, 1).get(0)).isCloseTo(45.0, within(0.46));
    assertThat((Double) column(p90, 1).get(1)).isCloseTo(95.0, within(0.96));
  }

  @Test
  void timerWithNoPointsInRangeHasNullLatency() {
    MetricKey key = MetricKey.of("shop.latency");
    InMemorySeriesReader reader = new InMemorySeriesReader().add(key, timer(T0, 10 * S, 5));
    Map<String, Object> doc =
        new SeriesService(reader)
            .series(
                request(
                    null,
                    "metric",
                    "shop.latency",
                    "startDate",
                    "2020-01-01T00:00:00Z",
                    "endDate",
                    "2020-01-01T00:00:00Z"),
                ALL);
    @SuppressWarnings("unchecked")
    Map<String, Object> latency = (Map<String, Object>) summaryOf(doc).get("latency");
    assertThat(latency)
        .containsEntry("p50", null)
        .containsEntry("min", null)
        .containsEntry("count", 0.0);
  }

  @Test
  void gaugesDefaultToLastAndSetsUniteTheirMembers() {
    MetricKey temp = MetricKey.of("room.temp", List.of(new Tag("floor", "2")));
    MetricKey users = MetricKey.of("site.users");
    InMemorySeriesReader reader =
        new InMemorySeriesReader()
            .add(temp, gauge(T0, 10 * S, 20, 18, 21))
            .add(temp, gauge(T0 + 30 * S, 10 * S, 19, 17, 25))
            .add(users, set(T0, 10 * S, "a", "b", "c"))
            .add(users, set(T0 + 10 * S, 10 * S, "b", "c", "d"));
    SeriesService service = new SeriesService(reader);
    Map<String, Object> last =
        service.series(
            request(
                null,
                "metric",
                "room.temp",
                "tags",
                "floor:2",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T17:56:29Z"),
            ALL);
    assertThat(column(last, 1)).containsExactly(19.0);
    assertThat(seriesOf(last)).containsEntry("tags", Map.of("floor", "2"));
    Map<String, Object> max =
        service.series(
            request(
                null,
                "metric",
                "room.temp",
                "tag.floor",
                "2",
                "stat",
                "max",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T17:56:29Z"),
            ALL);
    assertThat(column(max, 1)).containsExactly(25.0);
    Map<String, Object> unique =
        service.series(
            request(
                null,
                "metric",
                "site.users",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T17:56:29Z"),
            ALL);
    assertThat(column(unique, 1)).containsExactly(4.0);
    assertThat(summaryOf(unique))
        .containsEntry("totalTransactions", null)
        .containsEntry("totalBytes", null);
  }

  @Test
  void excludeOmitsAPart() {
    SeriesService service = new SeriesService(orders());
    Map<String, Object> noSeries =
        service.series(
            request(
                null,
                "metric",
                "shop.orders",
                "exclude",
                "series",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T17:58:30Z"),
            ALL);
    assertThat(response(noSeries)).doesNotContainKey("series").containsKey("summary");
    Map<String, Object> noSummary =
        service.series(
            request(
                null,
                "metric",
                "shop.orders",
                "exclude",
                "summary",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T17:58:30Z"),
            ALL);
    assertThat(response(noSummary)).doesNotContainKey("summary").containsKey("series");
  }

  @Test
  void aSeriesOutsideTheCallersReachAnswersLikeAMissingOne() {
    SeriesRequest req =
        request(
            null,
            "metric",
            "shop.orders",
            "startDate",
            "2019-07-22T17:55:30Z",
            "endDate",
            "2019-07-22T17:58:30Z");
    Throwable hidden =
        Assertions.catchThrowable(
            () -> new SeriesService(orders()).series(req, name -> !name.startsWith("shop.")));
    Throwable missing =
        Assertions.catchThrowable(
            () -> new SeriesService(new InMemorySeriesReader()).series(req, ALL));
    assertThat(hidden).isInstanceOf(QueryException.class).hasMessage("No such series: shop.orders");
    assertThat(missing).isInstanceOf(QueryException.class).hasMessage(hidden.getMessage());
    assertThat(((QueryException) hidden).status())
        .isEqualTo(404)
        .isEqualTo(((QueryException) missing).status());
    // And a stat/type check never reveals anything about a hidden series.
    SeriesRequest badStat =
        request(
            null,
            "metric",
            "shop.orders",
            "stat",
            "unique",
            "startDate",
            "2019-07-22T17:55:30Z",
            "endDate",
            "2019-07-22T17:58:30Z");
    assertThatThrownBy(() -> new SeriesService(orders()).series(badStat, name -> false))
        .hasMessage("No such series: shop.orders");
  }

  @Test
  void statMustApplyToTheType() {
    assertThatThrownBy(
            () ->
                new SeriesService(orders())
                    .series(
                        request(
                            null,
                            "metric",
                            "shop.orders",
                            "stat",
                            "p99",
                            "startDate",
                            "2019-07-22T17:55:30Z",
                            "endDate",
                            "2019-07-22T17:58:30Z"),
                        ALL))
        .isInstanceOf(QueryException.class)
        .hasMessage("Invalid stat! 'p99' does not apply to a counter; use one of count, rate, sum");
  }

  @Test
  void aNameStoredWithTwoTypesNeedsType() {
    InMemorySeriesReader reader = orders().add(ORDERS, gauge(T0, 10 * S, 1, 1, 1));
    SeriesService service = new SeriesService(reader);
    assertThatThrownBy(
            () ->
                service.series(
                    request(
                        null,
                        "metric",
                        "shop.orders",
                        "startDate",
                        "2019-07-22T17:55:30Z",
                        "endDate",
                        "2019-07-22T17:58:30Z"),
                    ALL))
        .hasMessage(
            "Ambiguous metric! 'shop.orders' is stored as counter and gauge; add type=counter (or another of them)");
    Map<String, Object> gaugeDoc =
        service.series(
            request(
                null,
                "metric",
                "shop.orders",
                "type",
                "gauge",
                "startDate",
                "2019-07-22T17:55:30Z",
                "endDate",
                "2019-07-22T17:55:30Z"),
            ALL);
    assertThat(column(gaugeDoc, 1)).containsExactly(1.0);
  }

  @Test
  void metricsListIsPagedAndSkipsInvisibleSeries() {
    InMemorySeriesReader reader = new InMemorySeriesReader();
    for (String name : List.of("a.one", "a.two", "b.hidden1", "b.hidden2", "c.three", "c.four")) {
      reader.add(MetricKey.of(name), counter(T0, 10 * S, 1));
    }
    SeriesService service = new SeriesService(reader);
    Predicate<String> notB = n -> !n.startsWith("b.");
    Map<String, Object> page1 = service.metrics(params("limit", "2"), notB, EVERYTHING);
    assertThat(names(page1)).containsExactly("a.one", "a.two");
    Map<String, Object> page2 =
        service.metrics(
            params("limit", "2", "cursor", (String) page1.get("next")), notB, EVERYTHING);
    assertThat(names(page2)).containsExactly("c.four", "c.three");
    Map<String, Object> page3 =
        service.metrics(
            params("limit", "2", "cursor", (String) page2.get("next")), notB, EVERYTHING);
    assertThat(names(page3)).isEmpty();
    assertThat(page3.get("next")).isNull();
    assertThat(names(service.metrics(params("prefix", "c.", "limit", "5"), notB, EVERYTHING)))
        .containsExactly("c.four", "c.three");
    assertThatThrownBy(() -> service.metrics(params("limit", "0"), notB, EVERYTHING))
        .hasMessage("Invalid limit! Must be between 1 and 1000");
    assertThatThrownBy(() -> service.metrics(params("type", "histogram"), notB, EVERYTHING))
        .hasMessage("Invalid type! Must be one of counter, gauge, timer, set");
  }

  /**
   * Every page of a listing, walked with the cursors: each page's names and its next cursor
   * (decoded), bounded by the number of series.
   */
  static List<String> walk(
      SeriesService service,
      String prefix,
      int limit,
      Predicate<String> canSee,
      List<String> visible) {
    List<String> pages = new ArrayList<>();
    String cursor = null;
    for (int i = 0; i < 100; i++) {
      List<String> kv =
          new ArrayList<>(List.of("prefix", prefix, "limit", Integer.toString(limit)));
      if (cursor != null) {
        kv.addAll(List.of("cursor", cursor));
      }
      Map<String, Object> page =
          service.metrics(params(kv.toArray(String[]::new)), canSee, visible);
      cursor = (String) page.get("next");
      String decoded =
          cursor == null
              ? null
              : new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      pages.add(names(page) + " next=" + decoded);
      if (cursor == null) {
        return pages;
      }
    }
    throw new AssertionError("more than 100 pages: " + pages);
  }

  @Test
  void pagingLooksTheSameWhetherHiddenSeriesExist() {
    List<String> visibleNames = List.of("a.one", "a.two", "a.zz", "c.four", "c.three");
    List<String> hiddenNames =
        new ArrayList<>(List.of("a.secret.x", "a.secret.y", "b.private.customer18.revenue"));
    for (int i = 0; i < 30; i++) {
      hiddenNames.add("b.private.customer" + i + ".revenue");
      hiddenNames.add("a.secret.n" + i);
    }
    InMemorySeriesReader onlyVisible = new InMemorySeriesReader();
    InMemorySeriesReader withHidden = new InMemorySeriesReader();
    for (String name : visibleNames) {
      onlyVisible.add(MetricKey.of(name), counter(T0, 10 * S, 1));
      withHidden.add(MetricKey.of(name), counter(T0, 10 * S, 1));
    }
    for (String name : hiddenNames) {
      withHidden.add(MetricKey.of(name), counter(T0, 10 * S, 1));
    }
    // The caller's tenant owns a. and c.; another tenant owns a.secret. (nested) and b.
    Predicate<String> canSee =
        n -> (n.startsWith("a.") && !n.startsWith("a.secret.")) || n.startsWith("c.");
    for (List<String> visible : List.of(List.of("a.", "c."), EVERYTHING)) {
      for (String prefix :
          List.of("", "a", "a.", "a.s", "a.secret.", "b.", "b.private.customer1", "c", "d")) {
        for (int limit = 1; limit <= 6; limit++) {
          List<String> expected =
              walk(new SeriesService(onlyVisible), prefix, limit, canSee, visible);
          List<String> actual = walk(new SeriesService(withHidden), prefix, limit, canSee, visible);
          assertThat(actual)
              .as("prefix %s limit %d scanning %s", prefix, limit, visible)
              .isEqualTo(expected);
          assertThat(String.join(" ", actual)).doesNotContain("secret").doesNotContain("b.private");
        }
      }
    }
    Map<String, Object> probe =
        new SeriesService(withHidden)
            .metrics(params("prefix", "b.", "limit", "1"), canSee, List.of("a.", "c."));
    assertThat(names(probe)).isEmpty();
    assertThat(probe.get("next")).isNull();
    List<String> all = walk(new SeriesService(withHidden), "", 2, canSee, List.of("a.", "c."));
    assertThat(all)
        .containsExactly(
            "[a.one, a.two] next=a.two", "[a.zz, c.four] next=c.four", "[c.three] next=null");
  }

  @Test
  void scanRangesAreWhereTheRequestedPrefixMeetsTheVisibleOnes() {
    assertThat(SeriesService.scanRanges("", List.of(""))).containsExactly("");
    assertThat(SeriesService.scanRanges("shop.x", List.of(""))).containsExactly("shop.x");
    assertThat(SeriesService.scanRanges("", List.of("blog.", "shop.")))
        .containsExactly("blog.", "shop.");
    assertThat(SeriesService.scanRanges("shop", List.of("blog.", "shop.", "shopping.")))
        .containsExactly("shop.", "shopping.");
    assertThat(SeriesService.scanRanges("shop.eu.", List.of("blog.", "shop.")))
        .containsExactly("shop.eu.");
    assertThat(SeriesService.scanRanges("news", List.of("blog.", "shop."))).isEmpty();
  }

  @Test
  void aNameWithSeveralTypesIsListedWhole() {
    InMemorySeriesReader reader =
        new InMemorySeriesReader()
            .add(MetricKey.of("a"), counter(T0, 10 * S, 1))
            .add(MetricKey.of("a"), gauge(T0, 10 * S, 1, 1, 1))
            .add(MetricKey.of("b"), counter(T0, 10 * S, 1));
    SeriesService service = new SeriesService(reader);
    Map<String, Object> page1 = service.metrics(params("limit", "1"), ALL, EVERYTHING);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> metrics = (List<Map<String, Object>>) page1.get("metrics");
    assertThat(metrics)
        .extracting(m -> m.get("name") + ":" + m.get("type"))
        .containsExactly("a:counter", "a:gauge");
    Map<String, Object> page2 =
        service.metrics(
            params("limit", "1", "cursor", (String) page1.get("next")), ALL, EVERYTHING);
    assertThat(names(page2)).containsExactly("b");
    assertThat(names(service.metrics(params("limit", "1", "type", "gauge"), ALL, EVERYTHING)))
        .containsExactly("a");
  }

  @SuppressWarnings("unchecked")
  static List<String> names(Map<String, Object> page) {
    return ((List<Map<String, Object>>) page.get("metrics"))
        .stream().map(m -> (String) m.get("name")).toList();
  }
}
