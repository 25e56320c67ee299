package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.storage.TableSize;
import io.hollerith.server.storage.TableSizeSample;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The growth arithmetic against figures computed here, with exact and fallback comparison days. */
class TableGrowthReportTest {

  static final LocalDate TODAY = LocalDate.of(2026, 12, 7);
  final TableGrowthReport report = new TableGrowthReport(50, 200);
  final List<TableSizeSample> samples = new ArrayList<>();

  void sample(int daysAgo, String table, long total, long rows) {
    samples.add(new TableSizeSample(TODAY.minusDays(daysAgo), new TableSize(table, total, total / 2, rows)));
  }

  /** The reference: (current − old) / old × 100 rounded half up to one decimal, from exact decimals. */
  static Double expectedGrowth(long current, long old) {
    return old == 0 ? null : new BigDecimal(current - old).multiply(new BigDecimal(100))
        .divide(new BigDecimal(old), 10, RoundingMode.HALF_UP).setScale(1, RoundingMode.HALF_UP).doubleValue();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> table(Map<String, Object> r, String name) {
    return ((List<Map<String, Object>>) r.get("tables")).stream().filter(t -> t.get("table_name").equals(name))
        .findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  static List<String> order(Map<String, Object> r) {
    return ((List<Map<String, Object>>) r.get("tables")).stream().map(t -> (String) t.get("table_name")).toList();
  }

  @Test
  void growthComparesWithExactlySevenAndThirtyDaysBefore() {
    sample(0, "growing", 2_000_000, 3000);
    sample(7, "growing", 1_000_000, 1000);
    sample(6, "growing", 1_900_000, 2900);
    sample(30, "growing", 500_000, 700);
    sample(29, "growing", 600_000, 800);
    Map<String, Object> r = report.build(TODAY, samples, null, 0);
    Map<String, Object> t = table(r, "growing");
    assertThat(t.get("week_ago_total_size")).isEqualTo(1_000_000L);
    assertThat(t.get("month_ago_total_size")).isEqualTo(500_000L);
    assertThat(t.get("weekly_growth_percent")).isEqualTo(100.0).isEqualTo(expectedGrowth(2_000_000, 1_000_000));
    assertThat(t.get("monthly_growth_percent")).isEqualTo(300.0).isEqualTo(expectedGrowth(2_000_000, 500_000));
    assertThat(t.get("weekly_row_growth_percent")).isEqualTo(expectedGrowth(3000, 1000));
    assertThat(t.get("monthly_row_growth_percent")).isEqualTo(expectedGrowth(3000, 700));
    assertThat(r.get("date")).isEqualTo("2026-12-07");
    assertThat(r.get("weekly_threshold_percent")).isEqualTo(50);
    assertThat(r.get("monthly_threshold_percent")).isEqualTo(200);
    assertThat(t).doesNotContainKey("history");
  }

  @Test
  void aMissingComparisonDayFallsBackToTheNearestOlderWithinThreeDays() {
    sample(0, "a", 1234, 10);
    sample(10, "a", 1000, 5);
    sample(11, "a", 1, 1);
    sample(0, "b", 1234, 10);
    sample(11, "b", 1000, 5);
    sample(34, "b", 1000, 5);
    sample(33, "b", 617, 3);
    Map<String, Object> r = report.build(TODAY, samples, null, 0);
    assertThat(table(r, "a").get("week_ago_total_size")).isEqualTo(1000L);
    assertThat(table(r, "a").get("weekly_growth_percent")).isEqualTo(expectedGrowth(1234, 1000)).isEqualTo(23.4);
    assertThat(table(r, "b").get("week_ago_total_size")).isNull();
    assertThat(table(r, "b").get("weekly_growth_percent")).isNull();
    assertThat(table(r, "b").get("month_ago_total_size")).isEqualTo(617L);
    assertThat(table(r, "b").get("monthly_growth_percent")).isEqualTo(expectedGrowth(1234, 617)).isEqualTo(100.0);
  }

  @Test
  void anOldSampleOfZeroGivesNullGrowthAndRoundingIsHalfUp() {
    sample(0, "z", 100, 0);
    sample(7, "z", 0, 0);
    sample(0, "h", 1_001_500, 1);
    sample(7, "h", 1_000_000, 1);
    sample(0, "shrink", 1, 0);
    sample(7, "shrink", 3, 7);
    Map<String, Object> r = report.build(TODAY, samples, null, 0);
    assertThat(table(r, "z").get("weekly_growth_percent")).isNull();
    assertThat(table(r, "z").get("weekly_row_growth_percent")).isNull();
    assertThat(table(r, "h").get("weekly_growth_percent")).isEqualTo(0.2).isEqualTo(expectedGrowth(1_001_500, 1_000_000));
    assertThat(table(r, "shrink").get("weekly_growth_percent")).isEqualTo(expectedGrowth(1, 3)).isEqualTo(-66.7);
    assertThat(table(r, "shrink").get("weekly_row_growth_percent")).isEqualTo(-100.0);
  }

  @Test
  void alertsFireOnlyStrictlyAboveTheThreshold() {
    sample(0, "at_weekly", 150, 1);
    sample(7, "at_weekly", 100, 1);
    sample(0, "above_weekly", 1501, 1);
    sample(7, "above_weekly", 1000, 1);
    sample(0, "at_monthly", 300, 1);
    sample(30, "at_monthly", 100, 1);
    sample(0, "above_both", 3001, 1);
    sample(7, "above_both", 1000, 1);
    sample(30, "above_both", 1000, 1);
    Map<String, Object> r = report.build(TODAY, samples, null, 0);
    assertThat(report.alerts(r)).containsExactly(
        new TableGrowthReport.Alert("above_both", "weekly", 200.1, 50),
        new TableGrowthReport.Alert("above_both", "monthly", 200.1, 200),
        new TableGrowthReport.Alert("above_weekly", "weekly", 50.1, 50));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> alerts = (List<Map<String, Object>>) r.get("alerts");
    assertThat(alerts.get(0)).containsExactly(Map.entry("table_name", "above_both"), Map.entry("period", "weekly"),
        Map.entry("growth_percent", 200.1), Map.entry("threshold", 50));
  }

  @Test
  void tablesSortByWeeklyThenMonthlyGrowthWithNullsLast() {
    sample(0, "no_history", 100, 1);
    sample(0, "w10", 110, 1);
    sample(7, "w10", 100, 1);
    sample(0, "w10_m50", 110, 1);
    sample(7, "w10_m50", 100, 1);
    sample(30, "w10_m50", 73, 1);
    sample(0, "w90", 190, 1);
    sample(7, "w90", 100, 1);
    sample(0, "month_only", 400, 1);
    sample(30, "month_only", 100, 1);
    Map<String, Object> r = report.build(TODAY, samples, null, 0);
    assertThat(table(r, "w10_m50").get("weekly_growth_percent")).isEqualTo(table(r, "w10").get("weekly_growth_percent"));
    assertThat(order(r)).containsExactly("w90", "w10_m50", "w10", "month_only", "no_history");
  }

  @Test
  void tableNameFiltersExactlyAndCaseInsensitively() {
    sample(0, "series", 100, 1);
    sample(0, "series_epoch", 100, 1);
    assertThat(order(report.build(TODAY, samples, "SERIES", 0))).containsExactly("series");
    assertThat(order(report.build(TODAY, samples, "seri", 0))).isEmpty();
  }

  @Test
  void onlyTablesSampledTodayAppearAndDaysGivesTheirHistory() {
    for (int d = 0; d <= 40; d++) {
      sample(d, "t", 1000 + d, d);
    }
    sample(1, "dropped", 5, 5);
    Map<String, Object> r = report.build(TODAY, samples, null, 3);
    assertThat(order(r)).containsExactly("t");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> history = (List<Map<String, Object>>) table(r, "t").get("history");
    assertThat(history).extracting(h -> h.get("date")).containsExactly("2026-12-05", "2026-12-06", "2026-12-07");
    assertThat(history.get(0)).containsEntry("total_size", 1002L).containsEntry("data_size", 501L).containsEntry("row_estimate", 2L);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> all = (List<Map<String, Object>>) table(report.build(TODAY, samples, null, 90), "t").get("history");
    assertThat(all).hasSize(41);
    assertThat(TableGrowthReport.firstDayNeeded(TODAY, 90)).isEqualTo(TODAY.minusDays(89));
    assertThat(TableGrowthReport.firstDayNeeded(TODAY, 1)).isEqualTo(TODAY.minusDays(33));
  }

  @Test
  void withoutTodaysSampleTheReportIsEmpty() {
    sample(1, "t", 1, 1);
    Map<String, Object> r = report.build(TODAY, samples, null, 0);
    assertThat((List<?>) r.get("tables")).isEmpty();
    assertThat((List<?>) r.get("alerts")).isEmpty();
  }
}
