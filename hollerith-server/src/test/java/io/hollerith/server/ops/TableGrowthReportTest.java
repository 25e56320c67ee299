package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.storage.TableSize;
import io.hollerith.server.storage.TableSizeSample;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The growth arithmetic against figures computed here, with exact and fallback comparison days. */
class TableGrowthReportTest {

  static final LocalDate TODAY = LocalDate.of(2026, 12, 7);
  static final ObjectMapper JSON = new ObjectMapper();
  final TableGrowthReport report = new TableGrowthReport(50, 200);
  final List<TableSizeSample> samples = new ArrayList<>();

  void sample(int daysAgo, String table, long total, long rows) {
    samples.add(
        new TableSizeSample(
            TODAY.minusDays(daysAgo), new TableSize(table, total, total / 2, rows)));
  }

  /**
   * The reference: (current − old) / old × 100 rounded half up to one decimal, from exact decimals.
   */
  static Double expectedGrowth(long current, long old) {
    return old == 0
        ? null
        : new BigDecimal(current - old)
            .multiply(new BigDecimal(100))
            .divide(new BigDecimal(old), 10, RoundingMode.HALF_UP)
            .setScale(1, RoundingMode.HALF_UP)
            .doubleValue();
  }

  static TableGrowthReport.TableGrowth table(TableGrowthReport.Report r, String name) {
    return r.tables().stream().filter(t -> t.tableName().equals(name)).findFirst().orElseThrow();
  }

  static List<String> order(TableGrowthReport.Report r) {
    return r.tables().stream().map(TableGrowthReport.TableGrowth::tableName).toList();
  }

  @Test
  void growthComparesWithExactlySevenAndThirtyDaysBefore() {
    sample(0, "growing", 2_000_000, 3000);
    sample(7, "growing", 1_000_000, 1000);
    sample(6, "growing", 1_900_000, 2900);
    sample(30, "growing", 500_000, 700);
    sample(29, "growing", 600_000, 800);
    TableGrowthReport.Report r = report.build(TODAY, samples, null, 0);
    TableGrowthReport.TableGrowth t = table(r, "growing");
    assertThat(t.weekAgoTotalSize()).isEqualTo(1_000_000L);
    assertThat(t.monthAgoTotalSize()).isEqualTo(500_000L);
    assertThat(t.weeklyGrowthPercent())
        .isEqualTo(100.0)
        .isEqualTo(expectedGrowth(2_000_000, 1_000_000));
    assertThat(t.monthlyGrowthPercent())
        .isEqualTo(300.0)
        .isEqualTo(expectedGrowth(2_000_000, 500_000));
    assertThat(t.weeklyRowGrowthPercent()).isEqualTo(expectedGrowth(3000, 1000));
    assertThat(t.monthlyRowGrowthPercent()).isEqualTo(expectedGrowth(3000, 700));
    assertThat(r.date()).isEqualTo("2026-12-07");
    assertThat(r.weeklyThresholdPercent()).isEqualTo(50);
    assertThat(r.monthlyThresholdPercent()).isEqualTo(200);
    assertThat(t.history()).isNull();
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
    TableGrowthReport.Report r = report.build(TODAY, samples, null, 0);
    assertThat(table(r, "a").weekAgoTotalSize()).isEqualTo(1000L);
    assertThat(table(r, "a").weeklyGrowthPercent())
        .isEqualTo(expectedGrowth(1234, 1000))
        .isEqualTo(23.4);
    assertThat(table(r, "b").weekAgoTotalSize()).isNull();
    assertThat(table(r, "b").weeklyGrowthPercent()).isNull();
    assertThat(table(r, "b").monthAgoTotalSize()).isEqualTo(617L);
    assertThat(table(r, "b").monthlyGrowthPercent())
        .isEqualTo(expectedGrowth(1234, 617))
        .isEqualTo(100.0);
  }

  @Test
  void anOldSampleOfZeroGivesNullGrowthAndRoundingIsHalfUp() {
    sample(0, "z", 100, 0);
    sample(7, "z", 0, 0);
    sample(0, "h", 1_001_500, 1);
    sample(7, "h", 1_000_000, 1);
    sample(0, "shrink", 1, 0);
    sample(7, "shrink", 3, 7);
    TableGrowthReport.Report r = report.build(TODAY, samples, null, 0);
    assertThat(table(r, "z").weeklyGrowthPercent()).isNull();
    assertThat(table(r, "z").weeklyRowGrowthPercent()).isNull();
    assertThat(table(r, "h").weeklyGrowthPercent())
        .isEqualTo(0.2)
        .isEqualTo(expectedGrowth(1_001_500, 1_000_000));
    assertThat(table(r, "shrink").weeklyGrowthPercent())
        .isEqualTo(expectedGrowth(1, 3))
        .isEqualTo(-66.7);
    assertThat(table(r, "shrink").weeklyRowGrowthPercent()).isEqualTo(-100.0);
  }

  @Test
  void alertsFireOnlyStrictlyAboveTheThreshold() throws Exception {
    sample(0, "at_weekly", 150, 1);
    sample(7, "at_weekly", 100, 1);
    sample(0, "above_weekly", 1501, 1);
    sample(7, "above_weekly", 1000, 1);
    sample(0, "at_monthly", 300, 1);
    sample(30, "at_monthly", 100, 1);
    sample(0, "above_both", 3001, 1);
    sample(7, "above_both", 1000, 1);
    sample(30, "above_both", 1000, 1);
    TableGrowthReport.Report r = report.build(TODAY, samples, null, 0);
    assertThat(r.alerts())
        .containsExactly(
            new TableGrowthReport.Alert("above_both", "weekly", 200.1, 50),
            new TableGrowthReport.Alert("above_both", "monthly", 200.1, 200),
            new TableGrowthReport.Alert("above_weekly", "weekly", 50.1, 50));
    assertThat(JSON.writeValueAsString(r.alerts().get(0)))
        .isEqualTo(
            "{\"table_name\":\"above_both\",\"period\":\"weekly\",\"growth_percent\":200.1,\"threshold\":50}");
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
    TableGrowthReport.Report r = report.build(TODAY, samples, null, 0);
    assertThat(table(r, "w10_m50").weeklyGrowthPercent())
        .isEqualTo(table(r, "w10").weeklyGrowthPercent());
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
    TableGrowthReport.Report r = report.build(TODAY, samples, null, 3);
    assertThat(order(r)).containsExactly("t");
    List<TableGrowthReport.DaySize> history = table(r, "t").history();
    assertThat(history)
        .extracting(TableGrowthReport.DaySize::date)
        .containsExactly("2026-12-05", "2026-12-06", "2026-12-07");
    assertThat(history.get(0))
        .isEqualTo(new TableGrowthReport.DaySize("2026-12-05", 1002L, 501L, 2L));
    List<TableGrowthReport.DaySize> all =
        table(report.build(TODAY, samples, null, 90), "t").history();
    assertThat(all).hasSize(41);
    assertThat(TableGrowthReport.firstDayNeeded(TODAY, 90)).isEqualTo(TODAY.minusDays(89));
    assertThat(TableGrowthReport.firstDayNeeded(TODAY, 1)).isEqualTo(TODAY.minusDays(33));
  }

  @Test
  void withoutTodaysSampleTheReportIsEmpty() {
    sample(1, "t", 1, 1);
    TableGrowthReport.Report r = report.build(TODAY, samples, null, 0);
    assertThat(r.tables()).isEmpty();
    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void theReportIsWrittenWithSnakeCaseKeysNullsForMissingSamplesAndHistoryOnlyWhenAsked()
      throws Exception {
    sample(0, "t", 1100, 11);
    sample(7, "t", 1000, 10);
    assertThat(JSON.writeValueAsString(report.build(TODAY, samples, null, 0)))
        .isEqualTo(
            "{\"date\":\"2026-12-07\","
                + "\"weekly_threshold_percent\":50,\"monthly_threshold_percent\":200,\"tables\":[{\"table_name\":\"t\","
                + "\"current_total_size\":1100,\"current_data_size\":550,\"current_row_estimate\":11,"
                + "\"week_ago_total_size\":1000,\"week_ago_row_estimate\":10,\"month_ago_total_size\":null,"
                + "\"month_ago_row_estimate\":null,\"weekly_growth_percent\":10.0,\"monthly_growth_percent\":null,"
                + "\"weekly_row_growth_percent\":10.0,\"monthly_row_growth_percent\":null}],\"alerts\":[]}");
    assertThat(JSON.writeValueAsString(report.build(TODAY, samples, null, 1).tables().get(0)))
        .endsWith(
            "\"monthly_row_growth_percent\":null,\"history\":[{\"date\":\"2026-12-07\",\"total_size\":1100,"
                + "\"data_size\":550,\"row_estimate\":11}]}");
  }
}
