package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real SQLite file, plus SQLite specifics. */
class SqliteMetricStoreTest extends MetricStoreContractTest {

  @TempDir Path dir;

  @Override
  protected MetricStore openStore(StoreSettings settings) {
    return MetricStores.sqlite(dir.resolve(MetricStores.SQLITE_FILE), "FULL", settings);
  }

  @Override
  protected Connection rawConnection() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(MetricStores.SQLITE_FILE));
  }

  @Test
  void usesWalAndFullSyncInItsOwnFile() throws SQLException {
    assertThat(Files.exists(dir.resolve("metrics.db"))).isTrue();
    try (Connection c = rawConnection();
        ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
    assertThat(store.engine()).isEqualTo("sqlite");
  }

  @Test
  void holdsNoLockBetweenTransactions() throws SQLException {
    store.write("n1", 1, SnapshotBuilder.at(T0).counter("c", 1).build());
    assertThat(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, T0)).hasSize(1);
    try (Connection c = rawConnection();
        Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 0");
      // The write lock is free: another connection takes it at once (SQLITE_BUSY would throw here).
      assertThatCode(
              () -> {
                st.execute("BEGIN IMMEDIATE");
                st.execute("ROLLBACK");
              })
          .doesNotThrowAnyException();
      // No read snapshot is pinned either: a truncating checkpoint reports busy = 0 and copies
      // every frame.
      try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).as("busy").isZero();
        assertThat(rs.getInt(3)).as("frames checkpointed").isEqualTo(rs.getInt(2));
      }
    }
  }

  @Test
  void gaugeRowsFromBeforeSetTimesExistedTakeTheirWriteTimeAsSetTime() throws SQLException {
    store.close();
    Path old = dir.resolve("old").resolve(MetricStores.SQLITE_FILE);
    old.getParent().toFile().mkdirs();
    String url = "jdbc:sqlite:" + old;
    // A database as the release before set times left it: schema version 3, a gauge row per node,
    // n1's written last (a tie on set time would go to n2, the higher node id).
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/metrics/sqlite")
        .table("flyway_schema_history")
        .target("3")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().executeUpdate("INSERT INTO nodes (id, name) VALUES (1, 'n1'), (2, 'n2')");
      c.createStatement()
          .executeUpdate(
              "INSERT INTO series (id, name, canonical_key, type, tags, first_seen, last_seen)"
                  + " VALUES (1, 'g', 'g', 'gauge', '{}', "
                  + T0
                  + ", "
                  + T0
                  + ")");
      c.createStatement()
          .executeUpdate(
              "INSERT INTO gauge_points (series_id, res, ts, node_id, last, min, max, updated)"
                  + " VALUES (1, 10000, "
                  + T0
                  + ", 1, 5, 5, 5, "
                  + (T0 + 10_002)
                  + "),"
                  + " (1, 10000, "
                  + T0
                  + ", 2, 7, 7, 7, "
                  + (T0 + 10_000)
                  + ")");
      c.createStatement()
          .executeUpdate(
              "INSERT INTO gauge_values (series_id, node_id, value, updated)"
                  + " VALUES (1, 1, 5, "
                  + (T0 + 10_002)
                  + ")");
    }
    store = MetricStores.sqlite(old, "FULL", settings(RetentionPolicy.DEFAULT));
    assertThat(single(store.readPoints(MetricKey.of("g"), MetricType.GAUGE, T0, T0)).last())
        .isEqualTo(5);
    assertThat(store.loadGaugeValues("n1"))
        .containsExactly(new GaugePoint(MetricKey.of("g"), 5, false, T0 + 10_002));
  }

  @Test
  void rejectsAnUnknownEngineFromTheConfiguration() {
    HollerithConfig config =
        new HollerithConfig(
            "n",
            dir.toString(),
            null,
            null,
            null,
            null,
            null,
            new StorageConfig("mysql", null, null, null),
            null,
            null);
    assertThatThrownBy(() -> MetricStores.open(config, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("storage.type must be sqlite or postgresql, got 'mysql'");
  }

  @Test
  void rejectsAnUnsafeSynchronousSetting() {
    assertThatThrownBy(
            () ->
                MetricStores.sqlite(
                    dir.resolve("other.db"), "OFF", settings(RetentionPolicy.DEFAULT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "storage.sqlite_synchronous must be FULL or NORMAL (OFF risks corruption), got 'OFF'");
  }
}
