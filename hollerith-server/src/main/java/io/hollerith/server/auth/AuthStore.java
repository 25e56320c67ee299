package io.hollerith.server.auth;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.database.DatabaseBootstrap;
import io.hollerith.server.database.SchemaException;
import io.hollerith.server.database.SchemaMigrations;
import io.hollerith.server.datadir.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The credential store: tenants, users, API token hashes and namespace assignments, in their own
 * SQLite file {@code <data_dir>/auth.db} or, when {@code storage.type} is {@code postgresql}, in
 * the schema {@link #postgresSchema named after the metric schema} ({@code hollerith_auth} by
 * default) of the configured database: every node of a fleet shares it, and two fleets sharing one
 * database with different {@code storage.postgresql.schema} values keep their credentials apart.
 * The schema is created and upgraded by Flyway from {@code db/auth/sqlite} or {@code
 * db/auth/postgresql}.
 *
 * <p>Nothing is cached: every authentication reads the store, so a token revoked with the CLI (in
 * another process) is refused on the next request. The reads are indexed single-row lookups.
 *
 * <p>Thread-safe (each call uses its own pooled connection).
 */
public final class AuthStore implements AutoCloseable {

  /** Appended to the metric schema's name to name the credential schema of the same fleet. */
  public static final String POSTGRES_SCHEMA_SUFFIX = "_auth";

  /** File name of the SQLite credential store inside {@code data_dir}. */
  public static final String SQLITE_FILE = "auth.db";

  /** File name, inside {@code data_dir}, of the first admin token. */
  public static final String ADMIN_TOKEN_FILE = "admin.token";

  private static final String ADMIN_USER = "admin";

  private final DataSource dataSource;
  private final AutoCloseable pool;
  private final Clock clock;

  private AuthStore(DataSource dataSource, AutoCloseable pool, Clock clock) {
    this.dataSource = dataSource;
    this.pool = pool;
    this.clock = clock;
  }

  /** Opens (creating or upgrading) the store the configuration names. */
  public static AuthStore open(HollerithConfig config, Clock clock) {
    if ("postgresql".equalsIgnoreCase(config.storage().type())) {
      return openPostgresql(config.storage().postgresql(), config.storage().readTimeout(), clock);
    }
    return openSqlite(Path.of(config.dataDir()).resolve(SQLITE_FILE), clock);
  }

  /**
   * Opens (creating or upgrading) a SQLite credential store; creates parent directories (0700) and
   * the file (0600) readable by the owner only.
   */
  public static AuthStore openSqlite(Path file, Clock clock) {
    try {
      DatabaseBootstrap.prepareSqliteFile(file);
    } catch (IOException e) {
      throw new AuthStoreException(
          "cannot create credential store " + file + ": " + e.getMessage(), e);
    }
    SQLiteConfig sqlite = new SQLiteConfig();
    // WAL lets the server read while the CLI (another process) writes; the busy timeout makes a
    // writer wait for the other instead of failing at once.
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setBusyTimeout(5000);
    sqlite.enforceForeignKeys(true);
    SQLiteDataSource raw = new SQLiteDataSource(sqlite);
    raw.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(raw);
    hikari.setPoolName("hollerith-auth-sqlite");
    hikari.setMaximumPoolSize(4);
    hikari.setMinimumIdle(1);
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      migrate(pool, "classpath:db/auth/sqlite", null, "the sqlite credential store " + file);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new AuthStore(pool, pool, clock);
  }

  /**
   * The credential schema of the fleet whose metric schema {@code pg} names: {@code <schema>_auth}.
   */
  public static String postgresSchema(StorageConfig.Postgresql pg) {
    return pg.schema() + POSTGRES_SCHEMA_SUFFIX;
  }

  /**
   * Opens (creating or upgrading) the credential schema in a PostgreSQL database.
   *
   * @param waitForConnection how long a request waits for a pooled connection before it fails (at
   *     least 250 ms); short, so requests fail fast with 503 while the database is unreachable
   */
  public static AuthStore openPostgresql(
      StorageConfig.Postgresql pg, Duration waitForConnection, Clock clock) {
    HikariConfig hikari;
    try {
      hikari = DatabaseBootstrap.postgresPool("hollerith-auth-postgresql", pg);
    } catch (IllegalArgumentException e) {
      throw new AuthStoreException(e.getMessage(), null);
    }
    hikari.setMaximumPoolSize(Math.max(1, Math.min(pg.poolSize(), 4)));
    hikari.setConnectionTimeout(Math.max(250, waitForConnection.toMillis()));
    String schema = postgresSchema(pg);
    hikari.addDataSourceProperty("currentSchema", schema);
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      migrate(
          pool,
          "classpath:db/auth/postgresql",
          schema,
          "the postgresql credential store (schema " + schema + ")");
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new AuthStore(pool, pool, clock);
  }

  private static void migrate(DataSource ds, String location, String schema, String description) {
    try {
      SchemaMigrations.migrate(
          ds,
          new SchemaMigrations.Target(
              location, "hollerith_auth_schema_history", schema, description));
    } catch (SchemaException e) {
      throw new AuthStoreException(e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication

  /**
   * The user a token secret belongs to, if the token exists, is not revoked and has not expired.
   */
  public Optional<Principal> authenticate(String secret) {
    if (secret == null || secret.isEmpty() || secret.length() > 256) {
      return Optional.empty();
    }
    String sql =
        "SELECT u.id, u.name, u.role, u.tenant_id, t.expires_at, t.revoked_at "
            + "FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = ?";
    return query(
        sql,
        ps -> ps.setString(1, Tokens.hash(secret)),
        rs -> {
          if (!rs.next()) {
            return Optional.empty();
          }
          long expires = rs.getLong(5);
          boolean hasExpiry = !rs.wasNull();
          rs.getLong(6);
          boolean revoked = !rs.wasNull();
          if (revoked || (hasExpiry && clock.millis() >= expires)) {
            return Optional.empty();
          }
          return Optional.of(
              new Principal(
                  rs.getLong(1), rs.getString(2), Role.parse(rs.getString(3)), rs.getLong(4)));
        });
  }

  /** What {@code principal} may see, from the current tenant tree and namespace assignments. */
  public Access access(Principal principal) {
    List<Access.Namespace> namespaces =
        query(
            "SELECT prefix, tenant_id FROM metric_namespace",
            ps -> {},
            rs -> {
              List<Access.Namespace> out = new ArrayList<>();
              while (rs.next()) {
                out.add(new Access.Namespace(rs.getString(1), rs.getLong(2)));
              }
              return out;
            });
    return Access.of(principal, listTenants(), namespaces);
  }

  // ---------------------------------------------------------------------------------------------
  // Tenants

  /** Every tenant, ordered by id (parents before children). */
  public List<Tenant> listTenants() {
    return query(
        "SELECT id, name, parent_id FROM tenant ORDER BY id",
        ps -> {},
        rs -> {
          List<Tenant> out = new ArrayList<>();
          while (rs.next()) {
            long id = rs.getLong(1);
            String name = rs.getString(2);
            long parent = rs.getLong(3);
            out.add(new Tenant(id, name, rs.wasNull() ? null : parent));
          }
          return out;
        });
  }

  /**
   * Adds a tenant under {@code parentName}.
   *
   * @throws IllegalArgumentException if the name is taken or invalid, or the parent does not exist
   */
  public Tenant addTenant(String name, String parentName) {
    requireName("tenant", name);
    long parent = tenantId(parentName);
    if (tenantIdOrNull(name) != null) {
      throw new IllegalArgumentException("tenant '" + name + "' already exists");
    }
    long id =
        insertReturningId(
            "INSERT INTO tenant (name, parent_id, created_at) VALUES (?, ?, ?) RETURNING id",
            ps -> {
              ps.setString(1, name);
              ps.setLong(2, parent);
              ps.setLong(3, clock.millis());
            });
    return new Tenant(id, name, parent);
  }

  private long tenantId(String name) {
    Long id = tenantIdOrNull(name);
    if (id == null) {
      throw new IllegalArgumentException("no tenant named '" + name + "'");
    }
    return id;
  }

  private Long tenantIdOrNull(String name) {
    return query(
        "SELECT id FROM tenant WHERE name = ?",
        ps -> ps.setString(1, name),
        rs -> rs.next() ? rs.getLong(1) : null);
  }

  // ---------------------------------------------------------------------------------------------
  // Namespaces

  /** A namespace assignment by tenant name. */
  public record NamespaceAssignment(String prefix, String tenant) {}

  /**
   * Assigns metric names starting with {@code prefix} to a tenant, replacing an earlier assignment
   * of the same prefix.
   *
   * @throws IllegalArgumentException if the prefix is empty or the tenant does not exist
   */
  public void assignNamespace(String prefix, String tenantName) {
    if (prefix == null || prefix.isEmpty() || prefix.length() > 512) {
      throw new IllegalArgumentException("namespace prefix must be 1 to 512 characters");
    }
    long tenant = tenantId(tenantName);
    update("DELETE FROM metric_namespace WHERE prefix = ?", ps -> ps.setString(1, prefix));
    update(
        "INSERT INTO metric_namespace (prefix, tenant_id, assigned_at) VALUES (?, ?, ?)",
        ps -> {
          ps.setString(1, prefix);
          ps.setLong(2, tenant);
          ps.setLong(3, clock.millis());
        });
  }

  /** Every assignment, ordered by prefix. */
  public List<NamespaceAssignment> listNamespaces() {
    return query(
        "SELECT n.prefix, t.name FROM metric_namespace n JOIN tenant t ON t.id = n.tenant_id ORDER BY n.prefix",
        ps -> {},
        rs -> {
          List<NamespaceAssignment> out = new ArrayList<>();
          while (rs.next()) {
            out.add(new NamespaceAssignment(rs.getString(1), rs.getString(2)));
          }
          return out;
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Users and tokens

  /**
   * Adds a user and issues its first token.
   *
   * @param ttl token lifetime, or null for a token that does not expire
   * @throws IllegalArgumentException if the name is taken or invalid, or the tenant does not exist
   */
  public IssuedToken addUser(String name, Role role, String tenantName, Duration ttl) {
    requireName("user", name);
    Long id = insertUser(name, role, tenantId(tenantName));
    if (id == null) {
      throw new IllegalArgumentException("user '" + name + "' already exists");
    }
    return issue(id, name, ttl);
  }

  /**
   * Inserts a user unless one of that name exists, in one statement, so two nodes (or two
   * administrators) adding the same name at once cannot both pass a check: the second insert waits
   * for the first to commit and then does nothing. Returns the new user's id, or null if the name
   * was taken.
   */
  private Long insertUser(String name, Role role, long tenant) {
    return query(
        "INSERT INTO app_user (name, role, tenant_id, created_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (name) DO NOTHING RETURNING id",
        ps -> {
          ps.setString(1, name);
          ps.setString(2, role.label());
          ps.setLong(3, tenant);
          ps.setLong(4, clock.millis());
        },
        rs -> rs.next() ? rs.getLong(1) : null);
  }

  /**
   * Issues another token for an existing user.
   *
   * @throws IllegalArgumentException if the user does not exist
   */
  public IssuedToken issueToken(String userName, Duration ttl) {
    Long id = userIdOrNull(userName);
    if (id == null) {
      throw new IllegalArgumentException("no user named '" + userName + "'");
    }
    return issue(id, userName, ttl);
  }

  private IssuedToken issue(long userId, String userName, Duration ttl) {
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("token lifetime must be positive");
    }
    String secret = Tokens.newSecret();
    long now = clock.millis();
    Long expires = ttl == null ? null : now + ttl.toMillis();
    long id =
        insertReturningId(
            "INSERT INTO api_token (user_id, token_hash, token_prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            ps -> {
              ps.setLong(1, userId);
              ps.setString(2, Tokens.hash(secret));
              ps.setString(3, Tokens.displayPrefix(secret));
              ps.setLong(4, now);
              if (expires == null) {
                ps.setNull(5, Types.BIGINT);
              } else {
                ps.setLong(5, expires);
              }
            });
    return new IssuedToken(id, userName, secret, expires);
  }

  /**
   * Revokes every token of a user; the user stays and can be given a new token.
   *
   * @return how many tokens were revoked
   * @throws IllegalArgumentException if the user does not exist
   */
  public int revokeTokens(String userName) {
    Long id = userIdOrNull(userName);
    if (id == null) {
      throw new IllegalArgumentException("no user named '" + userName + "'");
    }
    return update(
        "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        ps -> {
          ps.setLong(1, clock.millis());
          ps.setLong(2, id);
        });
  }

  /** Every user, ordered by name, with the number of usable tokens. */
  public List<User> listUsers() {
    String sql =
        "SELECT u.id, u.name, u.role, t.name, u.created_at, "
            + "(SELECT COUNT(*) FROM api_token k WHERE k.user_id = u.id AND k.revoked_at IS NULL "
            + "AND (k.expires_at IS NULL OR k.expires_at > ?)) "
            + "FROM app_user u JOIN tenant t ON t.id = u.tenant_id ORDER BY u.name";
    return query(
        sql,
        ps -> ps.setLong(1, clock.millis()),
        rs -> {
          List<User> out = new ArrayList<>();
          while (rs.next()) {
            out.add(
                new User(
                    rs.getLong(1),
                    rs.getString(2),
                    Role.parse(rs.getString(3)),
                    rs.getString(4),
                    rs.getLong(5),
                    rs.getInt(6)));
          }
          return out;
        });
  }

  private Long userIdOrNull(String name) {
    return query(
        "SELECT id FROM app_user WHERE name = ?",
        ps -> ps.setString(1, name),
        rs -> rs.next() ? rs.getLong(1) : null);
  }

  /**
   * On a store without users, creates the {@code admin} user in the root tenant, writes its token
   * to {@code <dataDir>/admin.token} with mode 0600 (owner read/write only) and returns the token
   * so the caller can print it once. On a store with users, does nothing and returns empty; so does
   * a node of a fleet that found no user but was not the first to create {@code admin} (nodes
   * starting together on a fresh PostgreSQL database): exactly one node writes the token file, and
   * none fails to start.
   *
   * @throws AuthStoreException if the token file cannot be written (the user is still created, and
   *     the message says how to issue a new token)
   */
  public synchronized Optional<IssuedToken> bootstrapAdmin(Path dataDir) {
    long users =
        query("SELECT COUNT(*) FROM app_user", ps -> {}, rs -> rs.next() ? rs.getLong(1) : 0L);
    if (users > 0) {
      return Optional.empty();
    }
    Long created = insertUser(ADMIN_USER, Role.ADMIN, tenantId(Tenant.ROOT));
    if (created == null) {
      return Optional.empty();
    }
    IssuedToken token = issue(created, ADMIN_USER, null);
    writeOwnerOnly(dataDir.resolve(ADMIN_TOKEN_FILE), token.secret() + "\n");
    return Optional.of(token);
  }

  /** Writes a file readable only by its owner, replacing it atomically if it exists. */
  static void writeOwnerOnly(Path target, String content) {
    try {
      PrivateFiles.writeAtomically(target, content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AuthStoreException(
          "cannot write "
              + target
              + " ("
              + e.getMessage()
              + "); the admin user exists: create a token for it with 'hollerith user token admin'",
          e);
    }
  }

  private static void requireName(String what, String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
      throw new IllegalArgumentException(
          what
              + " name '"
              + name
              + "' is invalid: use 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // JDBC plumbing

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T query(String sql, Binder binder, Reader<T> reader) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        return reader.read(rs);
      }
    } catch (SQLException e) {
      throw new AuthStoreException("credential store query failed: " + e.getMessage(), e);
    }
  }

  private int update(String sql, Binder binder) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new AuthStoreException("credential store update failed: " + e.getMessage(), e);
    }
  }

  private long insertReturningId(String sql, Binder binder) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AuthStoreException("insert returned no id: " + sql, null);
        }
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new AuthStoreException("credential store update failed: " + e.getMessage(), e);
    }
  }

  /** True when the store answers a trivial query; for health checks. */
  public boolean isReachable() {
    try {
      return query("SELECT 1", ps -> {}, ResultSet::next);
    } catch (AuthStoreException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      pool.close();
    } catch (Exception e) {
      throw new AuthStoreException("closing credential store: " + e.getMessage(), e);
    }
  }
}
