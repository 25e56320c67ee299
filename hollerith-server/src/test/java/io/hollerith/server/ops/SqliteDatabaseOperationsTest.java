package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.StoreException;
import io.hollerith.server.storage.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real SQLite file in WAL mode, with the credential store beside it. */
class SqliteDatabaseOperationsTest extends DatabaseOperationsContractTest {

  @TempDir Path dir;
  AuthStore auth;

  @BeforeEach
  void openCredentials() {
    auth = AuthStore.openSqlite(dir.resolve(AuthStore.SQLITE_FILE), Clock.systemUTC());
  }

  @AfterEach
  void closeCredentials() {
    auth.close();
  }

  @Override
  protected MetricStore openStore(StoreSettings settings) {
    return MetricStores.sqlite(dir.resolve(MetricStores.SQLITE_FILE), "FULL", settings);
  }

  @Override
  protected Connection rawConnection() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(MetricStores.SQLITE_FILE));
  }

  @Override
  protected OpsConfig.ReadOnlyRole readOnlyRole() {
    return new OpsConfig.ReadOnlyRole(null, null, null, null, null);
  }

  @Override
  protected String bigValues(int rows, int chars) {
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
        + rows
        + ")"
        + " SELECT hex(zeroblob("
        + chars / 2
        + ")) FROM c";
  }

  @Override
  protected String endlessQuery() {
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
  }

  @Override
  protected List<String> attacks() {
    String auth = dir.resolve(AuthStore.SQLITE_FILE).toString();
    String copy = dir.resolve("copy.db").toString();
    return List.of(
        "SELECT * FROM app_user",
        "SELECT * FROM api_token",
        "SELECT * FROM tenant",
        "ATTACH DATABASE '" + auth + "' AS creds",
        "SELECT * FROM creds.app_user",
        "SELECT readfile('/etc/passwd')",
        "SELECT writefile('" + copy + "', 'x')",
        "SELECT load_extension('libc.so.6')",
        "VACUUM INTO '" + copy + "'",
        "backup to " + copy,
        "restore from " + copy,
        "DELETE FROM series",
        "INSERT INTO series (name) VALUES ('x')",
        "UPDATE series SET name = 'x'",
        "DROP TABLE series",
        "CREATE TABLE stolen (x)",
        "CREATE TEMP TABLE scratch AS SELECT 1",
        "ALTER TABLE series ADD COLUMN x",
        "PRAGMA user_version = 7",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "PRAGMA query_only = 0",
        "pragma main.cache_size=5",
        "/* setting */ -- a comment\n  PRAGMA \"foreign_keys\"(1)",
        "SELECT zeroblob(2000000)");
  }

  @Override
  protected String extraFingerprint(Connection c) throws SQLException {
    StringBuilder sb = new StringBuilder();
    for (String pragma : List.of("user_version", "journal_mode", "schema_version")) {
      try (var st = c.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
        rs.next();
        sb.append(pragma).append('=').append(rs.getString(1)).append(';');
      }
    }
    sb.append("copy=").append(Files.exists(dir.resolve("copy.db")));
    return sb.toString();
  }

  @Test
  void pragmasThatOnlyReadStillAnswer() throws Exception {
    writeCounters(1, 1);
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(10), 100)) {
      assertThat(q.run("tester", "PRAGMA table_info(series)").rows()).isNotEmpty();
      assertThat(q.run("tester", "PRAGMA page_count").rows()).hasSize(1);
    }
  }

  @Test
  void aReadOnlyConnectionSeesCommitsStillInTheWal() throws Exception {
    writeCounters(3, 1);
    assertThat(Files.exists(dir.resolve(MetricStores.SQLITE_FILE + "-shm"))).isTrue();
    assertThat(Files.size(dir.resolve(MetricStores.SQLITE_FILE + "-wal"))).isPositive();
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(10), 100)) {
      assertThat(
              ((Number) q.run("tester", "SELECT count(*) FROM series").rows().get(0).get(0))
                  .longValue())
          .isEqualTo(3);
      writeCounters("later", 2, 2);
      assertThat(
              ((Number) q.run("tester", "SELECT count(*) FROM series").rows().get(0).get(0))
                  .longValue())
          .isEqualTo(5);
    }
  }

  @Test
  void theFileIsNotCreatedByABackupOrVacuum() {
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(10), 100)) {
      assertThatThrownBy(() -> q.run("tester", "backup to " + dir.resolve("b.db")))
          .isInstanceOf(OpsException.class)
          .hasMessageContaining("backup and restore commands");
    }
    assertThat(Files.exists(dir.resolve("b.db"))).isFalse();
  }

  @Test
  @SuppressWarnings("unchecked")
  void sqliteFillsTheDatabaseStatsSectionsWithItsOwnFigures() {
    writeCounters(50, 1);
    Map<String, Object> s = store.databaseStats();
    Map<String, Object> size = (Map<String, Object>) s.get("database_size");
    long pageSize = ((Number) size.get("page_size_bytes")).longValue();
    long pages = ((Number) size.get("page_count")).longValue();
    assertThat(size.get("total_size_bytes")).isEqualTo(pageSize * pages);
    assertThat(size.get("database_name")).isEqualTo("metrics.db");
    assertThat(((Number) size.get("wal_size_bytes")).longValue()).isPositive();
    Map<String, Object> maintenance = (Map<String, Object>) s.get("maintenance");
    long rows = store.tableSizes().stream().mapToLong(t -> t.rowEstimate()).sum();
    assertThat(maintenance.get("total_live_tuples")).isEqualTo(rows);
    assertThat((Map<String, Object>) maintenance.get("wal_checkpoint"))
        .containsKeys("wal_frames", "checkpointed_frames");
    Map<String, Object> connections = (Map<String, Object>) s.get("connections");
    assertThat(connections.get("max_connections")).isEqualTo(5);
    assertThat(((Map<String, Object>) s.get("cache_performance")).get("buffer_cache_hit_ratio"))
        .isNull();
    assertThat((Map<String, String>) s.get("notes"))
        .containsKey("cache_performance.buffer_cache_hit_ratio")
        .containsKey("database_size");
    assertThat(((Map<String, Object>) s.get("active_queries")).get("count")).isEqualTo(0);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aWriteThatFindsTheFileLockedIsCountedAsBusy() throws Exception {
    try (Connection locker = rawConnection()) {
      locker.setAutoCommit(false);
      locker.createStatement().execute("INSERT INTO nodes (name) VALUES ('locker')");
      assertThatThrownBy(() -> writeCounters(1, 1))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("SQLITE_BUSY");
      locker.rollback();
    }
    Map<String, Object> tx = (Map<String, Object>) store.databaseStats().get("transactions");
    assertThat(tx)
        .containsEntry("busy", 1L)
        .containsEntry("committed", 0L)
        .containsEntry("rolled_back", 0L);
    writeCounters(1, 2);
    tx = (Map<String, Object>) store.databaseStats().get("transactions");
    assertThat(tx).containsEntry("busy", 1L).containsEntry("committed", 1L);
  }
}
