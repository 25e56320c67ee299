package io.hollerith.server.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.hollerith.server.storage.TableSize;
import io.hollerith.server.storage.TableSizeSample;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table-growth arithmetic over stored daily samples: each table's sizes today, 7 and 30 days
 * ago, the growth between them, and the alerts above the thresholds. Pure: the same samples give
 * the same report. Immutable and thread-safe.
 *
 * <p>Growth is {@code round((current − old) / old × 100, 1)} (half up), null when the old sample is
 * missing or 0. The week-ago sample is the one of exactly 7 days before, else the nearest older one
 * within {@value #FALLBACK_DAYS} more days, else none; likewise 30 days. An alert fires when a
 * growth is strictly above its threshold. Tables are sorted by weekly, then monthly growth,
 * descending, nulls last, then by name.
 */
public final class TableGrowthReport {

  /** Days before the exact comparison day in which an older sample still counts. */
  public static final int FALLBACK_DAYS = 3;

  /** Days compared by the weekly and the monthly growth. */
  public static final int WEEK = 7;

  public static final int MONTH = 30;

  /** Largest {@code days} of history a report may include. */
  public static final int MAX_HISTORY_DAYS = 90;

  /** One alert: a table whose growth over a period exceeded its threshold. */
  public record Alert(
      @JsonProperty("table_name") String tableName,
      String period,
      @JsonProperty("growth_percent") double growthPercent,
      int threshold) {}

  /**
   * The report of one day as the API answers it.
   *
   * @param date the day, ISO 8601
   * @param tables the tables sampled that day, by weekly then monthly growth, descending, nulls
   *     last, then name
   * @param alerts the growths above their thresholds, in table order, weekly before monthly
   */
  public record Report(
      String date,
      @JsonProperty("weekly_threshold_percent") int weeklyThresholdPercent,
      @JsonProperty("monthly_threshold_percent") int monthlyThresholdPercent,
      List<TableGrowth> tables,
      List<Alert> alerts) {}

  /**
   * One table: its sizes today, a week and a month ago (null without a sample), the growths between
   * them (null without a sample or from 0), and its history when asked for.
   *
   * @param history the table's samples of the asked days, oldest first; left out when none were
   *     asked
   */
  public record TableGrowth(
      @JsonProperty("table_name") String tableName,
      @JsonProperty("current_total_size") long currentTotalSize,
      @JsonProperty("current_data_size") long currentDataSize,
      @JsonProperty("current_row_estimate") long currentRowEstimate,
      @JsonProperty("week_ago_total_size") Long weekAgoTotalSize,
      @JsonProperty("week_ago_row_estimate") Long weekAgoRowEstimate,
      @JsonProperty("month_ago_total_size") Long monthAgoTotalSize,
      @JsonProperty("month_ago_row_estimate") Long monthAgoRowEstimate,
      @JsonProperty("weekly_growth_percent") Double weeklyGrowthPercent,
      @JsonProperty("monthly_growth_percent") Double monthlyGrowthPercent,
      @JsonProperty("weekly_row_growth_percent") Double weeklyRowGrowthPercent,
      @JsonProperty("monthly_row_growth_percent") Double monthlyRowGrowthPercent,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<DaySize> history) {}

  /** One day's sample of a table. */
  public record DaySize(
      String date,
      @JsonProperty("total_size") long totalSize,
      @JsonProperty("data_size") long dataSize,
      @JsonProperty("row_estimate") long rowEstimate) {}

  private final int weeklyThreshold;
  private final int monthlyThreshold;

  public TableGrowthReport(int weeklyThresholdPercent, int monthlyThresholdPercent) {
    this.weeklyThreshold = weeklyThresholdPercent;
    this.monthlyThreshold = monthlyThresholdPercent;
  }

  /** The first day whose samples {@link #build} needs for {@code historyDays} of history. */
  public static LocalDate firstDayNeeded(LocalDate today, int historyDays) {
    return today.minusDays(Math.max(MONTH + FALLBACK_DAYS, historyDays - 1));
  }

  /**
   * The report of {@code today} as the API answers it.
   *
   * @param samples every sample from {@link #firstDayNeeded} to {@code today} (others are ignored)
   * @param tableName only this table (case-insensitive), or null for all
   * @param historyDays 0 for no {@code history}; otherwise each table gets its samples of the last
   *     {@code historyDays} days, today included, oldest first
   */
  public Report build(
      LocalDate today, List<TableSizeSample> samples, String tableName, int historyDays) {
    Map<String, Map<LocalDate, TableSize>> byTable = new HashMap<>();
    for (TableSizeSample s : samples) {
      if (!s.day().isAfter(today)) {
        byTable.computeIfAbsent(s.size().table(), t -> new HashMap<>()).put(s.day(), s.size());
      }
    }
    List<TableGrowth> tables = new ArrayList<>();
    for (Map.Entry<String, Map<LocalDate, TableSize>> e : byTable.entrySet()) {
      TableSize current = e.getValue().get(today);
      if (current == null
          || (tableName != null
              && !e.getKey().toLowerCase(Locale.ROOT).equals(tableName.toLowerCase(Locale.ROOT)))) {
        continue;
      }
      tables.add(tableGrowth(e.getKey(), current, e.getValue(), today, historyDays));
    }
    tables.sort(
        Comparator.comparing(TableGrowth::weeklyGrowthPercent, DESC_NULLS_LAST)
            .thenComparing(TableGrowth::monthlyGrowthPercent, DESC_NULLS_LAST)
            .thenComparing(TableGrowth::tableName));
    return new Report(today.toString(), weeklyThreshold, monthlyThreshold, tables, alerts(tables));
  }

  private static TableGrowth tableGrowth(
      String table,
      TableSize current,
      Map<LocalDate, TableSize> days,
      LocalDate today,
      int historyDays) {
    TableSize week = comparison(days, today.minusDays(WEEK));
    TableSize month = comparison(days, today.minusDays(MONTH));
    return new TableGrowth(
        table,
        current.totalBytes(),
        current.dataBytes(),
        current.rowEstimate(),
        week == null ? null : week.totalBytes(),
        week == null ? null : week.rowEstimate(),
        month == null ? null : month.totalBytes(),
        month == null ? null : month.rowEstimate(),
        week == null ? null : growth(current.totalBytes(), week.totalBytes()),
        month == null ? null : growth(current.totalBytes(), month.totalBytes()),
        week == null ? null : growth(current.rowEstimate(), week.rowEstimate()),
        month == null ? null : growth(current.rowEstimate(), month.rowEstimate()),
        historyDays > 0 ? history(days, today, historyDays) : null);
  }

  private List<Alert> alerts(List<TableGrowth> tables) {
    List<Alert> out = new ArrayList<>();
    for (TableGrowth t : tables) {
      Double weekly = t.weeklyGrowthPercent();
      Double monthly = t.monthlyGrowthPercent();
      if (weekly != null && weekly > weeklyThreshold) {
        out.add(new Alert(t.tableName(), "weekly", weekly, weeklyThreshold));
      }
      if (monthly != null && monthly > monthlyThreshold) {
        out.add(new Alert(t.tableName(), "monthly", monthly, monthlyThreshold));
      }
    }
    return out;
  }

  private static final Comparator<Double> DESC_NULLS_LAST =
      Comparator.nullsLast(Comparator.reverseOrder());

  /**
   * The sample of {@code day}, else the nearest older one within {@link #FALLBACK_DAYS} days, else
   * null.
   */
  static TableSize comparison(Map<LocalDate, TableSize> days, LocalDate day) {
    for (int back = 0; back <= FALLBACK_DAYS; back++) {
      TableSize s = days.get(day.minusDays(back));
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  /** {@code round((current − old) / old × 100, 1)}, half up; null when {@code old} is 0. */
  static Double growth(long current, long old) {
    if (old == 0) {
      return null;
    }
    BigDecimal change =
        BigDecimal.valueOf(current - old)
            .multiply(BigDecimal.valueOf(100))
            .divide(BigDecimal.valueOf(old), 1, RoundingMode.HALF_UP);
    return change.doubleValue();
  }

  private static List<DaySize> history(
      Map<LocalDate, TableSize> days, LocalDate today, int historyDays) {
    List<DaySize> out = new ArrayList<>();
    for (LocalDate d = today.minusDays(historyDays - 1L); !d.isAfter(today); d = d.plusDays(1)) {
      TableSize s = days.get(d);
      if (s != null) {
        out.add(new DaySize(d.toString(), s.totalBytes(), s.dataBytes(), s.rowEstimate()));
      }
    }
    return out;
  }
}
