package io.hollerith.server.query;

import static io.hollerith.server.query.SeriesServiceTest.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each parameter's validation, its message, and the order in which checks run (first failure wins).
 */
class SeriesRequestTest {

  static final long TEN_SECONDS = 10_000L;
  static final String[] VALID = {
    "metric", "shop.orders", "startDate", "2019-07-22T17:55:00Z", "endDate", "2019-07-22T17:56:00Z"
  };

  static String[] with(String... extra) {
    List<String> all = new ArrayList<>(Arrays.asList(VALID));
    for (int i = 0; i < extra.length; i += 2) {
      int at = all.indexOf(extra[i]);
      if (at >= 0 && at % 2 == 0) {
        all.set(at + 1, extra[i + 1]);
      } else {
        all.add(extra[i]);
        all.add(extra[i + 1]);
      }
    }
    return all.toArray(String[]::new);
  }

  static QueryException fail(String accept, String... kv) {
    return catchThrowableOfType(
        QueryException.class, () -> SeriesRequest.parse(params(kv), accept, 100_000, TEN_SECONDS));
  }

  static SeriesRequest ok(String... kv) {
    return SeriesRequest.parse(params(kv), null, 100_000, TEN_SECONDS);
  }

  @Test
  void missingRequiredParametersAreListedTogether() {
    QueryException e = fail(null);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e).hasMessage("missing required parameters: metric, startDate, endDate");
    assertThat(fail(null, "metric", "x", "endDate", "1"))
        .hasMessage("missing required parameters: startDate");
    assertThat(fail(null, "metric", "", "startDate", "1", "endDate", "1"))
        .hasMessage("missing required parameters: metric");
  }

  @Test
  void missingParametersComeBeforeAcceptNegotiation() {
    assertThat(fail("text/html"))
        .hasMessage("missing required parameters: metric, startDate, endDate");
    QueryException e = fail("text/html", with("limit", "bad"));
    assertThat(e.status()).isEqualTo(406);
    assertThat(e)
        .hasMessage("Failed to negotiate content; cannot produce output satisfying text/html");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "abc", "1.5", "+3", " 1", "99999999999999999999"})
  void invalidLimit(String value) {
    assertThat(fail(null, with("limit", value))).hasMessage("Invalid limit!");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "x", "0x10"})
  void invalidOffset(String value) {
    assertThat(fail(null, with("offset", value))).hasMessage("Invalid offset!");
  }

  @Test
  void zeroLimitAndOffsetAreAllowed() {
    SeriesRequest r = ok(with("limit", "0", "offset", "0"));
    assertThat(r.limit()).isZero();
    assertThat(r.offset()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"value", "sum_count", "TIME", ""})
  void orderbyOnlyTime(String value) {
    assertThat(fail(null, with("orderby", value)))
        .hasMessage("Invalid orderby! Can only be 'time'");
    assertThat(ok(with("orderby", "time"))).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "yesterday",
        "2019-07-22",
        "2019-07-22T17:55:00",
        "2019-13-22T17:55:00Z",
        "1.5e18",
        "2019-07-22 17:55:00"
      })
  void invalidDates(String value) {
    assertThat(fail(null, with("startDate", value))).hasMessage("Invalid startDate!");
    assertThat(fail(null, with("endDate", value))).hasMessage("Invalid endDate!");
  }

  @ParameterizedTest
  @CsvSource({
    "2019-07-22T17:55:00Z, 1563818100000000000",
    "2019-07-22T17:55:00.5Z, 1563818100500000000",
    "2019-07-22T17:55:00.123456789Z, 1563818100123456789",
    "2019-07-22T19:55:00+02:00, 1563818100000000000",
    "1563818100000000000, 1563818100000000000",
    "2019-07-22 17:55:00+00, 1563818100000000000",
    "2019-07-22 12:55:00-05, 1563818100000000000"
  })
  void dateFormats(String text, long nanos) {
    assertThat(
            ok(with("startDate", text, "endDate", "2030-01-01T00:00:00Z", "interval", "52w"))
                .startNanos())
        .isEqualTo(nanos);
  }

  @Test
  void startAfterEndIsRejected() {
    assertThat(fail(null, with("startDate", "2019-07-22T17:57:00Z")))
        .hasMessage("Invalid startDate! Must not be after endDate");
    SeriesRequest same = ok(with("endDate", "2019-07-22T17:55:00Z"));
    assertThat(same.bucketCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1s", "5s", "60", "1M", "1y", "m", "1.5m", "-1m", "1m ", "1h30m"})
  void invalidInterval(String value) {
    assertThat(fail(null, with("interval", value)))
        .hasMessage(
            "interval: must be a valid InfluxQL duration literal (resolution no less than minute)");
  }

  @Test
  void intervalUnitsAndZero() {
    assertThat(fail(null, with("interval", "0m")))
        .hasMessage("interval: must be greater than zero");
    assertThat(fail(null, with("interval", "0w")))
        .hasMessage("interval: must be greater than zero");
    assertThat(ok(VALID).intervalNanos()).isEqualTo(60_000_000_000L);
    assertThat(ok(with("interval", "2h")).intervalNanos()).isEqualTo(7_200_000_000_000L);
    assertThat(ok(with("interval", "1d")).intervalNanos()).isEqualTo(86_400_000_000_000L);
    assertThat(ok(with("interval", "1w")).intervalNanos()).isEqualTo(604_800_000_000_000L);
    assertThat(fail(null, with("interval", "9999999999999m"))).hasMessage("interval: too long");
  }

  @Test
  void secondsAreAcceptedInMultiplesOfTheFinestStoredPrecision() {
    assertThat(ok(with("interval", "10s")).intervalNanos()).isEqualTo(10_000_000_000L);
    assertThat(ok(with("interval", "90s")).intervalNanos()).isEqualTo(90_000_000_000L);
    assertThat(ok(with("interval", "120s")).intervalNanos()).isEqualTo(120_000_000_000L);
    assertThat(fail(null, with("interval", "15s")))
        .hasMessage("interval: must be a multiple of the finest stored precision 10s");
    assertThat(fail(null, with("interval", "0s")))
        .hasMessage("interval: must be greater than zero");
  }

  @Test
  void withMinuteFlushesOnlyWholeMinutesAreAccepted() {
    Map<String, List<String>> tenSeconds = params(with("interval", "10s"));
    assertThat(
            catchThrowableOfType(
                QueryException.class, () -> SeriesRequest.parse(tenSeconds, null, 100_000, 60_000)))
        .hasMessage(
            "interval: must be a valid InfluxQL duration literal (resolution no less than minute)");
    assertThat(
            SeriesRequest.parse(params(with("interval", "120s")), null, 100_000, 60_000)
                .intervalNanos())
        .isEqualTo(120_000_000_000L);
  }

  @Test
  void excludeSeriesOrSummary() {
    assertThat(fail(null, with("exclude", "values")))
        .hasMessage("Invalid exclude! Must be 'series' or 'summary'");
    assertThat(ok(with("exclude", "series")).excludeSeries()).isTrue();
    assertThat(ok(with("exclude", "summary")).excludeSummary()).isTrue();
  }

  @Test
  void typeStatAndTags() {
    assertThat(fail(null, with("type", "histogram")))
        .hasMessage("Invalid type! Must be one of counter, gauge, timer, set");
    assertThat(fail(null, with("stat", "median")))
        .hasMessage(
            "Invalid stat! Must be one of count, rate, sum, mean, min, max, last, unique, p50, p90, p95, p99, p999");
    assertThat(fail(null, with("tags", "a:1,,b:2")))
        .hasMessage("Invalid tags! Use tags=key:value,key2:value2 or tag.key=value");
    assertThat(fail(null, with("tags", ":v")))
        .hasMessage("Invalid tags! Use tags=key:value,key2:value2 or tag.key=value");
    SeriesRequest r = ok(with("tags", "region:eu,canary", "tag.host", "h1"));
    assertThat(r.key())
        .isEqualTo(
            MetricKey.of(
                "shop.orders",
                List.of(new Tag("region", "eu"), new Tag("canary", null), new Tag("host", "h1"))));
    assertThat(ok(with("type", "ms", "stat", "P99")).stat()).isEqualTo(Stat.P99);
  }

  @Test
  void firstFailureWinsInTrafficOpsOrder() {
    // limit before offset before orderby before dates before interval before exclude.
    assertThat(fail(null, with("limit", "x", "offset", "x"))).hasMessage("Invalid limit!");
    assertThat(fail(null, with("offset", "x", "orderby", "x"))).hasMessage("Invalid offset!");
    assertThat(fail(null, with("orderby", "x", "startDate", "x")))
        .hasMessage("Invalid orderby! Can only be 'time'");
    assertThat(fail(null, with("startDate", "x", "endDate", "x"))).hasMessage("Invalid startDate!");
    assertThat(fail(null, with("endDate", "x", "interval", "x"))).hasMessage("Invalid endDate!");
    assertThat(fail(null, with("interval", "x", "exclude", "x")))
        .hasMessage(
            "interval: must be a valid InfluxQL duration literal (resolution no less than minute)");
    assertThat(fail(null, with("exclude", "x", "stat", "x")))
        .hasMessage("Invalid exclude! Must be 'series' or 'summary'");
  }

  @Test
  void bucketCountIsLimited() {
    QueryException e =
        catchThrowableOfType(
            QueryException.class,
            () ->
                SeriesRequest.parse(
                    params(
                        with(
                            "startDate",
                            "2019-01-01T00:00:00Z",
                            "endDate",
                            "2019-01-01T01:00:00Z")),
                    null,
                    60,
                    TEN_SECONDS));
    assertThat(e)
        .hasMessage(
            "interval: too many buckets (61) between startDate and endDate; at most 60, use a longer interval");
    assertThat(
            SeriesRequest.parse(
                    params(
                        with(
                            "startDate",
                            "2019-01-01T00:00:00Z",
                            "endDate",
                            "2019-01-01T00:59:59Z")),
                    null,
                    60,
                    TEN_SECONDS)
                .bucketCount())
        .isEqualTo(60);
  }

  @Test
  void repeatedParametersUseTheFirstValue() {
    assertThat(ok("metric", "a", "metric", "b", "startDate", "0", "endDate", "0").key().name())
        .isEqualTo("a");
  }
}
