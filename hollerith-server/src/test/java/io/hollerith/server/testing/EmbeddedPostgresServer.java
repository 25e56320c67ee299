package io.hollerith.server.testing;

import io.hollerith.server.config.StorageConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL server (zonky embedded) per test class, started before its first test and
 * stopped after its last; databases are created on it as a test needs them. Register it as
 * {@code @RegisterExtension static final EmbeddedPostgresServer pg = new
 * EmbeddedPostgresServer();}. Test support.
 */
public final class EmbeddedPostgresServer implements BeforeAllCallback, AfterAllCallback {

  /** The superuser of the embedded server, and the name of its default database. */
  public static final String POSTGRES = "postgres";

  private final List<String> setUp;
  private final AtomicInteger databases = new AtomicInteger();
  private EmbeddedPostgres server;

  /** {@code setUp}: statements run on the default database once the server is up (roles, say). */
  public EmbeddedPostgresServer(String... setUp) {
    this.setUp = List.of(setUp);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = EmbeddedPostgres.builder().start();
    try (Connection c = connect(POSTGRES);
        Statement st = c.createStatement()) {
      for (String sql : setUp) {
        st.execute(sql);
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (server != null) {
      server.close();
    }
  }

  /** Creates the database {@code name} and returns its name. */
  public String createDatabase(String name) {
    try (Connection c = connect(POSTGRES);
        Statement st = c.createStatement()) {
      st.executeUpdate("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return name;
  }

  /**
   * Creates a database named {@code prefix_N}, N counting the databases made this way, and returns
   * its name.
   */
  public String createNumberedDatabase(String prefix) {
    return createDatabase(prefix + "_" + databases.incrementAndGet());
  }

  /** A new connection to {@code database} as the superuser. */
  public Connection connect(String database) throws SQLException {
    return server.getDatabase(POSTGRES, database).getConnection();
  }

  /** The JDBC URL of {@code database}. */
  public String jdbcUrl(String database) {
    return server.getJdbcUrl(POSTGRES, database);
  }

  /** Hollerith's storage settings for {@code database}, as the superuser, with a pool of two. */
  public StorageConfig.Postgresql storageConfig(String database) {
    return storageConfig(server, database);
  }

  /** The same for a server a test starts and stops itself (to simulate an outage, say). */
  public static StorageConfig.Postgresql storageConfig(EmbeddedPostgres server, String database) {
    return new StorageConfig.Postgresql(
        server.getJdbcUrl(POSTGRES, database), POSTGRES, null, null, null, 2);
  }
}
