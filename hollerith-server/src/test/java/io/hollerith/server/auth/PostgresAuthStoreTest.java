package io.hollerith.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.testing.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
  void nodesOfAFleetStartingTogetherOnAFreshDatabaseCreateOneAdminAndAllStart(@TempDir Path dir)
      throws Exception {
    int nodes = 4;
    for (int round = 0; round < 5; round++) {
      StorageConfig.Postgresql fresh = pg.storageConfig(pg.createNumberedDatabase("fresh_fleet"));
      List<AuthStore> stores = Collections.synchronizedList(new ArrayList<>());
      ExecutorService starting = Executors.newFixedThreadPool(nodes);
      try {
        CyclicBarrier together = new CyclicBarrier(nodes);
        List<Future<Optional<IssuedToken>>> bootstraps = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
          Path dataDir = Files.createDirectories(dir.resolve("r" + round + "n" + n));
          bootstraps.add(
              starting.submit(
                  () -> {
                    together.await(); // migrating the fresh schemas at once
                    AuthStore store =
                        AuthStore.openPostgresql(fresh, Duration.ofSeconds(2), Clock.systemUTC());
                    stores.add(store);
                    together.await(); // and then each finding no user at once
                    return store.bootstrapAdmin(dataDir);
                  }));
        }
        List<IssuedToken> issued = new ArrayList<>();
        for (Future<Optional<IssuedToken>> b : bootstraps) {
          b.get(60, TimeUnit.SECONDS).ifPresent(issued::add); // no node fails to start
        }
        assertThat(issued).as("round %d", round).hasSize(1);
        assertThat(stores.get(0).listUsers()).extracting(User::name).containsExactly("admin");
        for (AuthStore store : stores) {
          assertThat(store.authenticate(issued.get(0).secret())).isPresent();
        }
        String thisRound = "r" + round;
        try (Stream<Path> files = Files.walk(dir)) {
          assertThat(
                  files.filter(
                      f ->
                          f.getFileName().toString().equals(AuthStore.ADMIN_TOKEN_FILE)
                              && f.getParent().getFileName().toString().startsWith(thisRound)))
              .hasSize(1);
        }
      } finally {
        starting.shutdownNow();
        for (AuthStore s : stores) {
          s.close();
        }
      }
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
