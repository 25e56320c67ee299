package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on a real PostgreSQL (zonky embedded, one server per class, one database per test).
 */
class PostgresMetricStoreTest extends MetricStoreContractTest {

  @RegisterExtension static final EmbeddedPostgresServer pg = new EmbeddedPostgresServer();
  private String database;

  @BeforeEach
  @Override
  void openDefault() {
    database = pg.createNumberedDatabase("contract");
    super.openDefault();
  }

  @Override
  protected MetricStore openStore(StoreSettings settings) {
    return MetricStores.postgresql(pg.storageConfig(database), settings);
  }

  @Override
  protected Connection rawConnection() throws SQLException {
    Connection c = pg.connect(database);
    c.createStatement().execute("SET search_path TO hollerith");
    return c;
  }

  @Override
  protected void assertRowEstimate(List<TableSize> sizes, String table, long rows) {
    // n_live_tup is reported by the statistics collector with a delay: 0 or the true count.
    assertThat(
            sizes.stream()
                .filter(t -> t.table().equals(table))
                .findFirst()
                .orElseThrow()
                .rowEstimate())
        .isIn(0L, rows);
  }

  @Test
  void opensFromTheConfigurationWithAPasswordFile(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("pg-password");
    Files.writeString(secret, "not-needed-by-trust-auth\n");
    StorageConfig storage =
        new StorageConfig(
            "postgresql",
            "10s:1d,1m:30d",
            null,
            new StorageConfig.Postgresql(
                pg.jdbcUrl(database), "postgres", null, null, secret.toString(), 2, "metrics_alt"),
            null,
            null,
            null,
            null);
    HollerithConfig config =
        new HollerithConfig(
            "node-x", dir.toString(), null, null, null, null, null, storage, null, null);
    try (MetricStore other = MetricStores.open(config, clock)) {
      assertThat(other.engine()).isEqualTo("postgresql");
      assertThat(other.retention().toString()).isEqualTo("10s:1d,1m:30d");
      other.write("node-x", 1, SnapshotBuilder.at(T0).counter("c", 1).build());
      assertThat(other.tableSizes()).extracting(TableSize::table).contains("counter_points");
    }
    try (Connection c = pg.connect(database);
        ResultSet rs =
            c.createStatement().executeQuery("SELECT count(*) FROM metrics_alt.counter_points")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void onlyOneNodeOfAFleetRollsUpAtATime() throws SQLException {
    for (int i = 0; i < 6; i++) {
      store.write("n1", i, SnapshotBuilder.at(T0 + i * TEN_S).counter("c", 1).build());
    }
    long key = (0x486F6C6CL << 32) | ("hollerith".hashCode() & 0xFFFFFFFFL);
    try (Connection otherNode = pg.connect(database)) {
      try (var ps = otherNode.prepareStatement("SELECT pg_advisory_lock(?)")) {
        ps.setLong(1, key);
        ps.executeQuery().close();
      }
      RollupReport skipped = store.rollup(clock.millis());
      assertThat(skipped.transactions()).isZero();
      assertThat(skipped.rowsWritten()).isZero();
      try (var ps = otherNode.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        ps.setLong(1, key);
        ps.executeQuery().close();
      }
    }
    assertThat(store.rollup(clock.millis()).rowsWritten()).isPositive();
  }

  @Test
  void keepsMetricTablesInTheirOwnSchema() throws SQLException {
    assertThat(store.engine()).isEqualTo("postgresql");
    try (Connection c = pg.connect(database);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hollerith'"
                        + " AND table_name IN ('series', 'counter_points', 'timer_points', 'counter_totals')")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(4);
    }
  }

  @Test
  void messagesShowTheUrlWithoutItsPassword() {
    assertThat(PostgresMetricStore.redact("jdbc:postgresql://db/h?user=u&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/h?user=u&password=***&ssl=true");
  }
}
