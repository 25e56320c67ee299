package io.hollerith.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.testing.StepClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite credential store, on a real file. */
class AuthStoreTest {

  @TempDir Path dir;
  StepClock clock = new StepClock();
  AuthStore store;

  @BeforeEach
  void open() {
    store = AuthStore.openSqlite(dir.resolve("auth.db"), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void tokensAuthenticateAndAreStoredOnlyAsHashes() throws Exception {
    IssuedToken t = store.addUser("alice", Role.READER, "root", null);
    assertThat(t.secret()).startsWith("hol_").hasSize(4 + 43); // 256 bits in base64url
    assertThat(t.toString()).doesNotContain(t.secret());
    Principal p = store.authenticate(t.secret()).orElseThrow();
    assertThat(p.userName()).isEqualTo("alice");
    assertThat(p.role()).isEqualTo(Role.READER);
    assertThat(store.authenticate(t.secret() + "x")).isEmpty();
    assertThat(store.authenticate("")).isEmpty();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("auth.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT token_hash, token_prefix FROM api_token")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1))
          .hasSize(64)
          .isNotEqualTo(t.secret())
          .isEqualTo(Tokens.hash(t.secret()));
      assertThat(t.secret()).startsWith(rs.getString(2));
    }
    byte[] file = Files.readAllBytes(dir.resolve("auth.db"));
    assertThat(new String(file, StandardCharsets.ISO_8859_1)).doesNotContain(t.secret());
  }

  @Test
  void tokensExpire() {
    IssuedToken t = store.addUser("bob", Role.SUPPORT, "root", Duration.ofHours(1));
    assertThat(t.expiresMillis()).isEqualTo(clock.millis() + 3_600_000);
    assertThat(store.authenticate(t.secret())).isPresent();
    clock.advance(3_600_000 - 1);
    assertThat(store.authenticate(t.secret())).isPresent();
    clock.advance(1);
    assertThat(store.authenticate(t.secret())).isEmpty();
    assertThat(store.listUsers())
        .singleElement()
        .satisfies(u -> assertThat(u.activeTokens()).isZero());
  }

  @Test
  void revocationRefusesEveryTokenOfTheUserAndANewTokenWorks() {
    IssuedToken first = store.addUser("carol", Role.ADMIN, "root", null);
    IssuedToken second = store.issueToken("carol", null);
    assertThat(store.revokeTokens("carol")).isEqualTo(2);
    assertThat(store.authenticate(first.secret())).isEmpty();
    assertThat(store.authenticate(second.secret())).isEmpty();
    IssuedToken third = store.issueToken("carol", null);
    assertThat(store.authenticate(third.secret())).isPresent();
    assertThat(store.revokeTokens("carol")).isEqualTo(1);
    assertThatThrownBy(() -> store.revokeTokens("nobody")).hasMessage("no user named 'nobody'");
  }

  @Test
  void validationMessages() {
    store.addUser("dave", Role.READER, "root", null);
    assertThatThrownBy(() -> store.addUser("dave", Role.READER, "root", null))
        .hasMessage("user 'dave' already exists");
    assertThatThrownBy(() -> store.addUser("eve", Role.READER, "nowhere", null))
        .hasMessage("no tenant named 'nowhere'");
    assertThatThrownBy(() -> store.addUser("bad name", Role.READER, "root", null))
        .hasMessageStartingWith("user name 'bad name' is invalid");
    assertThatThrownBy(() -> store.addTenant("root", "root"))
        .hasMessage("tenant 'root' already exists");
    assertThatThrownBy(() -> store.assignNamespace("", "root"))
        .hasMessage("namespace prefix must be 1 to 512 characters");
    assertThatThrownBy(() -> store.issueToken("dave", Duration.ZERO))
        .hasMessage("token lifetime must be positive");
    assertThatThrownBy(() -> Role.parse("owner"))
        .hasMessage("unknown role 'owner': must be admin, support or reader");
  }

  @Test
  void tenantsFormATreeAndNamespacesDecideOwnership() {
    store.addTenant("shop", "root");
    store.addTenant("shop-eu", "shop");
    store.addTenant("blog", "root");
    store.assignNamespace("shop.", "shop");
    store.assignNamespace("shop.eu.", "shop-eu");
    store.assignNamespace("blog.", "blog");
    assertThat(store.listTenants())
        .extracting(Tenant::name)
        .containsExactly("root", "shop", "shop-eu", "blog");
    assertThat(store.listNamespaces())
        .containsExactly(
            new AuthStore.NamespaceAssignment("blog.", "blog"),
            new AuthStore.NamespaceAssignment("shop.", "shop"),
            new AuthStore.NamespaceAssignment("shop.eu.", "shop-eu"));

    Access shop =
        store.access(
            store
                .authenticate(store.addUser("s", Role.READER, "shop", null).secret())
                .orElseThrow());
    Access eu =
        store.access(
            store
                .authenticate(store.addUser("e", Role.READER, "shop-eu", null).secret())
                .orElseThrow());
    Access root =
        store.access(
            store
                .authenticate(store.addUser("r", Role.READER, "root", null).secret())
                .orElseThrow());

    // A tenant sees itself and its descendants.
    assertThat(shop.canSee("shop.orders")).isTrue();
    assertThat(shop.canSee("shop.eu.orders")).isTrue();
    assertThat(shop.canSee("blog.posts")).isFalse();
    assertThat(shop.canSee("unassigned.metric")).isFalse();
    // The longest prefix decides: shop.eu. belongs to shop-eu, shop.us. to shop.
    assertThat(eu.canSee("shop.eu.orders")).isTrue();
    assertThat(eu.canSee("shop.us.orders")).isFalse();
    // Unassigned names belong to root, and root sees everything.
    assertThat(root.canSee("unassigned.metric")).isTrue();
    assertThat(root.canSee("shop.eu.orders")).isTrue();
    assertThat(root.seesEverything()).isTrue();
    assertThat(shop.seesEverything()).isFalse();

    // Reassigning a prefix moves it.
    store.assignNamespace("blog.", "shop");
    assertThat(store.access(shop.principal()).canSee("blog.posts")).isTrue();
  }

  @Test
  void bootstrapCreatesAdminOnceAndWritesAnOwnerOnlyTokenFile() throws Exception {
    IssuedToken token = store.bootstrapAdmin(dir).orElseThrow();
    Path file = dir.resolve("admin.token");
    assertThat(Files.readString(file)).isEqualTo(token.secret() + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Principal admin = store.authenticate(token.secret()).orElseThrow();
    assertThat(admin.userName()).isEqualTo("admin");
    assertThat(admin.role()).isEqualTo(Role.ADMIN);
    assertThat(store.bootstrapAdmin(dir)).isEmpty();
    assertThat(store.listUsers()).extracting(User::name).containsExactly("admin");
  }

  @Test
  void reopeningKeepsEverything() {
    IssuedToken t = store.addUser("frank", Role.READER, "root", null);
    store.close();
    store = AuthStore.openSqlite(dir.resolve("auth.db"), clock);
    assertThat(store.authenticate(t.secret())).isPresent();
    assertThat(store.listUsers()).extracting(User::name).isEqualTo(List.of("frank"));
  }

  @Test
  void rolesMapToPermissionsInOnePlace() {
    assertThat(Role.ADMIN.permissions()).containsExactlyInAnyOrder(Permission.values());
    assertThat(Role.SUPPORT.permissions())
        .containsExactlyInAnyOrder(Permission.OPS_READ, Permission.STAT_READ);
    assertThat(Role.READER.permissions()).containsExactly(Permission.STAT_READ);
    assertThat(Permission.STAT_READ.label()).isEqualTo("STAT:READ");
  }

  @Test
  void startUpRefusesASchemaNewerThanThisBinary() throws Exception {
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("auth.db"))) {
      c.createStatement()
          .executeUpdate(
              "INSERT INTO hollerith_auth_schema_history (installed_rank, version,"
                  + " description, type, script, checksum, installed_by, execution_time, success)"
                  + " VALUES (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'test', 1, true)");
    }
    assertThatThrownBy(() -> AuthStore.openSqlite(dir.resolve("auth.db"), clock))
        .isInstanceOf(AuthStoreException.class)
        .hasMessageContaining(
            "the sqlite credential store "
                + dir.resolve("auth.db")
                + " has schema version 99 (from the future), newer than this Hollerith understands (up to ")
        .hasMessageMatching("(?s).*understands \\(up to [1-9][0-9]*\\)\\..*");
    store = AuthStore.openSqlite(dir.resolve("other.db"), clock);
  }
}
