package io.hollerith.server.ops;

import io.hollerith.server.storage.TableSize;
import io.hollerith.server.storage.TableSizeSample;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  public record Alert(String tableName, String period, double growthPercent, int threshold) {}

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
  public Map<String, Object> build(LocalDate today, List<TableSizeSample> samples, String tableName, int historyDays) {
    Map<String, Map<LocalDate, TableSize>> byTable = new HashMap<>();
    for (TableSizeSample s : samples) {
      if (!s.day().isAfter(today)) {
        byTable.computeIfAbsent(s.size().table(), t -> new HashMap<>()).put(s.day(), s.size());
      }
    }
    List<Map<String, Object>> tables = new ArrayList<>();
    for (Map.Entry<String, Map<LocalDate, TableSize>> e : byTable.entrySet()) {
      TableSize current = e.getValue().get(today);
      if (current == null || (tableName != null && !e.getKey().toLowerCase(Locale.ROOT).equals(tableName.toLowerCase(Locale.ROOT)))) {
        continue;
      }
      TableSize week = comparison(e.getValue(), today.minusDays(WEEK));
      TableSize month = comparison(e.getValue(), today.minusDays(MONTH));
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("table_name", e.getKey());
      t.put("current_total_size", current.totalBytes());
      t.put("current_data_size", current.dataBytes());
      t.put("current_row_estimate", current.rowEstimate());
      t.put("week_ago_total_size", week == null ? null : week.totalBytes());
      t.put("week_ago_row_estimate", week == null ? null : week.rowEstimate());
      t.put("month_ago_total_size", month == null ? null : month.totalBytes());
      t.put("month_ago_row_estimate", month == null ? null : month.rowEstimate());
      t.put("weekly_growth_percent", week == null ? null : growth(current.totalBytes(), week.totalBytes()));
      t.put("monthly_growth_percent", month == null ? null : growth(current.totalBytes(), month.totalBytes()));
      t.put("weekly_row_growth_percent", week == null ? null : growth(current.rowEstimate(), week.rowEstimate()));
      t.put("monthly_row_growth_percent", month == null ? null : growth(current.rowEstimate(), month.rowEstimate()));
      if (historyDays > 0) {
        t.put("history", history(e.getValue(), today, historyDays));
      }
      tables.add(t);
    }
    tables.sort(Comparator.comparing((Map<String, Object> t) -> (Double) t.get("weekly_growth_percent"), DESC_NULLS_LAST)
        .thenComparing(t -> (Double) t.get("monthly_growth_percent"), DESC_NULLS_LAST)
        .thenComparing(t -> (String) t.get("table_name")));
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (Alert a : alerts(tables)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("table_name", a.tableName());
      m.put("period", a.period());
      m.put("growth_percent", a.growthPercent());
      m.put("threshold", a.threshold());
      alerts.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("date", today.toString());
    out.put("weekly_threshold_percent", weeklyThreshold);
    out.put("monthly_threshold_percent", monthlyThreshold);
    out.put("tables", tables);
    out.put("alerts", alerts);
    return out;
  }

  /** The alerts of a report built by {@link #build}, in table order, weekly before monthly. */
  @SuppressWarnings("unchecked")
  public List<Alert> alerts(Map<String, Object> report) {
    return alerts((List<Map<String, Object>>) report.get("tables"));
  }

  private List<Alert> alerts(List<Map<String, Object>> tables) {
    List<Alert> out = new ArrayList<>();
    for (Map<String, Object> t : tables) {
      Double weekly = (Double) t.get("weekly_growth_percent");
      Double monthly = (Double) t.get("monthly_growth_percent");
      if (weekly != null && weekly > weeklyThreshold) {
        out.add(new Alert((String) t.get("table_name"), "weekly", weekly, weeklyThreshold));
      }
      if (monthly != null && monthly > monthlyThreshold) {
        out.add(new Alert((String) t.get("table_name"), "monthly", monthly, monthlyThreshold));
      }
    }
    return out;
  }

  private static final Comparator<Double> DESC_NULLS_LAST = Comparator.nullsLast(Comparator.reverseOrder());

  /** The sample of {@code day}, else the nearest older one within {@link #FALLBACK_DAYS} days, else null. */
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
    BigDecimal change = BigDecimal.valueOf(current - old).multiply(BigDecimal.valueOf(100))
        .divide(BigDecimal.valueOf(old), 1, RoundingMode.HALF_UP);
    return change.doubleValue();
  }

  private static List<Map<String, Object>> history(Map<LocalDate, TableSize> days, LocalDate today, int historyDays) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LocalDate d = today.minusDays(historyDays - 1L); !d.isAfter(today); d = d.plusDays(1)) {
      TableSize s = days.get(d);
      if (s != null) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", d.toString());
        m.put("total_size", s.totalBytes());
        m.put("data_size", s.dataBytes());
        m.put("row_estimate", s.rowEstimate());
        out.add(m);
      }
    }
    return out;
  }
}
