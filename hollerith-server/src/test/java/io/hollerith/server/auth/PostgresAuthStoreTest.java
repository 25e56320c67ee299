package io.hollerith.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.testing.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The credential store on a real PostgreSQL server (zonky embedded), in schema hollerith_auth. */
class PostgresAuthStoreTest {

  @RegisterExtension static final EmbeddedPostgresServer pg = new EmbeddedPostgresServer();

  static StorageConfig.Postgresql config() {
    return new StorageConfig.Postgresql(
        pg.jdbcUrl(EmbeddedPostgresServer.POSTGRES), "postgres", null, null, null, 2);
  }

  @Test
  void everythingWorksInItsOwnSchema() throws Exception {
    try (AuthStore store =
        AuthStore.openPostgresql(config(), Duration.ofSeconds(2), Clock.systemUTC())) {
      store.addTenant("shop", "root");
      store.assignNamespace("shop.", "shop");
      IssuedToken t = store.addUser("alice", Role.SUPPORT, "shop", Duration.ofDays(1));
      Principal p = store.authenticate(t.secret()).orElseThrow();
      assertThat(p.role()).isEqualTo(Role.SUPPORT);
      assertThat(store.access(p).canSee("shop.orders")).isTrue();
      assertThat(store.access(p).canSee("blog.posts")).isFalse();
      assertThat(store.revokeTokens("alice")).isEqualTo(1);
      assertThat(store.authenticate(t.secret())).isEmpty();
      assertThat(store.isReachable()).isTrue();
    }
    try (Connection c = pg.connect(EmbeddedPostgresServer.POSTGRES);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'hollerith_auth' ORDER BY table_name")) {
      StringBuilder tables = new StringBuilder();
      while (rs.next()) {
        tables.append(rs.getString(1)).append(' ');
      }
      assertThat(tables.toString())
          .isEqualTo("api_token app_user hollerith_auth_schema_history metric_namespace tenant ");
    }
    // Reopening runs no migration twice and keeps the data.
    try (AuthStore store =
        AuthStore.openPostgresql(config(), Duration.ofSeconds(2), Clock.systemUTC())) {
      assertThat(store.listUsers()).extracting(User::name).containsExactly("alice");
      assertThat(store.listTenants()).extracting(Tenant::name).containsExactly("root", "shop");
    }
  }

  @Test
  void twoFleetsOnOneDatabaseWithDifferentMetricSchemasKeepTheirCredentialsApart()
      throws Exception {
    StorageConfig.Postgresql east =
        new StorageConfig.Postgresql(
            pg.jdbcUrl(EmbeddedPostgresServer.POSTGRES), "postgres", null, null, null, 2, "east");
    StorageConfig.Postgresql west =
        new StorageConfig.Postgresql(
            pg.jdbcUrl(EmbeddedPostgresServer.POSTGRES), "postgres", null, null, null, 2, "west");
    try (AuthStore eastStore =
            AuthStore.openPostgresql(east, Duration.ofSeconds(2), Clock.systemUTC());
        AuthStore westStore =
            AuthStore.openPostgresql(west, Duration.ofSeconds(2), Clock.systemUTC())) {
      IssuedToken eastToken = eastStore.addUser("bob", Role.ADMIN, "root", Duration.ofDays(1));
      assertThat(eastStore.authenticate(eastToken.secret())).isPresent();
      assertThat(westStore.authenticate(eastToken.secret())).isEmpty();
      assertThat(westStore.listUsers()).extracting(User::name).doesNotContain("bob");
    }
    assertThat(AuthStore.postgresSchema(east)).isEqualTo("east_auth");
    try (Connection c = pg.connect(EmbeddedPostgresServer.POSTGRES);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('east_auth', 'west_auth')"
                        + " ORDER BY 1")) {
      assertThat(
              rs.next()
                  && rs.getString(1).equals("east_auth")
                  && rs.next()
                  && rs.getString(1).equals("west_auth"))
          .isTrue();
    }
  }

  @Test
  void blankPasswordSourcesCountAsNoneAsForTheMetricStore() {
    StorageConfig.Postgresql blank =
        new StorageConfig.Postgresql(
            pg.jdbcUrl(EmbeddedPostgresServer.POSTGRES), "postgres", null, "  ", " ", 2);
    try (AuthStore store =
        AuthStore.openPostgresql(blank, Duration.ofSeconds(2), Clock.systemUTC())) {
      assertThat(store.isReachable()).isTrue();
    }
  }

  @Test
  void aMissingPasswordVariableIsNamedAsForTheMetricStore() {
    StorageConfig.Postgresql missing =
        new StorageConfig.Postgresql(
            pg.jdbcUrl(EmbeddedPostgresServer.POSTGRES),
            "postgres",
            null,
            "HOLLERITH_TEST_PASSWORD_NEVER_SET",
            null,
            2);
    assertThatThrownBy(
            () -> AuthStore.openPostgresql(missing, Duration.ofSeconds(2), Clock.systemUTC()))
        .isInstanceOf(AuthStoreException.class)
        .hasMessage(
            "storage.postgresql.password_env names the environment variable HOLLERITH_TEST_PASSWORD_NEVER_SET,"
                + " which is not set");
  }
}
