package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Role;
import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.StoreSettings;
import io.hollerith.server.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on a real PostgreSQL (zonky embedded; one server per class, one database per test)
 * with the credential schema in the same database and a read-only role granted the metric schema.
 */
class PostgresDatabaseOperationsTest extends DatabaseOperationsContractTest {

  static final String READ_ONLY_ROLE = "hollerith_ro";

  @RegisterExtension
  static final EmbeddedPostgresServer pg =
      new EmbeddedPostgresServer("CREATE ROLE " + READ_ONLY_ROLE + " LOGIN PASSWORD 'ro'");

  private String database;
  private AuthStore auth;
  @TempDir Path dir;

  @Override
  protected MetricStore openStore(StoreSettings settings) {
    database = pg.createNumberedDatabase("ops");
    MetricStore s = MetricStores.postgresql(pgConfig(), settings);
    auth = AuthStore.openPostgresql(pgConfig(), Duration.ofSeconds(2), Clock.systemUTC());
    auth.addUser("victim", Role.ADMIN, "root", null);
    try (Connection c = pg.connect(database)) {
      var st = c.createStatement();
      st.execute("REVOKE TEMP ON DATABASE " + database + " FROM PUBLIC");
      st.execute("GRANT USAGE ON SCHEMA hollerith TO " + READ_ONLY_ROLE);
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA hollerith TO " + READ_ONLY_ROLE);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return s;
  }

  private StorageConfig.Postgresql pgConfig() {
    return new StorageConfig.Postgresql(pg.jdbcUrl(database), "postgres", null, null, null, 2);
  }

  @AfterEach
  void closeCredentials() {
    if (auth != null) {
      auth.close();
    }
  }

  @Override
  protected Connection rawConnection() throws SQLException {
    Connection c = pg.connect(database);
    c.createStatement().execute("SET search_path TO hollerith");
    return c;
  }

  @Override
  protected OpsConfig.ReadOnlyRole readOnlyRole() {
    return new OpsConfig.ReadOnlyRole(READ_ONLY_ROLE, "ro", null, null, null);
  }

  @Override
  protected String bigValues(int rows, int chars) {
    return "SELECT repeat('x', " + chars + ") FROM generate_series(1, " + rows + ")";
  }

  @Override
  protected String endlessQuery() {
    return "SELECT pg_sleep(3600)";
  }

  @Override
  protected List<String> attacks() {
    String out = dir.resolve("out.txt").toString();
    return List.of(
        "SELECT * FROM hollerith_auth.app_user",
        "SELECT * FROM hollerith_auth.api_token",
        "SELECT * FROM hollerith_auth.tenant",
        "SELECT * FROM app_user",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_ls_dir('.')",
        "SELECT lo_import('/etc/passwd')",
        "COPY series TO '" + out + "'",
        "COPY (SELECT 1) TO PROGRAM 'touch " + out + "'",
        "CREATE EXTENSION IF NOT EXISTS dblink",
        "LOAD 'auto_explain'",
        "DELETE FROM series",
        "INSERT INTO series (name, type, first_seen, last_seen) VALUES ('x', 'c', 0, 0)",
        "UPDATE series SET name = 'x'",
        "TRUNCATE series",
        "DROP TABLE series",
        "CREATE TABLE stolen (x int)",
        "CREATE TEMP TABLE scratch AS SELECT 1",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DELETE FROM series",
        "COMMIT; DELETE FROM series",
        "SET ROLE postgres");
  }

  @Override
  protected String extraFingerprint(Connection c) throws SQLException {
    StringBuilder sb = new StringBuilder();
    try (var st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT string_agg(schemaname || '.' || tablename,"
                    + " ',' ORDER BY schemaname, tablename), (SELECT COUNT(*) FROM hollerith_auth.app_user)"
                    + " FROM pg_tables WHERE schemaname IN ('hollerith', 'hollerith_auth', 'public')")) {
      rs.next();
      sb.append(rs.getString(1)).append(";users=").append(rs.getLong(2));
    }
    sb.append(";out=").append(Files.exists(dir.resolve("out.txt")));
    return sb.toString();
  }

  @Test
  void aRoleThatCouldReachMoreThanTheMetricDataIsRefused() throws SQLException {
    try (ReadOnlyQueries q =
        new ReadOnlyQueries(
            store.readOnlySql(new OpsConfig.ReadOnlyRole("postgres", null, null, null, null)),
            new OpsConfig.Query(Duration.ofSeconds(5), 10, 1 << 20, 1, 0, null),
            stats)) {
      assertThatThrownBy(() -> q.run("tester", "SELECT 1"))
          .isInstanceOf(OpsException.class)
          .hasMessageContaining("role postgres is a superuser")
          .satisfies(e -> assertThat(((OpsException) e).status()).isEqualTo(503));
    }
    try (Connection c = pg.connect(database)) {
      c.createStatement().execute("GRANT USAGE ON SCHEMA hollerith_auth TO " + READ_ONLY_ROLE);
    }
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(5), 10)) {
      assertThatThrownBy(() -> q.run("tester", "SELECT 1"))
          .isInstanceOf(OpsException.class)
          .hasMessageContaining("may use a credential schema (<schema>_auth)");
    } finally {
      try (Connection c = pg.connect(database)) {
        c.createStatement().execute("REVOKE USAGE ON SCHEMA hollerith_auth FROM " + READ_ONLY_ROLE);
      }
    }
    // Another fleet's credential schema in the same database is refused just the same.
    try (Connection c = pg.connect(database)) {
      c.createStatement().execute("CREATE SCHEMA otherfleet_auth");
      c.createStatement().execute("GRANT USAGE ON SCHEMA otherfleet_auth TO " + READ_ONLY_ROLE);
    }
    try (ReadOnlyQueries q = queries(Duration.ofSeconds(5), 10)) {
      assertThatThrownBy(() -> q.run("tester", "SELECT 1"))
          .isInstanceOf(OpsException.class)
          .hasMessageContaining("may use a credential schema (<schema>_auth)");
    } finally {
      try (Connection c = pg.connect(database)) {
        c.createStatement().execute("DROP SCHEMA otherfleet_auth");
      }
    }
  }

  @Test
  void withoutARoleTheEndpointSaysWhatToConfigure() {
    try (ReadOnlyQueries q =
        new ReadOnlyQueries(
            store.readOnlySql(new OpsConfig.ReadOnlyRole(null, null, null, null, null)),
            new OpsConfig.Query(Duration.ofSeconds(5), 10, 1 << 20, 1, 0, null),
            stats)) {
      assertThatThrownBy(() -> q.run("tester", "SELECT 1"))
          .isInstanceOf(OpsException.class)
          .hasMessageContaining("set ops.query.postgresql.user")
          .satisfies(e -> assertThat(((OpsException) e).status()).isEqualTo(503));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void postgresReportsTheCredentialSchemaInsideTheDatabaseSize() {
    writeCounters(20, 1);
    Map<String, Object> s = store.databaseStats();
    Map<String, Object> size = (Map<String, Object>) s.get("database_size");
    assertThat(size.get("database_name")).isEqualTo(database);
    assertThat(((Number) size.get("total_size_bytes")).longValue())
        .isGreaterThan(((Number) size.get("metric_schema_size_bytes")).longValue());
    assertThat((Map<String, String>) s.get("notes")).containsKey("database_size");
    assertThat(((Map<String, String>) s.get("notes")).get("database_size"))
        .contains("includes the credential schema");
    Map<String, Object> replication = (Map<String, Object>) s.get("replication");
    assertThat(replication.get("is_replica")).isEqualTo(false);
    assertThat(((Number) replication.get("wal_bytes")).longValue()).isPositive();
  }

  @Test
  void nodesSharingTheDatabaseStoreOneSamplePerTableAndDay() {
    TableGrowthSampler first =
        new TableGrowthSampler(store, new OpsConfig.TableGrowth(90, 50, 200), stats);
    first.sampleOnce(TODAY);
    int tables = store.tableSizeHistory(TODAY, TODAY).size();
    try (MetricStore other =
        MetricStores.postgresql(
            pgConfig(),
            new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 50, clock))) {
      new TableGrowthSampler(other, new OpsConfig.TableGrowth(90, 50, 200), new StatsRegistry())
          .sampleOnce(TODAY);
    }
    assertThat(store.tableSizeHistory(TODAY, TODAY))
        .hasSize(tables)
        .extracting(s -> s.size().table())
        .doesNotHaveDuplicates();
  }

  @Test
  void aReplicaUrlIsQueriedInsteadOfThePrimary() throws SQLException {
    String replica = database + "_replica";
    pg.createDatabase(replica);
    try (Connection c = pg.connect(replica)) {
      var st = c.createStatement();
      st.execute("CREATE SCHEMA hollerith");
      st.execute("CREATE TABLE hollerith.series (name text)");
      st.execute("INSERT INTO hollerith.series VALUES ('only-on-the-replica')");
      st.execute("GRANT USAGE ON SCHEMA hollerith TO " + READ_ONLY_ROLE);
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA hollerith TO " + READ_ONLY_ROLE);
    }
    writeCounters(2, 1);
    OpsConfig.ReadOnlyRole toReplica =
        new OpsConfig.ReadOnlyRole(READ_ONLY_ROLE, "ro", null, null, pg.jdbcUrl(replica));
    try (ReadOnlyQueries q =
        new ReadOnlyQueries(
            store.readOnlySql(toReplica),
            new OpsConfig.Query(Duration.ofSeconds(5), 10, 1 << 20, 1, 0, toReplica),
            stats)) {
      assertThat(q.run("tester", "SELECT name FROM series").rows())
          .containsExactly(List.of("only-on-the-replica"));
      assertThat(q.run("tester", "SELECT current_user").rows())
          .containsExactly(List.of(READ_ONLY_ROLE));
    }
  }
}
