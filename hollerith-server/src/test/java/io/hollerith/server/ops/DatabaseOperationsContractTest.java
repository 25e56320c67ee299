package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.StoreSettings;
import io.hollerith.server.storage.TableSize;
import io.hollerith.server.storage.TableSizeSample;
import io.hollerith.server.testing.StepClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Database statistics, table-growth sampling and read-only SQL on a real engine: each subclass
 * supplies a fresh store and a raw connection to the same database, plus its engine's attacks.
 */
abstract class DatabaseOperationsContractTest {

  static final long T0 = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
  static final LocalDate TODAY = LocalDate.of(2026, 12, 7);
  static final Set<String> SECTIONS =
      Set.of(
          "table_stats",
          "connections",
          "database_size",
          "cache_performance",
          "transactions",
          "locks",
          "maintenance",
          "active_queries",
          "query_performance",
          "replication",
          "notes");

  protected final StepClock clock = new StepClock(T0);
  protected MetricStore store;
  protected final StatsRegistry stats = new StatsRegistry();

  /** A fresh, empty store. */
  protected abstract MetricStore openStore(StoreSettings settings);

  /** A raw connection with full rights, the metric tables on the search path. */
  protected abstract Connection rawConnection() throws SQLException;

  /** The read-only role for {@code ops.query.postgresql}. */
  protected abstract OpsConfig.ReadOnlyRole readOnlyRole();

  /**
   * Statements that try to reach credentials, files or extensions, or to write: each must fail with
   * 400.
   */
  protected abstract List<String> attacks();

  /** A query answering {@code rows} rows of one text value of {@code chars} characters. */
  protected abstract String bigValues(int rows, int chars);

  /** A query that never ends on its own. */
  protected abstract String endlessQuery();

  @BeforeEach
  void open() {
    store =
        openStore(
            new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 50, clock));
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** Writes {@code n} counters named {@code c0…}. */
  protected void writeCounters(int n, long writeId) {
    writeCounters("c", n, writeId);
  }

  /** Writes {@code n} counters named {@code <prefix>0…}. */
  protected void writeCounters(String prefix, int n, long writeId) {
    List<FlushSnapshot.CounterPoint> counters = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      counters.add(new FlushSnapshot.CounterPoint(MetricKey.of(prefix + i), i + 1, (i + 1) / 10.0));
    }
    store.write(
        "n1",
        writeId,
        new FlushSnapshot(
            T0 + writeId * 10_000,
            10_000,
            false,
            counters,
            List.of(),
            List.of(),
            List.of(),
            Map.of()));
  }

  // ------------------------------------------------------------------ database statistics

  @Test
  @SuppressWarnings("unchecked")
  void databaseStatsHaveEverySectionAndTheLargestTablesFirst() {
    writeCounters(300, 1);
    Map<String, Object> s = store.databaseStats();
    assertThat(s.keySet()).isEqualTo(SECTIONS);
    List<Map<String, Object>> tables = (List<Map<String, Object>>) s.get("table_stats");
    List<TableSize> sizes = store.tableSizes();
    assertThat(tables).hasSize(Math.min(10, sizes.size()));
    for (int i = 0; i < tables.size(); i++) {
      Map<String, Object> t = tables.get(i);
      long total = ((Number) t.get("total_size")).longValue();
      long data = ((Number) t.get("data_size")).longValue();
      assertThat(((Number) t.get("external_size")).longValue()).isEqualTo(total - data);
      if (i > 0) {
        assertThat(total)
            .isLessThanOrEqualTo(((Number) tables.get(i - 1).get("total_size")).longValue());
      }
    }
    assertThat(tables).extracting(t -> t.get("table_name")).contains("counter_points");
    assertThat((Map<String, Object>) s.get("cache_performance"))
        .containsKeys("buffer_cache_hit_ratio", "index_hit_ratio");
    assertThat((Map<String, Object>) s.get("maintenance"))
        .containsKeys(
            "oldest_transaction_age",
            "total_live_tuples",
            "dead_tuple_ratio_percent",
            "tables_needing_vacuum",
            "total_dead_tuples");
    assertThat((Map<String, Object>) s.get("active_queries"))
        .containsKeys("count", "longest_duration_seconds", "waiting_on_locks", "queries");
    assertThat((Map<String, Object>) s.get("connections"))
        .containsKeys(
            "active",
            "idle",
            "idle_in_transaction",
            "waiting",
            "max_connections",
            "utilization_percent");
    assertThat((Map<String, Object>) s.get("database_size"))
        .containsKeys("database_name", "total_size_bytes", "data_size_bytes", "index_size_bytes");
    assertThat((Map<String, Object>) s.get("replication"))
        .containsKeys("is_replica", "wal_bytes", "replication_lag_bytes");
    assertThat((Map<String, Object>) s.get("query_performance"))
        .containsKeys(
            "seq_scan_count",
            "seq_scan_rows",
            "index_scan_count",
            "index_scan_rows",
            "temp_files_count",
            "temp_files_bytes");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyNullFieldHasANoteSayingWhy() {
    writeCounters(5, 1);
    Map<String, Object> s = store.databaseStats();
    Map<String, String> notes = (Map<String, String>) s.get("notes");
    for (Map.Entry<String, Object> section : s.entrySet()) {
      if (section.getValue() instanceof Map<?, ?> fields && !section.getKey().equals("notes")) {
        fields.forEach(
            (k, v) -> {
              if (v == null) {
                assertThat(notes)
                    .as("note for %s.%s", section.getKey(), k)
                    .containsAnyOf(
                        Map.entry(
                            section.getKey() + "." + k,
                            notes.getOrDefault(section.getKey() + "." + k, "")),
                        Map.entry(section.getKey(), notes.getOrDefault(section.getKey(), "")));
                assertThat(
                        notes.getOrDefault(section.getKey() + "." + k, notes.get(section.getKey())))
                    .isNotBlank();
              }
            });
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void ownTransactionCountersCountEveryWrite() {
    Map<String, Object> before = (Map<String, Object>) store.databaseStats().get("transactions");
    long committed =
        ((Number) before.getOrDefault("hollerith_committed", before.get("committed"))).longValue();
    writeCounters(3, 1);
    writeCounters(3, 2);
    Map<String, Object> after = (Map<String, Object>) store.databaseStats().get("transactions");
    long now =
        ((Number) after.getOrDefault("hollerith_committed", after.get("committed"))).longValue();
    assertThat(now - committed).isEqualTo(2);
    assertThat(after).containsKeys("rolled_back", "busy", "deadlocks", "rollback_ratio_percent");
  }

  // ------------------------------------------------------------------ table growth

  @Test
  void samplingStoresTodayOverwritesAReRunAndDropsSamplesPastTheRetention() {
    TableGrowthSampler sampler =
        new TableGrowthSampler(store, new OpsConfig.TableGrowth(40, 50, 200), stats);
    store.saveTableSizes(TODAY.minusDays(41), List.of(new TableSize("series", 1, 1, 1)));
    store.saveTableSizes(TODAY.minusDays(40), List.of(new TableSize("series", 2, 2, 2)));
    assertThat(sampler.latest()).isEmpty();
    sampler.sampleOnce(TODAY);
    List<TableSizeSample> today = store.tableSizeHistory(TODAY, TODAY);
    assertThat(today).extracting(s -> s.size().table()).contains("series", "counter_points");
    assertThat(today)
        .extracting(TableSizeSample::size)
        .containsExactlyInAnyOrderElementsOf(sampler.latest());
    assertThat(store.tableSizeHistory(TODAY.minusDays(100), TODAY.minusDays(1)))
        .extracting(TableSizeSample::day)
        .containsExactly(TODAY.minusDays(40));

    writeCounters(500, 1);
    sampler.sampleOnce(TODAY);
    List<TableSizeSample> again = store.tableSizeHistory(TODAY, TODAY);
    assertThat(again).hasSameSizeAs(today);
    long pointsBefore = total(today, "counter_points");
    assertThat(total(again, "counter_points"))
        .isGreaterThan(pointsBefore)
        .isEqualTo(
            sampler.latest().stream()
                .filter(t -> t.table().equals("counter_points"))
                .findFirst()
                .orElseThrow()
                .totalBytes());
    assertThat(sampler.storageSizes())
        .containsKeys("counter_points_bytes", "counter_points_rows", "total_bytes", "total_rows");
  }

  private static long total(List<TableSizeSample> samples, String table) {
    return samples.stream()
        .filter(s -> s.size().table().equals(table))
        .findFirst()
        .orElseThrow()
        .size()
        .totalBytes();
  }

  @Test
  @SuppressWarnings("unchecked")
  void reportUsesInjectedPastSamplesAndCountsAlertsOncePerDay() {
    TableGrowthSampler sampler =
        new TableGrowthSampler(store, new OpsConfig.TableGrowth(90, 50, 200), stats);
    sampler.sampleOnce(TODAY);
    TableSize series =
        store.tableSizeHistory(TODAY, TODAY).stream()
            .map(TableSizeSample::size)
            .filter(t -> t.table().equals("series"))
            .findFirst()
            .orElseThrow();
    long weekAgo = series.totalBytes() / 4;
    store.saveTableSizes(TODAY.minusDays(7), List.of(new TableSize("series", weekAgo, weekAgo, 1)));
    store.saveTableSizes(
        TODAY.minusDays(32), List.of(new TableSize("series", weekAgo, weekAgo, 1)));

    List<TableGrowthReport.Alert> alerts = sampler.sampleOnce(TODAY);
    Double weekly = TableGrowthReportTest.expectedGrowth(series.totalBytes(), weekAgo);
    assertThat(alerts)
        .contains(
            new TableGrowthReport.Alert("series", "weekly", weekly, 50),
            new TableGrowthReport.Alert("series", "monthly", weekly, 200));
    long counted = counter("table_growth_alerts");
    assertThat(counted).isEqualTo(alerts.size());
    sampler.sampleOnce(TODAY);
    assertThat(counter("table_growth_alerts")).isEqualTo(counted);

    List<TableGrowthReport.TableGrowth> tables = sampler.report(TODAY, "SERIES", 10).tables();
    assertThat(tables).hasSize(1);
    assertThat(tables.get(0).weekAgoTotalSize()).isEqualTo(weekAgo);
    assertThat(tables.get(0).monthAgoTotalSize()).isEqualTo(weekAgo);
    assertThat(tables.get(0).weeklyGrowthPercent()).isEqualTo(weekly);
    assertThat(tables.get(0).history())
        .extracting(TableGrowthReport.DaySize::date)
        .containsExactly(TODAY.minusDays(7).toString(), TODAY.toString());
  }

  @Test
  void sampleIfMissingTakesNoSecondSampleButRemembersTheStoredOne() {
    TableGrowthSampler first =
        new TableGrowthSampler(store, new OpsConfig.TableGrowth(90, 50, 200), stats);
    first.sampleIfMissing(TODAY);
    assertThat(counter("table_size_samples")).isEqualTo(1);
    StatsRegistry other = new StatsRegistry();
    TableGrowthSampler restarted =
        new TableGrowthSampler(store, new OpsConfig.TableGrowth(90, 50, 200), other);
    restarted.sampleIfMissing(TODAY);
    assertThat(other.snapshot().get("ops").get("table_size_samples").longValue()).isZero();
    assertThat(restarted.latest()).containsExactlyInAnyOrderElementsOf(first.latest());
  }

  private long counter(String name) {
    return stats.snapshot().get("ops").get(name).longValue();
  }

  // ------------------------------------------------------------------ read-only SQL

  protected ReadOnlyQueries queries(Duration timeout, int maxRows) {
    return new ReadOnlyQueries(
        store.readOnlySql(readOnlyRole()),
        new OpsConfig.Query(timeout, maxRows, 1 << 20, 1, 0, readOnlyRole()),
        stats);
  }

  @Test
  void readsTheMetricDataWrittenByTheStore() {
    writeCounters(4, 1);
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(10), 100)) {
      ReadOnlyQueries.Result r = q.run("tester", "SELECT name FROM series ORDER BY name");
      assertThat(r.columns()).containsExactly("name");
      assertThat(r.rows()).extracting(row -> row.get(0)).containsExactly("c0", "c1", "c2", "c3");
      assertThat(r.truncated()).isFalse();
    }
  }

  @Test
  void rowsBeyondTheCapAreCutAndFlagged() {
    writeCounters(30, 1);
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(10), 20)) {
      ReadOnlyQueries.Result r = q.run("tester", "SELECT name FROM series ORDER BY name");
      List<String> all = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        all.add("c" + i);
      }
      all.sort(null);
      assertThat(r.rows())
          .extracting(row -> row.get(0))
          .containsExactlyElementsOf(all.subList(0, 20));
      assertThat(r.truncated()).isTrue();
      assertThat(q.run("tester", "SELECT name FROM series WHERE name = 'c7'").truncated())
          .isFalse();
    }
  }

  @Test
  void aResultBeyondTheByteCapIsCutAtTheLastWholeRow() {
    int cap = 1 << 20;
    int chars = 100_000;
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(10), 100)) {
      ReadOnlyQueries.Result r = q.run("tester", bigValues(30, chars));
      assertThat(r.rows()).hasSize(cap / (chars + 2));
      assertThat(r.truncated()).isTrue();
      assertThat(r.rows()).allSatisfy(row -> assertThat((String) row.get(0)).hasSize(chars));
    }
    assertThat(counter("query_truncated")).isEqualTo(1);
  }

  @Test
  void anEndlessQueryIsCancelledWith408() {
    try (ReadOnlyQueries q = queries(Duration.ofMillis(300), 100)) {
      assertThatThrownBy(() -> q.run("tester", endlessQuery()))
          .isInstanceOf(OpsException.class)
          .satisfies(e -> assertThat(((OpsException) e).status()).isEqualTo(408))
          .hasMessageContaining("ops.query.timeout");
      assertThat(q.run("tester", "SELECT 1").rows()).hasSize(1);
    }
    assertThat(counter("query_timeouts")).isEqualTo(1);
  }

  @Test
  void emptyOrBadSqlIs400WithTheDatabasesMessage() {
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(10), 100)) {
      assertThatThrownBy(() -> q.run("tester", "  "))
          .isInstanceOf(OpsException.class)
          .hasMessage("Parameter query: a non-empty SQL query is required");
      assertThatThrownBy(() -> q.run("tester", "SELEC 1"))
          .isInstanceOf(OpsException.class)
          .satisfies(e -> assertThat(((OpsException) e).status()).isEqualTo(400))
          .hasMessageContaining("syntax error");
    }
  }

  @Test
  void attacksFailWith400AndChangeNothing() throws SQLException {
    writeCounters(5, 1);
    String before = fingerprint();
    Map<String, String> outcomes = new LinkedHashMap<>();
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(10), 100)) {
      for (String attack : attacks()) {
        try {
          outcomes.put(attack, "200 " + q.run("tester", attack).rows());
        } catch (OpsException e) {
          outcomes.put(attack, e.status() + " " + e.getMessage());
        }
      }
    }
    assertThat(outcomes)
        .allSatisfy((attack, outcome) -> assertThat(outcome).as(attack).startsWith("400 "));
    assertThat(fingerprint()).isEqualTo(before);
  }

  /** The tables, their row counts and the schema version, read with full rights. */
  protected String fingerprint() throws SQLException {
    StringBuilder sb = new StringBuilder();
    try (Connection c = rawConnection()) {
      for (String table :
          List.of(
              "series",
              "counter_points",
              "counter_totals",
              "write_log",
              "table_size_history",
              "flyway_schema_history")) {
        try (var st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          sb.append(table).append('=').append(rs.getLong(1)).append(';');
        }
      }
      sb.append(extraFingerprint(c));
    }
    return sb.toString();
  }

  /** Engine-specific state an attack might change (tables, schema version, journal mode). */
  protected abstract String extraFingerprint(Connection c) throws SQLException;
}
