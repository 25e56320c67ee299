package io.hollerith.server.storage;

import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.database.Passwords;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * Read-only SQL on PostgreSQL: a separate connection as the configured read-only role (to {@code
 * replica_url} when set), with the metric schema as search path, every transaction {@code READ
 * ONLY}, {@code statement_timeout} set, and the driver's {@code maxResultBuffer} (twice the result
 * cap, with adaptive fetch sizes) bounding what one fetch may hold. Before the first query it
 * checks that the role really is harmless: not a superuser, no access to the credential schema, no
 * right to read server files, and no write privilege on the metric tables; otherwise every query is
 * refused with the reason.
 */
final class PostgresReadOnlySql implements ReadOnlySql {

  private final String url;
  private final String schema;
  private final OpsConfig.ReadOnlyRole role;
  private final String password;
  private volatile boolean checked;

  PostgresReadOnlySql(String primaryUrl, String schema, OpsConfig.ReadOnlyRole role) {
    this.url =
        withoutCredentials(
            role.replicaUrl() != null && !role.replicaUrl().isBlank()
                ? role.replicaUrl()
                : primaryUrl);
    this.schema = schema;
    this.role = role;
    this.password =
        role.user() == null
            ? null
            : Passwords.resolve(
                "ops.query.postgresql",
                role.password(),
                role.passwordEnv(),
                role.passwordFile(),
                System::getenv);
  }

  @Override
  public Connection open(Duration timeout, int maxValueBytes) throws SQLException {
    if (role.user() == null || role.user().isBlank()) {
      throw new StoreException(
          "read-only SQL on PostgreSQL needs a read-only role: set ops.query.postgresql.user"
              + " (a role with SELECT on schema "
              + schema
              + " only)");
    }
    Properties p = new Properties();
    p.setProperty("user", role.user());
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("currentSchema", schema);
    // The driver holds one fetched batch at a time; adaptive fetching sizes each batch to fit this
    // buffer, so only a single row larger than it is an error, and the caller's byte cap cuts
    // first.
    p.setProperty("maxResultBuffer", Long.toString(2L * maxValueBytes));
    p.setProperty("adaptiveFetch", "true");
    p.setProperty("readOnly", "true");
    p.setProperty("ApplicationName", "hollerith-readonly-sql");
    Connection c = DriverManager.getConnection(url, p);
    try {
      if (!checked) {
        checkRole(c);
        checked = true;
      }
      try (var st = c.createStatement()) {
        st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
        st.execute("SET statement_timeout = " + Math.max(1, timeout.toMillis()));
      }
      c.setAutoCommit(false);
      c.setReadOnly(true);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * The URL without {@code user} and {@code password} parameters: the driver lets URL parameters
   * override the connection's properties, and the store's own (writing) user must never be used
   * here.
   */
  static String withoutCredentials(String url) {
    int query = url.indexOf('?');
    if (query < 0) {
      return url;
    }
    StringJoiner kept = new StringJoiner("&");
    for (String parameter : url.substring(query + 1).split("[&;]")) {
      String key = parameter.split("=", 2)[0].toLowerCase(Locale.ROOT);
      if (!parameter.isEmpty() && !key.equals("user") && !key.equals("password")) {
        kept.add(parameter);
      }
    }
    return kept.length() == 0 ? url.substring(0, query) : url.substring(0, query + 1) + kept;
  }

  /**
   * Refuses a role that could reach more than the metric data. Every fleet sharing the database
   * keeps its credentials in a schema named after its metric schema plus {@code _auth}, so a role
   * that may use any such schema is refused.
   */
  private void checkRole(Connection c) throws SQLException {
    try (var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT r.rolsuper,"
                    + " EXISTS (SELECT 1 FROM pg_namespace WHERE nspname LIKE '%\\_auth' AND has_schema_privilege(nspname, 'USAGE')),"
                    + " pg_has_role('pg_read_server_files', 'USAGE') OR pg_has_role('pg_write_server_files', 'USAGE')"
                    + "   OR pg_has_role('pg_execute_server_program', 'USAGE'),"
                    + " EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = current_schema() AND"
                    + "   (has_table_privilege(quote_ident(t.schemaname) || '.' || quote_ident(t.tablename), 'INSERT, UPDATE, DELETE, TRUNCATE')))"
                    + " FROM pg_roles r WHERE r.rolname = current_user")) {
      if (!rs.next()) {
        throw new StoreException("read-only SQL: cannot inspect role " + role.user());
      }
      String problem =
          rs.getBoolean(1)
              ? "is a superuser"
              : rs.getBoolean(2)
                  ? "may use a credential schema (<schema>_auth)"
                  : rs.getBoolean(3)
                      ? "may read or write server files or run programs"
                      : rs.getBoolean(4) ? "may write the metric tables" : null;
      if (problem != null) {
        throw new StoreException(
            "read-only SQL refused: role "
                + role.user()
                + " "
                + problem
                + "; give it SELECT on schema "
                + schema
                + " only (README: read-only SQL)");
      }
    }
  }

  @Override
  public String refusal(String sql) {
    return null;
  }

  @Override
  public boolean isTimeout(SQLException e) {
    return "57014".equals(e.getSQLState());
  }
}
