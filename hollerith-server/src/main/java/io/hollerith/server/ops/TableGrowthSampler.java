package io.hollerith.server.ops;

import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.TableSize;
import io.hollerith.server.storage.TableSizeSample;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the daily table-size sample: measures every metric table, stores the day's row per table
 * (overwriting a re-run of the same day), deletes samples past the retention, and logs and counts
 * each growth alert (table and period) once per day. It also keeps the latest measurement, which
 * {@code /stats}, {@code /metrics} and {@code /stats/prometheus} report, so a scrape never scans
 * the database.
 *
 * <p>Thread-safe: a sample runs under the object's lock; the latest figures are an immutable list
 * behind a volatile field.
 */
public final class TableGrowthSampler {

  private static final Logger LOG = LoggerFactory.getLogger(TableGrowthSampler.class);

  private final MetricStore store;
  private final OpsConfig.TableGrowth config;
  private final TableGrowthReport report;
  private final StatsRegistry.Counter alertCounter;
  private final StatsRegistry.Counter sampleCounter;
  private volatile List<TableSize> latest = List.of();

  /**
   * The alerts already logged and counted today, as {@code table/period}; cleared when the day
   * changes.
   */
  private final Set<String> alertsLogged = new HashSet<>();

  private LocalDate alertsDay;

  public TableGrowthSampler(MetricStore store, OpsConfig.TableGrowth config, StatsRegistry stats) {
    this.store = store;
    this.config = config;
    this.report =
        new TableGrowthReport(config.weeklyThresholdPercent(), config.monthlyThresholdPercent());
    this.alertCounter =
        stats.counter(
            "ops",
            "table_growth_alerts",
            "Table-growth alerts (a table grew beyond a threshold), counted once per table, period and day");
    this.sampleCounter =
        stats.counter("ops", "table_size_samples", "Daily table-size samples taken");
  }

  /**
   * Measures and stores the sample of {@code day}, deletes samples older than the retention, and
   * logs and counts the day's alerts not logged yet that day.
   *
   * @return the alerts of {@code day}
   */
  public synchronized List<TableGrowthReport.Alert> sampleOnce(LocalDate day) {
    List<TableSize> sizes = List.copyOf(store.tableSizes());
    store.saveTableSizes(day, sizes);
    int deleted = store.deleteTableSizesBefore(day.minusDays(config.retentionDays()));
    latest = sizes;
    sampleCounter.incr();
    List<TableGrowthReport.Alert> alerts = report(day, null, 0).alerts();
    LOG.info(
        "table sizes of {} stored for {} tables; {} samples past the {}-day retention deleted",
        day,
        sizes.size(),
        deleted,
        config.retentionDays());
    if (!day.equals(alertsDay)) {
      alertsDay = day;
      alertsLogged.clear();
    }
    for (TableGrowthReport.Alert a : alerts) {
      if (alertsLogged.add(a.tableName() + "/" + a.period())) {
        alertCounter.incr();
        LOG.warn(
            "table {} grew {} % {} (threshold {} %)",
            a.tableName(), a.growthPercent(), a.period(), a.threshold());
      }
    }
    return alerts;
  }

  /**
   * At start: takes the sample of {@code today} unless one is stored (by this node or another
   * sharing the database); in that case only remembers today's stored figures as the latest.
   */
  public synchronized void sampleIfMissing(LocalDate today) {
    List<TableSizeSample> stored = store.tableSizeHistory(today, today);
    if (stored.isEmpty()) {
      sampleOnce(today);
    } else {
      latest = stored.stream().map(TableSizeSample::size).toList();
    }
  }

  /**
   * The growth report of {@code today} from the stored samples (see {@link
   * TableGrowthReport#build}).
   */
  public TableGrowthReport.Report report(LocalDate today, String tableName, int historyDays) {
    List<TableSizeSample> samples =
        store.tableSizeHistory(TableGrowthReport.firstDayNeeded(today, historyDays), today);
    return report.build(today, samples, tableName, historyDays);
  }

  /** The latest measurement, largest table first; empty before the first sample. */
  public List<TableSize> latest() {
    return latest;
  }

  /**
   * The latest measurement as {@code /stats} reports it: {@code <table>_bytes}, {@code
   * <table>_rows}, {@code total_bytes}, {@code total_rows}.
   */
  public Map<String, Long> storageSizes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    long bytes = 0;
    long rows = 0;
    for (TableSize t : latest) {
      sizes.put(t.table() + "_bytes", t.totalBytes());
      sizes.put(t.table() + "_rows", t.rowEstimate());
      bytes += t.totalBytes();
      rows += t.rowEstimate();
    }
    sizes.put("total_bytes", bytes);
    sizes.put("total_rows", rows);
    return sizes;
  }
}
